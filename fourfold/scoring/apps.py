from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "fourfold.scoring"
    label = "scoring"

    def ready(self) -> None:
        from . import revision

        revision.install()
