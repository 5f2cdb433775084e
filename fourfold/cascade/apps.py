from django.apps import AppConfig


class CascadeConfig(AppConfig):
    name = "fourfold.cascade"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from fourfold.measures.intake import targets_changed

        from .drift import ask_to_confirm

        targets_changed.connect(ask_to_confirm, dispatch_uid="cascade.ask_to_confirm")
