"""The cascade page of a child unit: choose, preview, make; and what drifted above since."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from fourfold.accounts.access import Access, access_for
from fourfold.core import cascade as core
from fourfold.strategy.models import Objective, Unit

from . import drift, services
from .models import CarriedObjective, Cascade


def _child(request: HttpRequest, code: str) -> tuple[Access, Unit, Unit]:
    """The child unit and its parent, for those who may cascade into it (404 to outsiders)."""
    access = access_for(request)
    child = access.unit_or_404(code)
    parent = child.parent
    access.require(
        parent is not None and access.can_cascade(child.pk, parent.pk),
        f"You may not create the scorecard of {child.name} from its parent's: that takes an "
        "editor of the unit who may see its parent.",
    )
    assert parent is not None  # required above
    return access, child, parent


def _choices(data: QueryDict) -> dict[str, Any]:
    return {
        "objectives": data.getlist("objectives"),
        "kpis": data.get("kpis") or "copy",
        "split": data.get("split") or "equal",
    }


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def page(request: HttpRequest, unit: str) -> HttpResponse:
    """GET shows the choices and their preview (the preview alone to htmx); POST makes it."""
    access, child, parent = _child(request, unit)
    data = request.POST if request.method == "POST" else request.GET
    chosen = _choices(data)
    error, found = "", None
    available = list(
        Objective.objects.filter(perspective__scorecard__unit=parent, archived=False).order_by(
            "perspective__order", "order", "pk"
        )
    )
    if chosen["objectives"] or request.method == "POST":
        try:
            found = services.plan(parent, child, **chosen)
            if request.method == "POST":
                services.make(found, actor=request.user, access=access)
                messages.success(
                    request, f"The scorecard of {child.name} is made from {parent.name}'s."
                )
                return redirect(reverse("cascade:page", args=[child.code]))
        except services.CascadeError as exc:
            error, found = str(exc), None
    context = {
        "unit": child,
        "parent": parent,
        "available": available,
        "carried": set(
            CarriedObjective.objects.filter(cascade__child=child).values_list(
                "parent__code", flat=True
            )
        ),
        "chosen": chosen,
        "plan": found,
        "error": error,
        "drift": drift.drift(child),
        "kpi_modes": [(m, Cascade.Kpis(m).label) for m in core.KPI_MODES],
        "splits": [(s, Cascade.Split(s).label) for s in core.SPLITS],
        "scorecard_url": reverse("scorecard", args=[child.code]),
    }
    htmx = getattr(request, "htmx", None)
    template = "cascade/_preview.html" if htmx and request.method == "GET" else "cascade/page.html"
    return render(
        request, template, context, status=400 if error and request.method == "POST" else 200
    )


@require_POST
@login_required
def settle(request: HttpRequest, unit: str) -> HttpResponse:
    """Apply what drifted above, or keep the child's as they are."""
    access, child, _ = _child(request, unit)
    apply = request.POST.get("apply") == "1"
    try:
        n = drift.settle(child, apply=apply, actor=request.user, access=access)
    except services.CascadeError as exc:
        messages.error(request, str(exc).capitalize() + ".")
    else:
        done = "applied" if apply else "kept as they are"
        messages.success(request, f"{n} changes from above: {done}.")
    return redirect(reverse("cascade:page", args=[child.code]))
