"""The schedules pages of a unit: list, create and change, send a test, the log, remove."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fourfold.accounts.access import access_for
from fourfold.connectors import worker
from fourfold.reports.models import BookTemplate
from fourfold.strategy.models import Unit

from . import services
from .forms import ScheduleForm
from .models import BookSchedule, Delivery

LOG_ROWS = 100
WHY = "Only the editors of a scorecard schedule its books."


def _unit(request: HttpRequest, code: str) -> Unit:
    access = access_for(request)
    unit = access.unit_or_404(code)
    access.require(access.can_schedule_books(unit.pk), WHY)
    return unit


def _schedule(unit: Unit, pk: int) -> BookSchedule:
    found = BookSchedule.objects.select_related("template__unit", "owner")
    return get_object_or_404(found, pk=pk, template__unit=unit)


@require_safe
@login_required
def schedule_list(request: HttpRequest, unit: str) -> HttpResponse:
    found = _unit(request, unit)
    failed = Q(deliveries__status=Delivery.Status.FAILED, deliveries__test=False)
    schedules = (
        BookSchedule.objects.filter(template__unit=found)
        .select_related("template", "owner")
        .annotate(
            n_recipients=Count("recipients", distinct=True),
            last_sent=Max("deliveries__at", filter=Q(deliveries__test=False)),
            last_failed=Max("deliveries__at", filter=failed),
        )
    )
    context = {
        "unit": found,
        "schedules": schedules,
        "templates": BookTemplate.objects.filter(unit=found).exists(),
        "worker_running": worker.running(),
    }
    return render(request, "sharing/schedules.html", context)


def _form_page(request: HttpRequest, unit: Unit, schedule: BookSchedule | None) -> HttpResponse:
    templates = BookTemplate.objects.filter(unit=unit).order_by("name")
    instance = schedule or BookSchedule(owner=request.user)  # type: ignore[misc]
    form = ScheduleForm(request.POST or None, instance=instance, unit=unit, templates=templates)
    error = ""
    if request.method == "POST" and form.is_valid():
        edited = form.save(commit=False)
        try:
            saved = services.save(edited, form.cleaned_data["recipients"], actor=request.user)
        except services.SharingError as exc:
            error = str(exc)
        else:
            messages.success(request, f"Saved the schedule of {saved.template}.")
            return redirect("book-schedule", unit=unit.code, pk=saved.pk)
    context: dict[str, Any] = {
        "unit": unit,
        "schedule": schedule,
        "form": form,
        "error": error,
        "templates": templates.exists(),
    }
    return render(request, "sharing/schedule_form.html", context, status=400 if error else 200)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def schedule_new(request: HttpRequest, unit: str) -> HttpResponse:
    return _form_page(request, _unit(request, unit), None)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def schedule_edit(request: HttpRequest, unit: str, pk: int) -> HttpResponse:
    found = _unit(request, unit)
    return _form_page(request, found, _schedule(found, pk))


@require_safe
@login_required
def schedule_detail(request: HttpRequest, unit: str, pk: int) -> HttpResponse:
    found = _unit(request, unit)
    schedule = _schedule(found, pk)
    log = schedule.deliveries.select_related("recipient")[:LOG_ROWS]
    context = {
        "unit": found,
        "schedule": schedule,
        "recipients": list(schedule.recipients.order_by("first_name", "username")),
        "log": log,
        "worker_running": worker.running(),
    }
    return render(request, "sharing/schedule.html", context)


@require_POST
@login_required
def schedule_test(request: HttpRequest, unit: str, pk: int) -> HttpResponse:
    """Send the book now to the schedule's owner only, made with the owner's permissions."""
    found = _unit(request, unit)
    schedule = _schedule(found, pk)
    try:
        (done,) = services.send(schedule, test=True, actor=request.user)
    except services.ScheduleGone as exc:
        messages.error(request, str(exc))
        return redirect("book-schedules", unit=found.code)
    if done.status == Delivery.Status.SENT:
        messages.success(request, f"A test was sent to {done.address}.")
    else:
        messages.error(request, f"The test was not sent: {done.error}")
    return redirect("book-schedule", unit=found.code, pk=schedule.pk)


@require_POST
@login_required
def schedule_delete(request: HttpRequest, unit: str, pk: int) -> HttpResponse:
    found = _unit(request, unit)
    schedule = _schedule(found, pk)
    services.delete(schedule, actor=request.user)
    messages.success(request, "The schedule was removed; nothing more is sent by it.")
    return redirect("book-schedules", unit=found.code)
