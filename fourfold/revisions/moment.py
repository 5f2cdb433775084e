"""`?as_of=` on every page: the moment a request asks about, for the scores and the banner.

The middleware reads `as_of` (a date, a time or a named revision) once per request; the
scores the pages ask of fourfold.scoring.cache are then computed with the definitions,
targets and values as they stood (`requested()`), and the base template shows the banner
"As it stood on …" with a link back to now.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    QueryDict,
)
from django.utils import timezone

from . import named

_moment: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar("as_of", default=None)


def requested() -> dt.datetime | None:
    """The moment the current request asks about, None for now."""
    return _moment.get()


def today() -> dt.date:
    """The day a page judges what is due and which period is the last: the moment's."""
    moment = _moment.get()
    return moment.date() if moment is not None else timezone.localdate()


def middleware(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[..., Any]:
    def handle(request: HttpRequest) -> HttpResponse:
        text = request.GET.get("as_of", "").strip()
        if not text or request.path.startswith("/api/"):
            return get_response(request)
        try:
            label, moment = named.resolve(text, "the as_of")
        except named.Unknown as exc:
            return HttpResponseBadRequest(f"{str(exc)[0].upper()}{str(exc)[1:]}.")
        request.as_of = {"label": label, "at": moment, "now": _without(request)}  # type: ignore[attr-defined]
        # The page sees no `as_of` (its own checks of the address stay as they are); the
        # addresses it redirects to keep it.
        query = request.GET.copy()
        query.pop("as_of", None)
        request.GET = query  # type: ignore[assignment]
        token = _moment.set(moment)
        try:
            response = get_response(request)
        finally:
            _moment.reset(token)
        if isinstance(response, HttpResponseRedirect) and response["Location"].startswith("/"):
            parts = urlsplit(response["Location"])
            kept = QueryDict(parts.query, mutable=True)
            kept["as_of"] = text
            response["Location"] = parts._replace(query=kept.urlencode()).geturl()
        return response

    return handle


def _without(request: HttpRequest) -> str:
    """The same page, now."""
    query = request.GET.copy()
    query.pop("as_of", None)
    return request.path + (f"?{query.urlencode()}" if query else "")


def context(request: HttpRequest) -> dict[str, Any]:
    return {"as_of": getattr(request, "as_of", None)}
