from typing import Any

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "fourfold.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_signed_in, dispatch_uid="fourfold.accounts.signed_in")


def _signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from . import twofactor

    if request is not None and hasattr(request, "session"):
        twofactor.state_at_sign_in(request, user)
