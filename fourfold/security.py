"""The response headers and HTTPS settings, read from the environment (settings.py applies them).

Apart from the settings module so that a test can read them from any environment it makes up.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from fourfold.env import env_bool, env_int

YEAR = 365 * 24 * 3600

# Scripts and style sheets only from the application's own files: no inline <script>, no
# <style> element, no event attribute, no eval. Style *attributes* are allowed: the pages set a
# few CSS variables with them (a status colour, a tree depth, a bar's width), values computed on
# the server and escaped; a style attribute cannot run code. ECharts and htmx set styles through
# the DOM (element.style), which CSP does not restrict. `data:` and `blob:` images are the
# strategy map's PNG download, drawn from the SVG in the page.
POLICY: dict[str, list[str]] = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF],
    "style-src-attr": [UNSAFE_INLINE],
    "img-src": [SELF, "data:", "blob:"],
    "font-src": [SELF],
    "connect-src": [SELF],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
}


def https_settings(environ: Mapping[str, str]) -> dict[str, Any]:
    """Django's HTTPS settings for an environment: all off unless FOURFOLD_HTTPS says the site
    is reached over HTTPS."""
    https = env_bool("FOURFOLD_HTTPS", False, environ)
    hsts = env_int("FOURFOLD_HSTS_SECONDS", YEAR if https else 0, least=0, environ=environ)
    behind_proxy = env_bool("FOURFOLD_BEHIND_PROXY", False, environ)
    return {
        "SECURE_SSL_REDIRECT": https,
        "SECURE_HSTS_SECONDS": hsts if https else 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": env_bool("FOURFOLD_HSTS_SUBDOMAINS", True, environ),
        "SECURE_HSTS_PRELOAD": env_bool("FOURFOLD_HSTS_PRELOAD", False, environ),
        # The proxy must set this header itself on every request (nginx: `proxy_set_header
        # X-Forwarded-Proto $scheme`), replacing what a client sent, or anyone could claim HTTPS.
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https") if behind_proxy else None,
        "SESSION_COOKIE_SECURE": env_bool("FOURFOLD_SECURE_COOKIES", https, environ),
        "CSRF_COOKIE_SECURE": env_bool("FOURFOLD_SECURE_COOKIES", https, environ),
        "CSRF_TRUSTED_ORIGINS": trusted_origins(environ.get("FOURFOLD_CSRF_TRUSTED_ORIGINS", "")),
    }


def trusted_origins(raw: str) -> list[str]:
    """The origins of FOURFOLD_CSRF_TRUSTED_ORIGINS, each with its scheme (Django needs it)."""
    origins = [origin.strip() for origin in raw.split(",") if origin.strip()]
    for origin in origins:
        if not origin.startswith(("https://", "http://")):
            raise ImproperlyConfigured(
                f"FOURFOLD_CSRF_TRUSTED_ORIGINS: {origin!r} needs its scheme, as in "
                f"'https://{origin.split('://')[-1]}'"
            )
    return origins
