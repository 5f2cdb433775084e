"""The review page, live during the meeting: the agenda, one item at a time, and the forms
that write its commentary, decisions and actions. With htmx, each form answers with the part
of the page it changed; without it, with the way back to the page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from fourfold.accounts.access import Access, access_for
from fourfold.initiatives.models import Initiative
from fourfold.measures.models import KPI
from fourfold.strategy.models import Objective, Organization

from . import meetings, services
from . import page as review_page
from .models import AgendaItem, Review
from .views import DATE, RUN_REASON


class CommentaryForm(forms.Form):
    analysis = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    cause = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    recommendation = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    text = forms.CharField(label="Decision", widget=forms.Textarea(attrs={"rows": 2}))
    decided_by = forms.CharField(label="Decided by", max_length=200)
    why = forms.CharField(label="Why", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ActionForm(forms.Form):
    title = forms.CharField(label="Action", max_length=300)
    owner = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    due_date = forms.DateField(label="Due", widget=DATE, required=False)

    def __init__(self, *args: Any, people: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        named = [(p.pk, p.get_full_name() or p.get_username()) for p in people]
        self.fields["owner"].choices = [("", "Choose the owner")] + named  # type: ignore[attr-defined]


class AddItemForm(forms.Form):
    message = forms.CharField(label="Item", max_length=2000)
    minutes = forms.IntegerField(min_value=1, max_value=240, initial=5)


def _url(review: Review, item: AgendaItem | None = None) -> str:
    url = reverse("review", args=[review.unit.code, review.pk])
    return f"{url}?{urlencode({'item': item.pk})}" if item is not None else url


def _can_run(access: Access, review: Review) -> bool:
    return access.can_run_review(review.unit_id, review.facilitator_id)


def _render(
    request: HttpRequest,
    review: Review,
    item_pk: str | None,
    *,
    part: str = "",
    status: int = 200,
    **forms_given: Any,
) -> HttpResponse:
    access = access_for(request)
    today = timezone.localdate()
    built = review_page.build(review, item_pk, today)
    current = built.panel.item if built.panel else None
    context = {
        "organization": Organization.get(),
        "unit": review.unit,
        "review": review,
        "page": built,
        "panel": built.panel,
        "can_run": _can_run(access, review) and review.state != Review.State.CLOSED,
        "here": _url(review),
        "commentary_form": forms_given.get("commentary_form")
        or CommentaryForm(
            initial={
                f: getattr(built.panel.commentary, f)
                for f in ("analysis", "cause", "recommendation")
            }
            if built.panel and built.panel.commentary
            else None
        ),
        "decision_form": forms_given.get("decision_form") or DecisionForm(),
        "action_form": forms_given.get("action_form")
        or ActionForm(people=built.people, initial={"due_date": None}),
        "add_form": forms_given.get("add_form") or AddItemForm(),
        "error": forms_given.get("error", ""),
        "current": current,
    }
    template = (
        f"reviews/_{part}.html"
        if part and getattr(request, "htmx", False)
        else "reviews/review.html"
    )
    return render(request, template, context, status=status)


@require_http_methods(["GET", "HEAD"])
@login_required
def review(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The review: its agenda and, beside it, the item being discussed (?item=)."""
    found = review_page.review_or_404(access_for(request), code, pk)
    part = "panel" if getattr(request, "htmx", False) and request.GET.get("part") == "panel" else ""
    return _render(request, found, request.GET.get("item"), part=part)


def _running(request: HttpRequest, code: str, pk: int) -> Review:
    access = access_for(request)
    found = review_page.review_or_404(access, code, pk)
    access.require(_can_run(access, found), RUN_REASON)
    return found


def _answer(
    request: HttpRequest, review: Review, item: AgendaItem | None, part: str, **given: Any
) -> HttpResponse:
    """The changed part for htmx, the page again with the form's errors, or the way back."""
    failed = given.pop("failed", False)
    if getattr(request, "htmx", False) or failed:
        return _render(
            request,
            review,
            str(item.pk) if item else None,
            part=part,
            status=400 if failed else 200,
            **given,
        )
    return redirect(_url(review, item))


@require_POST
@login_required
def commentary(request: HttpRequest, code: str, pk: int, item: int) -> HttpResponse:
    found = _running(request, code, pk)
    chosen = review_page.item_or_404(found, item)
    form = CommentaryForm(request.POST)
    kpi = (
        KPI.objects.select_related("objective__perspective__scorecard__unit")
        .filter(pk=chosen.kpi_id or 0)
        .first()
    )
    if kpi is None:
        return _answer(
            request,
            found,
            chosen,
            "panel",
            failed=True,
            error="Commentary is written for a KPI; this item is about none.",
        )
    if form.is_valid():
        try:
            services.write_commentary(
                request.user, kpi, chosen.period, review=found, **form.cleaned_data
            )
        except services.ReviewError as exc:
            return _answer(
                request, found, chosen, "panel", failed=True, error=str(exc), commentary_form=form
            )
        return _answer(request, found, chosen, "panel")
    return _answer(request, found, chosen, "panel", failed=True, commentary_form=form)


@require_POST
@login_required
def decision(request: HttpRequest, code: str, pk: int, item: int) -> HttpResponse:
    found = _running(request, code, pk)
    chosen = review_page.item_or_404(found, item)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            meetings.record_decision(request.user, found, item=chosen, **form.cleaned_data)
        except services.ReviewError as exc:
            return _answer(
                request, found, chosen, "panel", failed=True, error=str(exc), decision_form=form
            )
        return _answer(request, found, chosen, "panel")
    return _answer(request, found, chosen, "panel", failed=True, decision_form=form)


@require_POST
@login_required
def action(request: HttpRequest, code: str, pk: int, item: int) -> HttpResponse:
    found = _running(request, code, pk)
    chosen = review_page.item_or_404(found, item)
    people = list(get_user_model().objects.filter(is_active=True))
    form = ActionForm(request.POST, people=people)
    if form.is_valid():
        data = form.cleaned_data
        owner = next((p for p in people if p.pk == data["owner"]), None)
        try:
            services.create_action(
                request.user,
                found.unit,
                title=data["title"],
                owner=owner,
                due_date=data["due_date"],
                review=found,
                item=chosen,
                kpi=KPI.objects.filter(pk=chosen.kpi_id).first() if chosen.kpi_id else None,
                objective=Objective.objects.filter(pk=chosen.objective_id).first()
                if chosen.objective_id
                else None,
                initiative=Initiative.objects.filter(pk=chosen.initiative_id).first()
                if chosen.initiative_id
                else None,
            )
        except services.ReviewError as exc:
            return _answer(
                request, found, chosen, "panel", failed=True, error=str(exc), action_form=form
            )
        return _answer(request, found, chosen, "panel")
    return _answer(request, found, chosen, "panel", failed=True, action_form=form)


@require_POST
@login_required
def arrange(request: HttpRequest, code: str, pk: int, item: int, how: str) -> HttpResponse:
    """Drop an item, bring it back, or move it up or down the agenda."""
    found = _running(request, code, pk)
    chosen = review_page.item_or_404(found, item)
    try:
        if how in ("drop", "restore"):
            meetings.drop_item(request.user, chosen, dropped=how == "drop")
        elif how in ("up", "down"):
            meetings.move_item(request.user, chosen, -1 if how == "up" else 1)
    except services.ReviewError as exc:
        return _answer(request, found, chosen, "agenda", failed=True, error=str(exc))
    return _answer(request, found, chosen, "agenda")


@require_POST
@login_required
def add_item(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    found = _running(request, code, pk)
    form = AddItemForm(request.POST)
    if form.is_valid():
        try:
            made = meetings.add_item(request.user, found, **form.cleaned_data)
        except services.ReviewError as exc:
            return _answer(
                request, found, None, "agenda", failed=True, error=str(exc), add_form=form
            )
        return _answer(request, found, made, "agenda")
    return _answer(request, found, None, "agenda", failed=True, add_form=form)


@require_POST
@login_required
def change_state(request: HttpRequest, code: str, pk: int, to: str) -> HttpResponse:
    """Start the review, or close it."""
    found = _running(request, code, pk)
    try:
        if to == "close":
            meetings.close(request.user, found)
        else:
            meetings.start(request.user, found)
    except services.ReviewError as exc:
        return _render(request, found, None, status=400, error=str(exc))
    return redirect(_url(found))
