"""A real OpenID Connect provider for the single sign-on tests: django-oidc-provider in a
Django process of its own, on 127.0.0.1, with its own SQLite file (OIDC_PROVIDER_DB) and its
own cookies (the browser shares cookies between the ports of one host)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

SECRET_KEY = "the test identity provider's, nowhere else"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "oidc_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "tests.oidc_provider.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
            ]
        },
    }
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("OIDC_PROVIDER_DB", str(HERE / "provider.sqlite3")),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SESSION_COOKIE_NAME = "provider_session"
CSRF_COOKIE_NAME = "provider_csrf"
LOGIN_URL = "/login/"
SITE_URL = os.environ.get("OIDC_PROVIDER_URL", "http://127.0.0.1:8401")
OIDC_USERINFO = "tests.oidc_provider.settings.userinfo"
OIDC_IDTOKEN_INCLUDE_CLAIMS = True


def userinfo(claims: dict[str, Any], user: Any) -> dict[str, Any]:
    """What the provider says of a person: an address it has not verified for the usernames
    that say so."""
    claims["email"] = user.email
    claims["email_verified"] = not user.username.startswith("unverified")
    claims["given_name"] = user.first_name
    claims["family_name"] = user.last_name
    return claims
