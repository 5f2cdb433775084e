from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "fourfold.reports"
    label = "reports"
    verbose_name = "Briefing books"
