from django.apps import AppConfig


class InitiativesConfig(AppConfig):
    name = "fourfold.initiatives"
    label = "initiatives"
