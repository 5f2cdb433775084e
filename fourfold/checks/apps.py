from django.apps import AppConfig


class ChecksConfig(AppConfig):
    name = "fourfold.checks"
    label = "checks"
