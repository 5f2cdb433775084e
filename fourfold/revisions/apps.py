from django.apps import AppConfig


class RevisionsConfig(AppConfig):
    name = "fourfold.revisions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import capture

        capture.connect()
