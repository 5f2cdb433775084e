"""A unit's reviews: the list of its series and reviews, and the forms that add them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from fourfold.accounts.access import access_for
from fourfold.core import agenda as agenda_rules
from fourfold.strategy.models import Organization, Unit
from fourfold.web import periods as choose

from . import meetings
from .models import Cadence, Review, ReviewSeries
from .services import ReviewError

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
RUN_REASON = "Only an editor of this scorecard (or a review's facilitator) runs its reviews."


class ReviewForm(forms.Form):
    series = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    period = forms.CharField(max_length=20, help_text="2026-11, 2026-Q4 or 2026")
    held_on = forms.DateField(label="Held on", widget=DATE)
    title = forms.CharField(max_length=200, required=False)
    facilitator = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    participants = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args: Any, unit: Unit, people: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        series = [
            (s.pk, f"{s.name} ({s.get_cadence_display().lower()})")
            for s in unit.review_series.all()
        ]
        self.fields["series"].choices = [("", "None")] + series  # type: ignore[attr-defined]
        named = [(p.pk, p.get_full_name() or p.get_username()) for p in people]
        self.fields["facilitator"].choices = [("", "Nobody yet")] + named  # type: ignore[attr-defined]
        self.fields["participants"].choices = named  # type: ignore[attr-defined]


class SeriesForm(forms.Form):
    name = forms.CharField(max_length=200)
    cadence = forms.ChoiceField(choices=Cadence.choices)
    note_required_for_red = forms.BooleanField(
        required=False, label="Every red KPI needs commentary before the review closes"
    )


def _people() -> list[Any]:
    return list(get_user_model().objects.filter(is_active=True).order_by("first_name", "username"))


def _context(request: HttpRequest, unit: Unit, **more: Any) -> dict[str, Any]:
    access = access_for(request)
    reviews = list(
        Review.objects.filter(unit=unit)
        .select_related("series", "facilitator")
        .order_by("-period", "-held_on", "-pk")
    )
    series = list(unit.review_series.all())
    today = timezone.localdate()
    people = _people()
    can_run = access.can_run_review(unit.pk)
    first = series[0] if series else None
    planned = {
        "period": _next_period(first, reviews) or choose.last_ended_month(today),
        "held_on": today,
        "series": first.pk if first else None,
    }
    context: dict[str, Any] = {
        "organization": Organization.get(),
        "unit": unit,
        "reviews": reviews,
        "series": series,
        "can_run": can_run,
        "today": today,
        "scorecard_url": reverse("scorecard", args=[unit.code]),
        "form": ReviewForm(unit=unit, people=people, initial=planned),
        "series_form": SeriesForm(initial={"cadence": Cadence.MONTHLY}),
    }
    return context | more


def _next_period(series: ReviewSeries | None, reviews: list[Review]) -> str | None:
    """The period after the series' latest review: what the next one is likely for."""
    latest = next((r for r in reviews if series is not None and r.series_id == series.pk), None)
    if latest is None:
        return None
    return agenda_rules.next_period(latest.period, Organization.get().fiscal_year_start)


@require_http_methods(["GET", "HEAD"])
@login_required
def reviews(request: HttpRequest, code: str) -> HttpResponse:
    """The unit's review series and reviews, with the forms to plan one."""
    unit = access_for(request).unit_or_404(code)
    return render(request, "reviews/list.html", _context(request, unit))


@require_POST
@login_required
def new_review(request: HttpRequest, code: str) -> HttpResponse:
    """Plan a review: its agenda is generated from the data there and then."""
    access = access_for(request)
    unit = access.unit_or_404(code)
    access.require(access.can_run_review(unit.pk), RUN_REASON)
    people = _people()
    form = ReviewForm(request.POST, unit=unit, people=people)
    if form.is_valid():
        data = form.cleaned_data
        by_pk = {p.pk: p for p in people}
        series = ReviewSeries.objects.filter(unit=unit, pk=data["series"]).first()
        try:
            review = meetings.plan_review(
                request.user,
                unit,
                data["period"],
                held_on=data["held_on"],
                series=series,
                title=data["title"],
                facilitator=by_pk.get(data["facilitator"]) if data["facilitator"] else None,
                participants=[by_pk[pk] for pk in data["participants"] if pk in by_pk],
            )
        except ReviewError as exc:
            form.add_error("period", str(exc))
        else:
            return redirect("review", unit.code, review.pk)
    return render(request, "reviews/list.html", _context(request, unit, form=form), status=400)


@require_POST
@login_required
def new_series(request: HttpRequest, code: str) -> HttpResponse:
    access = access_for(request)
    unit = access.unit_or_404(code)
    access.require(access.can_edit(unit.pk), "Only an editor of this scorecard adds review series.")
    form = SeriesForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            meetings.create_series(
                request.user,
                unit,
                data["name"],
                data["cadence"],
                note_required_for_red=data["note_required_for_red"],
            )
        except ReviewError as exc:
            form.add_error("name", str(exc))
        else:
            return redirect("reviews", unit.code)
    context = _context(request, unit, series_form=form)
    return render(request, "reviews/list.html", context, status=400)
