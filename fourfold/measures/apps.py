from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "fourfold.measures"
    label = "measures"
