from django.apps import AppConfig


class HistoryConfig(AppConfig):
    name = "fourfold.history"
    label = "history"
    verbose_name = "History and audit"
