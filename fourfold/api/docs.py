"""The API's docs page: Swagger UI served from the django-ninja package, nothing from a CDN."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase

ASSETS = Path(ninja.__file__).parent / "static" / "ninja"
SERVED = ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js", "favicon.png")


class LocalDocs(DocsBase):
    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {"url": self.get_openapi_url(api, kwargs), "layout": "BaseLayout"}
        return render(request, "api/docs.html", {"api": api, "swagger_settings": settings})


@require_safe
@cache_control(max_age=86400, public=True)
def asset(request: HttpRequest, name: str) -> FileResponse:
    """One of the few files the docs page needs, from the installed package."""
    if name not in SERVED:
        raise Http404(f"There is no docs asset '{name}'.")
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse((ASSETS / name).open("rb"), content_type=kind)
