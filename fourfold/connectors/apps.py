from django.apps import AppConfig


class ConnectorsConfig(AppConfig):
    name = "fourfold.connectors"
    label = "connectors"
    verbose_name = "Data sources"
