"""The pages: a unit's scorecard for a period, and the ways to it."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe
from django_htmx.http import push_url
from django_htmx.middleware import HtmxDetails

from fourfold.accounts.access import access_for
from fourfold.checks import cascade
from fourfold.core.periods import PeriodError, parse_period
from fourfold.revisions import moment, restated
from fourfold.scoring.cache import scores as compute
from fourfold.strategy.models import Organization

from . import periods, scorecard, scorecard_forecast
from .units import visible_units


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _scorecard_url(code: str, period: str, filters: dict[str, str] | None = None) -> str:
    url = reverse("scorecard", args=[code])
    query = {"period": period} if period else {}
    query.update(filters or {})
    return f"{url}?{urlencode(query)}" if query else url


@require_safe
@login_required
def pick(request: HttpRequest) -> HttpResponse:
    """Where the pickers' forms go, so that they work without JavaScript: on to the unit's
    scorecard, or its entry grid with `to=entry`."""
    code = request.GET.get("unit", "")
    if not code:
        return redirect("home")
    if code not in {u.code for u in visible_units(access_for(request))}:
        raise Http404(f"There is no unit with the code '{code}'.")
    query = {k: request.GET[k] for k in ("period", "kind") if request.GET.get(k)}
    url = reverse("entry" if request.GET.get("to") == "entry" else "scorecard", args=[code])
    return redirect(f"{url}?{urlencode(query)}" if query else url)


@require_safe
@login_required
def unit_scorecard(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """A unit's scorecard for a period: the whole page, or its body for htmx."""
    units = visible_units(access_for(request))
    unit = next((u for u in units if u.code == code), None)
    if unit is None:
        raise Http404(f"There is no unit with the code '{code}'.")
    organization = Organization.get()
    today = moment.today()  # the day of ?as_of= when asked
    error = None
    try:
        period = periods.requested(
            request.GET.get("period", ""),
            request.GET.get("kind", ""),
            organization.fiscal_year_start,
            today,
        )
    except PeriodError as exc:
        error = str(exc)
        period = parse_period(periods.last_ended_month(today), organization.fiscal_year_start)
    filters = scorecard.Filters.of(request.GET)
    canonical = _scorecard_url(code, period.key, filters.query())
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    # Compared as parameters: a browser and a link may escape the same address differently.
    wanted = {"period": period.key, **filters.query()}
    if error is None and not partial and request.GET.dict() != wanted:
        return redirect(canonical)
    scores = compute(unit=code, today=today, organization=organization)
    forecasts = scorecard_forecast.of(scores, code, period, today)
    named = scorecard.owners(code)
    acted = scorecard.acted_on(code)
    page = scorecard.build(scores, units, unit, period, filters, named, forecasts, acted)
    context = {
        "organization": organization,
        "page": page,
        "error": error,
        "kinds": periods.KIND_LABELS,
        "cascade": cascade.for_period(scores, period.key),
        "restated": restated.recent(unit.code),
    }
    template = "web/_scorecard.html" if partial else "web/scorecard.html"
    response = render(request, template, context, status=400 if error else 200)
    if partial and error is None:
        push_url(response, canonical)
    patch_vary_headers(response, ("HX-Request",))
    return response


# What a refusal or a missing page says when the code gave no sentence of its own (Django's
# own messages, such as "No Unit matches the given query", are not for people).
REFUSED = "You may not do this here."
NOT_FOUND = "There is no page at this address."


def _back(request: HttpRequest) -> str:
    """The page of this site one came from, as a path; none if elsewhere or this very one."""
    referer = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    back = urlsplit(referer)._replace(scheme="", netloc="").geturl()
    return "" if back == request.get_full_path() else back


def _sentence(exception: Exception | None, default: str) -> str:
    reason = str(exception or "")
    return reason if reason.endswith(".") else default


def refused(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A refusal (403): the reason the refusing code gave, and the ways back."""
    context = {"reason": _sentence(exception, REFUSED), "back": _back(request)}
    return render(request, "403.html", context, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A missing page (404): what is missing, when the code said it, and the ways back."""
    context = {"reason": _sentence(exception, NOT_FOUND), "back": _back(request)}
    return render(request, "404.html", context, status=404)
