"""The REST API, version 1: personal tokens, one error shape, an OpenAPI 3.1 description."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI

from fourfold.forecasts import api as forecast_api

from . import errors
from .auth import TokenAuth
from .docs import LocalDocs
from .renderer import FiniteJSONRenderer
from .routers import (
    alerts,
    cascade,
    checks,
    initiatives,
    measures,
    reports,
    reviews,
    scores,
    sharing,
    strategy,
)

DESCRIPTION = """\
Read the strategy, KPIs, targets, values and scores of Fourfold, and send values and targets
from a data pipeline.

**Authentication.** Every operation needs a personal API token, created on the *API tokens*
page of the application and sent as `Authorization: Bearer <token>`. A token can do at most
what its user may: units the user cannot see do not exist for it (404); a read-only token, or
a user without the right role, is refused changes (403).

**Errors.** Every failure answers with one shape:
`{"error": {"code": "...", "message": "...", "details": [{"field", "index", "reason"}]}}`.

**Lists** take `?limit=` (at most 1000) and `?offset=`, and answer `{"items": [...], "count": N}`.
"""


class FourfoldAPI(NinjaAPI):
    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = _json_errors(pattern.callback)
        return urls

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        # The description is the same on every request: build it once (about 0.6 s of CPU).
        key = repr(sorted(kwargs.items()))
        cached = self.__dict__.setdefault("_fourfold_schemas", {})
        if key not in cached:
            cached[key] = self._described(super().get_openapi_schema(**kwargs))
        return cached[key]

    @staticmethod
    def _described(schema: Any) -> Any:
        # Say what each error means, rather than repeating the status's name.
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, answer in operation.get("responses", {}).items():
                    if int(status) in errors.MEANINGS:
                        answer["description"] = errors.MEANINGS[int(status)]
        return schema


BODIES = ("POST", "PUT", "PATCH")


def _json_errors(view: Callable[..., Any]) -> Callable[..., Any]:
    """Answers that ninja gives outside its operations, in the error shape too."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if (
            request.method in BODIES
            and request.content_type != "application/json"
            and request.META.get("CONTENT_LENGTH") not in (None, "", "0")
        ):
            shown = request.content_type or "no content type"
            return errors.response(
                415,
                f"The request body is sent as {shown}: send it as JSON, with "
                "'Content-Type: application/json'.",
            )
        try:
            answer = view(request, *args, **kwargs)
        except Http404:
            return errors.response(
                404, "There is nothing at /api/v1/ itself: see /api/v1/docs for the paths."
            )
        if isinstance(answer, HttpResponseNotAllowed):
            allowed = answer["Allow"]
            answer = errors.response(
                405, f"{request.method} is not allowed here; use {allowed.replace(',', ' or')}."
            )
            answer["Allow"] = allowed
        return answer

    return wrapper


api = FourfoldAPI(
    title="Fourfold API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=TokenAuth(),
    renderer=FiniteJSONRenderer(),
    docs=LocalDocs(),
)
errors.install(api)
api.add_router("", strategy.router)
api.add_router("", measures.router)
api.add_router("", scores.router)
api.add_router("", checks.router)
api.add_router("", initiatives.router)
api.add_router("", forecast_api.router)
api.add_router("", cascade.router)
api.add_router("", reports.router)
api.add_router("", sharing.router)
api.add_router("", alerts.router)
api.add_router("", reviews.router)
