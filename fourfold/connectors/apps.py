from django.apps import AppConfig


class ConnectorsConfig(AppConfig):
    name = "fourfold.connectors"
    label = "connectors"
    verbose_name = "Data sources"

    def ready(self) -> None:
        from django_q.signals import post_spawn

        from .worker import beat

        post_spawn.connect(beat, dispatch_uid="connectors-worker-heartbeat")
