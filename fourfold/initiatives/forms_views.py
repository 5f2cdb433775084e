"""The forms of initiatives: create and edit one, add progress, complete a milestone. Each
calls the service of fourfold.initiatives.services, which checks, writes and audits."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from fourfold.accounts.access import Access, access_for
from fourfold.strategy.models import Organization, Unit

from . import page, pages, services
from .models import Initiative, Milestone

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InitiativeForm(forms.Form):
    code = forms.CharField(max_length=100, help_text="Letters, digits, '-', '_' or '.'")
    name = forms.CharField(max_length=300)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.CharField(required=False, help_text="An email address or a username")
    collaborators = forms.CharField(required=False, help_text="Email addresses, comma separated")
    start = forms.DateField(widget=DATE)
    end = forms.DateField(widget=DATE)
    budget = forms.FloatField(required=False, min_value=0)
    serves = forms.MultipleChoiceField(
        required=False,
        label="Objectives it serves",
        error_messages={"invalid_choice": "There is no objective '%(value)s' that you can see."},
    )
    moves = forms.MultipleChoiceField(
        required=False,
        label="KPIs it is meant to move",
        error_messages={"invalid_choice": "There is no KPI '%(value)s' that you can see."},
    )

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        objectives = access.objectives().values_list(
            "code", "name", "perspective__scorecard__unit__name"
        )
        kpis = access.kpis().filter(archived=False).values_list("code", "name")
        offered = {
            "serves": [(c, f"{n} ({u})") for c, n, u in objectives],
            "moves": [(c, f"{n} ({c})") for c, n in kpis.order_by("code")],
        }
        for name, choices in offered.items():
            field = self.fields[name]
            assert isinstance(field, forms.MultipleChoiceField)
            field.choices = choices
        # What the editor cannot see is kept as it was: the form only offers what they can.
        self.offered = {name: {c for c, _ in choices} for name, choices in offered.items()}

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["collaborators"] = [
            p.strip() for p in (data.get("collaborators") or "").split(",") if p.strip()
        ]
        data["owner"] = data.get("owner") or None
        return data


class ProgressForm(forms.Form):
    period = forms.CharField(max_length=20, help_text="A month, quarter or year: 2026-06")
    complete = forms.FloatField(label="Percent complete")
    spent = forms.FloatField(required=False, label="Spent so far")
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


def _refused(form: forms.Form, errors: dict[str, list[str]]) -> None:
    """A service's refusals on the form, each beside its field (or above the form)."""
    for name, messages in errors.items():
        parts = name.split(".")  # "end", or "progress.0.complete" for a batch of entries
        field = next((p for p in (parts[0], parts[-1]) if p in form.fields), None)
        for message in messages:
            text = message[:1].upper() + message[1:]
            form.add_error(field, text.rstrip(".") + ".")


def _initiative(access: Access, unit: str, code: str) -> tuple[Unit, Initiative]:
    node, found = page.visible_initiative(access, unit, code, Initiative.objects.all())
    return node, found


def _page(unit: str, code: str, period: str = "") -> str:
    url = reverse("initiative", args=[unit, code])
    return f"{url}?{urlencode({'period': period})}" if period else url


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def create(request: HttpRequest, unit: str) -> HttpResponse:
    access = access_for(request)
    node = access.unit_or_404(unit)
    access.require(
        access.can_edit_initiatives(node.pk), "Only the unit's editors may add initiatives."
    )
    form = InitiativeForm(request.POST or None, access=access)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.create_initiative(request.user, node, form.data_for_service())
        except services.Invalid as exc:
            _refused(form, exc.errors)
        else:
            return redirect(_page(node.code, made.code))
    context = {"organization": Organization.get(), "unit": node, "form": form, "initiative": None}
    return render(request, "initiatives/form.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def edit(request: HttpRequest, unit: str, code: str) -> HttpResponse:
    access = access_for(request)
    node, found = _initiative(access, unit, code)
    access.require(
        access.can_edit_initiatives(node.pk), "Only the unit's editors may change initiatives."
    )
    kept = {
        "serves": [o.code for o in found.serves.all()],
        "moves": [k.code for k in found.moves.all()],
    }
    initial: dict[str, Any] = {
        **kept,
        "code": found.code,
        "name": found.name,
        "description": found.description,
        "owner": (found.owner.email or found.owner.get_username()) if found.owner else "",
        "collaborators": ", ".join(c.email or c.get_username() for c in found.collaborators.all()),
        "start": found.start,
        "end": found.end,
        "budget": found.budget,
    }
    form = InitiativeForm(request.POST or None, initial=initial, access=access)
    if request.method == "POST" and form.is_valid():
        data = form.data_for_service()
        for name in ("serves", "moves"):
            data[name] = data[name] + [c for c in kept[name] if c not in form.offered[name]]
        try:
            services.update_initiative(request.user, found, data)
        except services.Invalid as exc:
            _refused(form, exc.errors)
        else:
            return redirect(_page(node.code, found.code))
    context = {"organization": Organization.get(), "unit": node, "form": form, "initiative": found}
    return render(request, "initiatives/form.html", context, status=400 if form.errors else 200)


def _require_update(access: Access, found: Initiative) -> None:
    access.require(
        access.can_enter_progress(found.unit_id, found.owner_id),
        "Only the initiative's owner and its unit's editors may enter its progress.",
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def progress(request: HttpRequest, unit: str, code: str) -> HttpResponse:
    access = access_for(request)
    node, found = _initiative(access, unit, code)
    _require_update(access, found)
    organization = Organization.get()
    period = pages.requested_period(request, organization.fiscal_year_start, timezone.localdate())
    form = ProgressForm(request.POST or None, initial={"period": period.key})
    if request.method == "POST" and form.is_valid():
        entry = services.ProgressEntry(
            period=form.cleaned_data["period"].strip(),
            complete=form.cleaned_data["complete"],
            spent=form.cleaned_data["spent"],
            comment=form.cleaned_data["comment"],
        )
        try:
            services.enter_progress(request.user, found, [entry])
        except services.Invalid as exc:
            _refused(form, exc.errors)
        else:
            return redirect(_page(node.code, found.code, entry.period))
    context = {"organization": organization, "unit": node, "form": form, "initiative": found}
    return render(request, "initiatives/progress.html", context, status=400 if form.errors else 200)


@require_POST
@login_required
def milestone_done(request: HttpRequest, unit: str, code: str, pk: int) -> HttpResponse:
    access = access_for(request)
    node, found = _initiative(access, unit, code)
    _require_update(access, found)
    milestone = get_object_or_404(Milestone, pk=pk, initiative=found)
    if milestone.done is None:
        services.complete_milestone(request.user, milestone, timezone.localdate())
    return redirect(_page(node.code, found.code, request.POST.get("period", "")[:20]))
