"""Django settings for Fourfold, read from the environment with safe defaults."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

from fourfold import security, sso
from fourfold.env import env_bool, env_int
from fourfold.paths import home

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent


def secret_key() -> str:
    # Never in the repository: from the environment, else generated once per installation.
    if key := os.environ.get("FOURFOLD_SECRET_KEY"):
        return key
    path = home() / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def database(url: str) -> dict[str, Any]:
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except Exception as exc:  # dj_database_url raises several types for one cause
        raise ImproperlyConfigured(f"FOURFOLD_DATABASE_URL {url!r} is not a database URL") from exc
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
            ),
        }
    elif config["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("FOURFOLD_DATABASE_URL must be a sqlite:// or postgres:// URL")
    return config


DEBUG = env_bool("FOURFOLD_DEBUG", False)
SECRET_KEY = secret_key()
ALLOWED_HOSTS = os.environ.get("FOURFOLD_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")

DATABASES = {
    "default": database(
        os.environ.get("FOURFOLD_DATABASE_URL") or f"sqlite:///{home() / 'fourfold.sqlite3'}"
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Each process keeps its own caches in memory. "scores" holds computed scores (see
# fourfold/scoring/cache.py), kept as objects: a whole organization's are hundreds of MB for
# 20,000 KPIs, so they are bounded by the memory they take (FOURFOLD_SCORES_CACHE_MB). Every
# computation is kept (MIN_SECONDS 0), however quick: a kept entry is brought up to date after a
# write for less than computing it again, and under load a small unit's scorecard and KPI pages
# otherwise scored their unit at every request (20 to 30 ms of CPU each on the demo).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "scores": {
        "BACKEND": "fourfold.scoring.cache.ObjectCache",
        "LOCATION": "scores",
        "TIMEOUT": None,
        "OPTIONS": {
            "MAX_ENTRIES": 64,
            "CULL_FREQUENCY": 4,
            "MIN_SECONDS": 0,
            "MAX_MB": env_int("FOURFOLD_SCORES_CACHE_MB", 1024),
        },
    },
}
# The rows of values and targets read for a whole organization's scores, kept in a file for
# the first computation of later processes (fourfold/scoring/stored.py), when at least this many.
ROWS_FILE = env_bool("FOURFOLD_ROWS_FILE", True)
ROWS_FILE_DIR = home() / "cache"
ROWS_FILE_MIN_ROWS = env_int("FOURFOLD_ROWS_FILE_MIN_ROWS", 100_000, least=0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "django_q",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "fourfold.accounts",
    "fourfold.audit",
    "fourfold.strategy",
    "fourfold.measures",
    "fourfold.reviews",
    "fourfold.intake",
    "fourfold.api",
    "fourfold.connectors",
    "fourfold.freshness",
    "fourfold.history",
    "fourfold.web",
    "fourfold.editing",
    "fourfold.checks",
    "fourfold.initiatives",
    "fourfold.forecasts",
    "fourfold.cascade",
    "fourfold.reports",
    "fourfold.sharing",
    "fourfold.alerts",
    "fourfold.revisions",
    "fourfold.scoring",
]

MIDDLEWARE = [
    "fourfold.memory.gc_paused_middleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "fourfold.accounts.middleware.two_factor_first",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "fourfold.revisions.moment.middleware",
]

# Sign-in throttling (fourfold/accounts/throttle.py): so many failures of one account, or
# from one address, lock it out for so many minutes; `fourfold unlock` lifts it.
AUTHENTICATION_BACKENDS = [
    "fourfold.accounts.throttle.SignInThrottle",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("FOURFOLD_SIGNIN_FAILURES", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("FOURFOLD_SIGNIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "fourfold.accounts.throttle.locked_out"
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# Two-factor sign-in (fourfold/accounts/twofactor.py): wrong codes count as failed sign-ins for
# django-axes, so django-otp's own throttling is off.
OTP_TOTP_ISSUER = "Fourfold"
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# Single sign-on with the organization's identity provider (fourfold/sso.py): off unless
# FOURFOLD_OIDC_CLIENT_ID is set.
_sso = sso.oidc_settings(os.environ)

ROOT_URLCONF = "fourfold.urls"
WSGI_APPLICATION = "fourfold.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fourfold.accounts.context.access",
                "fourfold.revisions.moment.context",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# HTTPS (FOURFOLD_HTTPS and the settings beside it, fourfold/security.py): the redirect, HSTS,
# secure cookies, the proxy's header and the trusted origins of forms.
_https = security.https_settings(os.environ)
SECURE_SSL_REDIRECT: bool = _https["SECURE_SSL_REDIRECT"]
SECURE_HSTS_SECONDS: int = _https["SECURE_HSTS_SECONDS"]
SECURE_HSTS_INCLUDE_SUBDOMAINS: bool = _https["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
SECURE_HSTS_PRELOAD: bool = _https["SECURE_HSTS_PRELOAD"]
SECURE_PROXY_SSL_HEADER: tuple[str, str] | None = _https["SECURE_PROXY_SSL_HEADER"]
SESSION_COOKIE_SECURE: bool = _https["SESSION_COOKIE_SECURE"]
CSRF_COOKIE_SECURE: bool = _https["CSRF_COOKIE_SECURE"]
CSRF_TRUSTED_ORIGINS: list[str] = _https["CSRF_TRUSTED_ORIGINS"]
# Content-Security-Policy on every response (django-csp): see security.POLICY.
# Single sign-on (above) adds its backend, and the identity provider as a form's target:
# signing out after it goes on to the provider.
globals().update(sso.applied(_sso, AUTHENTICATION_BACKENDS, security.POLICY))

LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("FOURFOLD_TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
# `collectstatic` is optional: a deployment may set FOURFOLD_STATIC_ROOT to serve collected files.
STATIC_ROOT = os.environ.get("FOURFOLD_STATIC_ROOT") or None
# Assets are served by the app itself from the packages' static folders, no CDN.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals": {"()": "fourfold.web.logs.OneLineRefusals"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["refusals"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Background work (connectors, reminders) runs in django-q2 clusters with the ORM as broker:
# no extra server. Start one with `fourfold worker`.
Q_CLUSTER = {
    "name": "fourfold",
    "orm": "default",
    "workers": int(os.environ.get("FOURFOLD_WORKERS", "2")),
    "timeout": 600,
    "retry": 900,
    "catch_up": False,
    "label": "Background tasks",
}

EMAIL_BACKEND = os.environ.get(
    "FOURFOLD_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("FOURFOLD_FROM_EMAIL", "fourfold@localhost")
EMAIL_HOST = os.environ.get("FOURFOLD_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("FOURFOLD_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("FOURFOLD_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("FOURFOLD_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("FOURFOLD_EMAIL_TLS", False)
# A bulk upsert of 10,000 values with comments is larger than Django's 2.5 MB default.
DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024 * 1024
