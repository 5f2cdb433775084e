"""The access policy in every template, as `access`, worked out only if a template asks."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .access import access_for


def access(request: HttpRequest) -> dict[str, Any]:
    return {"access": SimpleLazyObject(lambda: access_for(request))}
