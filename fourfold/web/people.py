"""People: who owns what, with how much of it is red or overdue; and one page per person."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from fourfold.accounts.access import access_for
from fourfold.core.hierarchy import Hierarchy
from fourfold.strategy.models import Organization, Unit

from . import owned
from .home import picked_period
from .units import options, visible_units


@require_safe
@login_required
def people(request: HttpRequest) -> HttpResponse:
    """Everyone who owns something the reader may see, in a unit and its subtree when asked,
    and what is red there with who owns it."""
    access = access_for(request)
    unit = access.unit_or_404(code) if (code := request.GET.get("unit", "")) else None
    units = visible_units(access)
    organization = Organization.get()
    if not units:
        context = {"organization": organization, "hidden": Unit.objects.exists()}
        return render(request, "web/empty.html", context)
    today = timezone.localdate()
    picked = picked_period(request, organization, today, reverse("people"))
    if isinstance(picked, HttpResponse):
        return picked
    period, scores, context = picked
    unit_ids = None
    if unit is not None:
        tree = Hierarchy.of(Unit.objects.values_list("pk", "parent_id"))
        unit_ids = tree.subtree(unit.pk)
    found = owned.owned(access, scores, period.key, today, unit_ids=unit_ids)
    context |= {
        "found": found,
        "red": found.red_and_owner(),
        "unit": unit,
        "unit_options": options(units, unit.code if unit else ""),
    }
    return render(request, "web/people.html", context)


@require_safe
@login_required
def person(request: HttpRequest, pk: int) -> HttpResponse:
    """What one person owns, as far as the reader may see it; a stranger to all of it is told
    the person is not there."""
    access = access_for(request)
    user = get_object_or_404(get_user_model(), pk=pk, is_active=True)
    organization = Organization.get()
    today = timezone.localdate()
    picked = picked_period(request, organization, today, reverse("person", args=[pk]))
    if isinstance(picked, HttpResponse):
        return picked
    period, scores, context = picked
    found = owned.owned(access, scores, period.key, today, owner_id=user.pk)
    if not found.people and user.pk != request.user.pk and not access.is_admin:
        raise Http404("No such person")
    shown: Any = found.people[0] if found.people else owned.Person(user)
    context["person"] = shown
    return render(request, "web/person.html", context)
