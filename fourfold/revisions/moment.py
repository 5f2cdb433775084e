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
import html
import re
from collections.abc import Callable
from typing import Any, TypeVar
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
API_NOT_AS_OF = "This read cannot answer as it stood: send it without as_of."
API_READ_ONLY = "The past is read only: as_of is for reads, send the write without it."
READ_ONLY = (
    "The past is read only: this address shows how things stood on {label}; "
    "go back to now to change anything."
)

_moment: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar("as_of", default=None)
# The scores of the moment a request asked for, by unit: computed once per request (a page
# asks for them more than once: its scores, its forecasts), never kept beyond it.
T = TypeVar("T")
_scored: contextvars.ContextVar[dict[str | None, Any] | None] = contextvars.ContextVar(
    "as_of_scores", default=None
)


def requested() -> dt.datetime | None:
    """The moment the current request asks about, None for now."""
    return _moment.get()


def scored(unit: str | None, compute: Callable[[], T]) -> T:
    """The scores of the moment asked for, of `unit`: `compute()` once per request."""
    found = _scored.get()
    if found is None:
        return compute()
    if unit not in found:
        found[unit] = compute()
    return found[unit]  # type: ignore[no-any-return]


def today() -> dt.date:
    """The day a page judges what is due and which period is the last: the moment's."""
    moment = _moment.get()
    return moment.date() if moment is not None else timezone.localdate()


def middleware(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[..., Any]:
    def handle(request: HttpRequest) -> HttpResponse:
        text = request.GET.get("as_of", "").strip()
        if not text:
            return get_response(request)
        if request.path.startswith("/api/"):
            # The API's reads take `as_of` themselves (fourfold/api/common.py); its writes
            # never write the past.
            from fourfold.api import errors

            if request.method not in ("GET", "HEAD", "OPTIONS"):
                reason = "is for reads only: the past is read only"
                return errors.response(422, API_READ_ONLY, [{"field": "as_of", "reason": reason}])
            response = get_response(request)
            if response.status_code < 300 and not getattr(request, "read_as_of", False):
                # A read that cannot answer as it stood says so rather than answer now.
                reason = "is not taken by this read"
                return errors.response(422, API_NOT_AS_OF, [{"field": "as_of", "reason": reason}])
            return response
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
            tokens = (_moment.set(moment), _scored.set({}))
            try:
                with past.as_it_stood(moment):
                    # Rendered within: Django renders a template response before the
                    # middleware sees it.
                    response = get_response(request)
            finally:
                _moment.reset(tokens[0])
                _scored.reset(tokens[1])
        else:
            response = get_response(request)
        if shown and response.status_code == 200:
            _carry(response, text)
        if isinstance(response, HttpResponseRedirect) and response["Location"].startswith("/"):
            parts = urlsplit(response["Location"])
            kept = QueryDict(parts.query, mutable=True)
            kept["as_of"] = text
            response["Location"] = parts._replace(query=kept.urlencode()).geturl()
        return response

    return handle


def _shown(request: HttpRequest) -> bool:
    return _shown_path(request.path_info)


def _shown_path(path: str) -> bool:
    try:
        return resolve(path).url_name in SHOWN
    except Resolver404:
        return False


_A = re.compile(r"<a\b[^>]*>", re.IGNORECASE)
_HREF = re.compile(r'href="(/[^"]*)"')
_FORM = re.compile(r"<form\b[^>]*>", re.IGNORECASE)


def _carry(response: HttpResponse, text: str) -> None:
    """The moment kept while one reads on: the page's links to pages that can be shown as
    they stood, and its forms that ask for one (a period, a unit), carry `as_of`; the
    banner's link back to now (`data-now`) does not."""
    if "text/html" not in response.get("Content-Type", "") or getattr(response, "streaming", False):
        return
    page = response.content.decode(response.charset or "utf-8")

    def link(tag: re.Match[str]) -> str:
        found = tag.group(0)
        if "data-now" in found:
            return found
        return _HREF.sub(lambda href: f'href="{_with(href.group(1), text)}"', found, count=1)

    def form(tag: re.Match[str]) -> str:
        found = tag.group(0)
        method = re.search(r'method="([^"]*)"', found, re.IGNORECASE)
        action = re.search(r'action="([^"]*)"', found)
        target = html.unescape(action.group(1)) if action else ""
        if (method and method.group(1).lower() != "get") or (
            target and not _shown_path(urlsplit(target).path)
        ):
            return found
        return f'{found}<input type="hidden" name="as_of" value="{html.escape(text)}">'

    page = _FORM.sub(form, _A.sub(link, page))
    response.content = page.encode(response.charset or "utf-8")
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))


def _with(href: str, text: str) -> str:
    """An address of the page (as HTML holds it) with the moment, when it is one shown."""
    parts = urlsplit(html.unescape(href))
    if not _shown_path(parts.path):
        return href
    query = QueryDict(parts.query, mutable=True)
    query["as_of"] = text
    return html.escape(parts._replace(query=query.urlencode()).geturl())


def _without(request: HttpRequest) -> str:
    """The same page, now."""
    query = request.GET.copy()
    query.pop("as_of", None)
    return request.path + (f"?{query.urlencode()}" if query else "")


def context(request: HttpRequest) -> dict[str, Any]:
    return {"as_of": getattr(request, "as_of", None)}
