"""How feasible the target being typed is, before it is saved: the Targets page asks htmx
for this partial as the period and the target change."""

from __future__ import annotations

import math

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from fourfold.core.periods import PeriodError

from . import feasibility
from .views_targets import _kpi

PREFIX = "one-"  # the One period form's fields


def _number(text: str) -> float | None:
    try:
        value = float(text.replace(",", "").strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


@require_safe
@login_required
def target_feasibility(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The assessment of the One period form's target, for the KPI's editors."""
    unit, kpi = _kpi(request, code, pk)
    get = request.GET
    key = get.get(PREFIX + "period", "").strip()
    values = {n: _number(get.get(PREFIX + n, "")) for n in ("target", "low", "high")}
    context: dict[str, object] = {"kpi": kpi}
    wanted = ("low", "high") if kpi.direction == "range" else ("target",)
    if key and all(values[n] is not None for n in wanted):
        try:
            found = feasibility.assess(
                kpi,
                unit.code,
                key,
                values["target"],
                values["low"],
                values["high"],
                today=timezone.localdate(),
            )
        except PeriodError as exc:
            context["error"] = str(exc)
        else:
            context["assessment"] = found
            context["sentences"] = found.sentences(kpi.direction)
            h = found.history
            context["hard"] = bool(h and h.percentile is not None and h.percentile >= 90) or (
                found.probability is not None and found.probability < 0.1
            )
    response = render(request, "editing/_feasibility.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response
