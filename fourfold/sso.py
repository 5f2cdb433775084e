"""Single sign-on's settings, read from the environment (settings.py applies them; the sign-in
itself is fourfold/accounts/oidc.py). Apart from Django so that settings.py can import it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

BACKEND = "fourfold.accounts.oidc.Backend"
# The provider's endpoints, each its own variable, else read from the issuer's discovery
# document (`/.well-known/openid-configuration`) the first time they are needed.
ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": (
        "FOURFOLD_OIDC_AUTHORIZATION_ENDPOINT",
        "authorization_endpoint",
    ),
    "OIDC_OP_TOKEN_ENDPOINT": ("FOURFOLD_OIDC_TOKEN_ENDPOINT", "token_endpoint"),
    "OIDC_OP_USER_ENDPOINT": ("FOURFOLD_OIDC_USERINFO_ENDPOINT", "userinfo_endpoint"),
    "OIDC_OP_JWKS_ENDPOINT": ("FOURFOLD_OIDC_JWKS_ENDPOINT", "jwks_uri"),
    "SSO_END_SESSION": ("FOURFOLD_OIDC_END_SESSION_ENDPOINT", "end_session_endpoint"),
}
REQUIRED = ("OIDC_OP_AUTHORIZATION_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT", "OIDC_OP_USER_ENDPOINT")


def oidc_settings(environ: Mapping[str, str]) -> dict[str, Any]:
    """Django's settings for single sign-on from an environment; SSO_ENABLED False
    (and nothing else) when FOURFOLD_OIDC_CLIENT_ID is not set."""
    client = environ.get("FOURFOLD_OIDC_CLIENT_ID", "").strip()
    if not client:
        return {"SSO_ENABLED": False}
    issuer = environ.get("FOURFOLD_OIDC_ISSUER", "").strip().rstrip("/")
    out: dict[str, Any] = {
        "SSO_ENABLED": True,
        "SSO_ISSUER": issuer,
        "SSO_PROVIDER_NAME": environ.get("FOURFOLD_OIDC_PROVIDER_NAME", "").strip()
        or "single sign-on",
        "OIDC_RP_CLIENT_ID": client,
        "OIDC_RP_CLIENT_SECRET": environ.get("FOURFOLD_OIDC_CLIENT_SECRET", ""),
        "OIDC_RP_SIGN_ALGO": environ.get("FOURFOLD_OIDC_SIGN_ALGO", "").strip() or "RS256",
        "OIDC_RP_SCOPES": environ.get("FOURFOLD_OIDC_SCOPES", "").strip() or "openid email profile",
        # Kept in the session to end it at the provider on sign-out (`id_token_hint`).
        "OIDC_STORE_ID_TOKEN": True,
        "OIDC_USE_PKCE": True,
        "OIDC_TIMEOUT": 15,
        "OIDC_AUTHENTICATION_CALLBACK_URL": "oidc_authentication_callback",
    }
    for setting, (variable, _) in ENDPOINTS.items():
        out[setting] = environ.get(variable, "").strip() or None
    missing = [ENDPOINTS[s][0] for s in REQUIRED if out[s] is None]
    if missing and not issuer:
        raise ImproperlyConfigured(
            f"FOURFOLD_OIDC_CLIENT_ID is set, so single sign-on needs FOURFOLD_OIDC_ISSUER "
            f"(or {', '.join(missing)})"
        )
    given = {"FOURFOLD_OIDC_ISSUER": issuer, **{v: out[s] for s, (v, _) in ENDPOINTS.items()}}
    for variable, url in given.items():
        if url and not url.startswith(("https://", "http://")):
            raise ImproperlyConfigured(f"{variable} must be a URL (https://…), not {url!r}")
    return out


def form_targets(config: Mapping[str, Any]) -> list[str]:
    """The origins a form of ours may be sent on to: signing out goes on to the provider's
    end-session endpoint (the Content-Security-Policy's form-action)."""
    urls = [config.get("SSO_ISSUER"), config.get("SSO_END_SESSION")]
    origins = []
    for url in urls:
        if url:
            parts = urlsplit(url)
            origins.append(f"{parts.scheme}://{parts.netloc}")
    return sorted(set(origins))


def applied(
    config: Mapping[str, Any], backends: list[str], policy: Mapping[str, list[str]]
) -> dict[str, Any]:
    """Every Django setting single sign-on sets, from `oidc_settings`' CONFIG, the other
    authentication backends and the Content-Security-Policy without it."""
    enabled = bool(config.get("SSO_ENABLED"))
    directives = {**policy, "form-action": [*policy["form-action"], *form_targets(config)]}
    return {
        **config,
        "AUTHENTICATION_BACKENDS": [*backends, BACKEND] if enabled else list(backends),
        "CONTENT_SECURITY_POLICY": {"DIRECTIVES": directives},
    }
