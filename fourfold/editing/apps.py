from django.apps import AppConfig


class EditingConfig(AppConfig):
    name = "fourfold.editing"
    verbose_name = "Scorecard editing and accounts"
