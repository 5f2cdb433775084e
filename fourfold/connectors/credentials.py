"""Connection URLs hold no secrets: passwords are ${VARIABLES} resolved at run time."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from urllib.parse import parse_qsl, quote, urlsplit

REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
SCHEMES = ("postgres", "postgresql", "sqlite")
SECRET_PARAMETERS = {"password", "passfile", "sslpassword", "sslkey"}


class CredentialError(ValueError):
    """A URL that would keep a secret in the database, or a variable that is not set."""


def check(url: str) -> None:
    """Refuse a URL that is not a supported database or that contains a literal password."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError as exc:
        raise CredentialError(f"'{url}' is not a database URL") from exc
    if parts.scheme not in SCHEMES:
        raise CredentialError(
            "the URL must start with postgres:// or sqlite:/// "
            f"(not {parts.scheme + '://' if parts.scheme else 'nothing'})"
        )
    if parts.scheme == "sqlite" and not url.startswith("sqlite:////"):
        raise CredentialError(
            "a SQLite URL names an absolute path, with four slashes: sqlite:////srv/erp.sqlite3"
        )
    if password and not REFERENCE.fullmatch(password):
        raise CredentialError(
            "the URL contains a password: write it as ${VARIABLE} (for example "
            "postgres://reader:${ERP_PASSWORD}@host/db) and set that environment variable "
            "for the server and the worker, so that no password is stored"
        )
    for name, value in parse_qsl(parts.query):
        if name.lower() in SECRET_PARAMETERS and not REFERENCE.fullmatch(value):
            raise CredentialError(
                f"the URL parameter '{name}' holds a secret: write it as ${{VARIABLE}}"
            )


def variables(url: str) -> list[str]:
    return REFERENCE.findall(url)


def resolve(url: str, environ: Mapping[str, str] | None = None) -> str:
    """The URL with each ${VARIABLE} replaced by its value from the environment, URL-quoted."""
    env = os.environ if environ is None else environ
    missing = [name for name in variables(url) if name not in env]
    if missing:
        raise CredentialError(
            f"the environment variable {missing[0]} is not set for the process that runs "
            "this connector"
        )
    return REFERENCE.sub(lambda m: quote(env[m[1]], safe=""), url)


def redact(text: str, url: str) -> str:
    """An error message with any resolved secret in it replaced by its ${VARIABLE} name."""
    for name in variables(url):
        value = os.environ.get(name)
        if value:
            text = text.replace(value, f"${{{name}}}").replace(quote(value, safe=""), "***")
    return text
