"""Single sign-on with the organization's identity provider (OpenID Connect, through
mozilla-django-oidc): Entra ID, Okta, Keycloak, Google and any other that speaks it.

Off unless FOURFOLD_OIDC_CLIENT_ID is set (see `oidc_settings`). A person is matched to an
account by email address, case-insensitively; someone without one gets a new account with no
role, and sees "no access yet" until an administrator gives them one. A provider that says
the address is not verified is refused: the address is what the account is matched by.
Signing out also ends the session at the provider when it has an end-session endpoint.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from collections.abc import Mapping
from functools import cache
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from mozilla_django_oidc import auth, views

from fourfold.audit.models import record
from fourfold.sso import ENDPOINTS, REQUIRED

log = logging.getLogger(__name__)

BACKEND = "fourfold.accounts.oidc.Backend"


def enabled() -> bool:
    return bool(getattr(settings, "SSO_ENABLED", False))


def provider_name() -> str:
    return str(getattr(settings, "SSO_PROVIDER_NAME", "single sign-on"))


@cache
def _discovered(issuer: str) -> dict[str, Any]:
    url = f"{issuer}/.well-known/openid-configuration"
    try:
        with urllib.request.urlopen(url, timeout=15) as answer:
            found: dict[str, Any] = json.load(answer)
    except (OSError, ValueError) as exc:
        raise ImproperlyConfigured(
            f"the identity provider's discovery document {url} could not be read: {exc}"
        ) from exc
    return found


def setting(name: str, *default: Any) -> Any:
    """A setting of mozilla-django-oidc's, an endpoint read from the issuer when not given."""
    if name in ENDPOINTS and getattr(settings, name, None) is None:
        issuer = getattr(settings, "SSO_ISSUER", "")
        found = _discovered(issuer).get(ENDPOINTS[name][1]) if issuer else None
        if found is None and name in REQUIRED:
            raise ImproperlyConfigured(
                f"the identity provider {issuer} names no {ENDPOINTS[name][1]}: "
                f"set {ENDPOINTS[name][0]}"
            )
        return found
    if hasattr(settings, name):
        return getattr(settings, name)
    if default:
        return default[0]
    raise ImproperlyConfigured(f"Setting {name} not found")


def _problem(request: HttpRequest, sentence: str) -> None:
    """What went wrong, for the sign-in page to say after the provider sent the person back."""
    request.fourfold_sso_problem = sentence  # type: ignore[attr-defined]


class Backend(auth.OIDCAuthenticationBackend):  # type: ignore[misc]
    """Matches the provider's person to an account by email address, or makes one, no role."""

    get_settings = staticmethod(setting)

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        email = str(claims.get("email") or "").strip()
        if not email:
            _problem(self.request, f"{provider_name()} did not give an email address.")
            return False
        if claims.get("email_verified") is False:
            _problem(self.request, f"{provider_name()} says {email} is not verified yet.")
            return False
        return True

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        email = str(claims["email"]).strip()
        found = get_user_model().objects.filter(email__iexact=email)
        if found.count() > 1:
            _problem(
                self.request,
                f"Several accounts have the email address {email}: ask an administrator to "
                "keep it on one.",
            )
        return found

    def create_user(self, claims: dict[str, Any]) -> Any:
        email = str(claims["email"]).strip()
        User = get_user_model()
        username = base = email.lower()[:140]
        n = 1
        while User.objects.filter(username__iexact=username).exists():
            n += 1
            username = f"{base}-{n}"
        with transaction.atomic():
            user = User(username=username, email=email, **_names(claims))
            user.set_unusable_password()
            user.save()
            record(
                None,
                "user.create",
                f"Created user {username} at their first sign-in with {provider_name()}",
                user=username,
                before={},
                after={"username": username, "email": email, **_names(claims)},
                through="oidc",
            )
        return user

    def update_user(self, user: Any, claims: dict[str, Any]) -> Any:
        """The names the provider knows, where the account has none yet (an administrator's
        names are kept)."""
        changed = [k for k, v in _names(claims).items() if v and not getattr(user, k)]
        for name in changed:
            setattr(user, name, _names(claims)[name])
        if changed:
            user.save(update_fields=changed)
        return user


def _names(claims: Mapping[str, Any]) -> dict[str, str]:
    return {
        "first_name": str(claims.get("given_name") or "")[:150],
        "last_name": str(claims.get("family_name") or "")[:150],
    }


class Start(views.OIDCAuthenticationRequestView):  # type: ignore[misc]
    """The "Sign in with …" button: on to the provider, or 404 when single sign-on is off."""

    get_settings = staticmethod(setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if enabled():
            super().__init__(*args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not enabled():
            raise Http404("Single sign-on is not set up")
        response: HttpResponse = super().get(request)
        return response


class Callback(views.OIDCAuthenticationCallbackView):  # type: ignore[misc]
    """Where the provider sends the person back; a failure is said on the sign-in page."""

    get_settings = staticmethod(setting)

    @property
    def failure_url(self) -> str:
        return reverse("login")

    def get(self, request: HttpRequest) -> HttpResponse:
        if not enabled():
            raise Http404("Single sign-on is not set up")
        response: HttpResponse = super().get(request)
        return response

    def login_failure(self) -> HttpResponse:
        request = self.request
        user = getattr(self, "user", None)
        if request.GET.get("error"):
            reason = request.GET.get("error_description") or request.GET["error"]
            sentence = f"{provider_name()} did not sign you in: {reason[:200]}."
        elif user is not None and not user.is_active:
            sentence = "This account is deactivated: ask an administrator to reactivate it."
        else:
            sentence = getattr(request, "fourfold_sso_problem", None) or (
                f"Signing in with {provider_name()} did not succeed: try again."
            )
        messages.error(request, sentence)
        return HttpResponseRedirect(self.failure_url)


def end_session_url(request: HttpRequest) -> str | None:
    """Where to send a person signed in with the provider when they sign out here, so that
    they are signed out there too; None when they were not, or it cannot."""
    id_token = request.session.get("oidc_id_token")
    if not enabled() or not id_token:
        return None
    try:
        endpoint = setting("SSO_END_SESSION")
    except ImproperlyConfigured:
        log.warning("the identity provider's end-session endpoint could not be read")
        return None
    if not endpoint:
        return None
    back = request.build_absolute_uri(reverse("login"))
    query = urlencode({"id_token_hint": id_token, "post_logout_redirect_uri": back})
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
