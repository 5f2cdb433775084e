"""The Revisions page (named revisions, the latest definition changes) and the diff page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from fourfold.accounts.access import access_for

from . import named
from .diff import diff as changes
from .models import NamedRevision, Version

RECENT = 30
REFUSED = "The revisions are shown to the people who may view a scorecard."


@require_safe
@login_required
def revisions(request: HttpRequest) -> HttpResponse:
    access = access_for(request)
    access.require(access.can_see_revisions(), REFUSED)
    saved = list(NamedRevision.objects.select_related("actor").order_by("-at", "-pk"))
    recent = []
    if access.can_see_definition_changes():
        recent = list(
            Version.objects.select_related("actor").order_by("-recorded_at", "-pk")[:RECENT]
        )
    context = {"saved": saved, "recent": recent, "a": request.GET.get("a", ""), "b": ""}
    return render(request, "revisions/revisions.html", context)


@require_safe
@login_required
def compare(request: HttpRequest) -> HttpResponse:
    access = access_for(request)
    access.require(access.can_see_revisions(), REFUSED)
    a, b = request.GET.get("a", "").strip(), request.GET.get("b", "").strip()
    context: dict[str, object] = {"a": a, "b": b, "saved": list(NamedRevision.objects.all())}
    if not a or not b:
        context["error"] = "Pick two revisions (or dates) to compare."
        return render(request, "revisions/diff.html", context, status=400)
    try:
        label_a, first = named.resolve(a, "A")
        label_b, second = named.resolve(b, "B")
    except named.Unknown as exc:
        context["error"] = f"{str(exc)[0].upper()}{str(exc)[1:]}."
        return render(request, "revisions/diff.html", context, status=400)
    context.update(
        label_a=label_a,
        label_b=label_b,
        first=first,
        second=second,
        changes=changes(first, second, units=access.revision_units()),
    )
    return render(request, "revisions/diff.html", context)
