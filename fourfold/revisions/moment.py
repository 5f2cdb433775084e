"""`?as_of=` on every page: the moment a request asks about, for the scores and the banner.

The middleware reads `as_of` (a date, a time or a named revision) once per request. A page
of SHOWN is read inside `past.as_it_stood(moment)`: its queries find the definitions,
initiatives, values and targets as they stood, and the scores it asks of
fourfold.scoring.cache are computed as they stood (`requested()`); the base template shows
the banner "As it stood on …" with a link back to now. Any other page is shown as it stands
now, under a banner that says it cannot be shown as it stood, rather than mix the two. The
past is read only: a write under `?as_of=` is refused.
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
    HttpResponseForbidden,
    HttpResponseRedirect,
    QueryDict,
)
from django.urls import Resolver404, resolve
from django.utils import timezone

from . import named, past

# The pages that can be shown as they stood (URL names): what they read is all kept by
# version or by date (fourfold/revisions/past.py).
SHOWN = frozenset(
    {
        "home",
        "scorecards",
        "pick",
        "scorecard",
        "kpi",
        "objective",
        "strategy_map",
        "initiatives",
        "initiative",
    }
)
READ_ONLY = (
    "The past is read only: this address shows how things stood on {label}; "
    "go back to now to change anything."
)

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
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            return HttpResponseForbidden(READ_ONLY.format(label=label))
        shown = _shown(request)
        request.as_of = {  # type: ignore[attr-defined]
            "label": label,
            "at": moment,
            "now": _without(request),
            "shown": shown,
        }
        # The page sees no `as_of` (its own checks of the address stay as they are); the
        # addresses it redirects to keep it.
        query = request.GET.copy()
        query.pop("as_of", None)
        request.GET = query  # type: ignore[assignment]
        request.META["QUERY_STRING"] = query.urlencode()  # get_full_path() without it too
        if shown:
            token = _moment.set(moment)
            try:
                with past.as_it_stood(moment):
                    # Rendered within: Django renders a template response before the
                    # middleware sees it.
                    response = get_response(request)
            finally:
                _moment.reset(token)
        else:
            response = get_response(request)
        if isinstance(response, HttpResponseRedirect) and response["Location"].startswith("/"):
            parts = urlsplit(response["Location"])
            kept = QueryDict(parts.query, mutable=True)
            kept["as_of"] = text
            response["Location"] = parts._replace(query=kept.urlencode()).geturl()
        return response

    return handle


def _shown(request: HttpRequest) -> bool:
    try:
        return resolve(request.path_info).url_name in SHOWN
    except Resolver404:
        return False


def _without(request: HttpRequest) -> str:
    """The same page, now."""
    query = request.GET.copy()
    query.pop("as_of", None)
    return request.path + (f"?{query.urlencode()}" if query else "")


def context(request: HttpRequest) -> dict[str, Any]:
    return {"as_of": getattr(request, "as_of", None)}
