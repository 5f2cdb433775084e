from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "fourfold.intake"
    label = "intake"
    verbose_name = "Data entry and import"
