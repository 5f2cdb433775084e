"""The Data sources pages, for administrators: connectors, their runs, run now, test."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.middleware import HtmxDetails

from fourfold.accounts.access import Access, access_for

from . import services, worker
from .forms import ConnectorForm
from .models import Connector, ConnectorRun

RUNS_PER_PAGE = 20


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def require_admin(request: HttpRequest) -> Access:
    """Administrators only: others who have a role are refused, strangers see nothing here."""
    access = access_for(request)
    access.require(access.can_manage_sources(), "Only administrators manage data sources.")
    return access


def _last(field: str) -> Subquery:
    runs = ConnectorRun.objects.filter(connector=OuterRef("pk")).order_by("-started_at", "-pk")
    return Subquery(runs.values(field)[:1])


@require_safe
@login_required
def connector_list(request: HttpRequest) -> HttpResponse:
    require_admin(request)
    connectors = Connector.objects.annotate(
        last_id=_last("pk"),
        last_status=_last("status"),
        last_started=_last("started_at"),
        last_error=_last("error"),
        last_created=_last("created"),
        last_changed=_last("changed"),
        last_unchanged=_last("unchanged"),
    )
    statuses = dict(ConnectorRun.Status.choices)
    rows = [
        {"connector": c, "status_name": statuses.get(getattr(c, "last_status", None) or "", "")}
        for c in connectors
    ]
    context = {"rows": rows, "worker_running": worker.running()}
    return render(request, "connectors/list.html", context)


def _form_page(request: HtmxHttpRequest, connector: Connector | None) -> HttpResponse:
    form = ConnectorForm(request.POST or None, instance=connector)
    preview: services.Preview | None = None
    preview_error = ""
    action = request.POST.get("action", "save")
    if request.method == "POST" and form.is_valid():
        if action == "test":
            try:
                preview = services.preview(form.save(commit=False))
            except services.ConnectorError as exc:
                preview_error = str(exc)
        else:
            saved = services.save(form.save(commit=False), actor=request.user)  # type: ignore[arg-type]
            messages.success(request, f"Saved the data source {saved.name}.")
            return redirect("connector", name=saved.name)
    context: dict[str, Any] = {
        "form": form,
        "connector": connector,
        "preview": preview,
        "preview_error": preview_error,
        "tested": request.method == "POST" and action == "test",
    }
    if request.htmx and action == "test":
        return render(request, "connectors/_preview.html", context)
    return render(request, "connectors/form.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def connector_new(request: HtmxHttpRequest) -> HttpResponse:
    require_admin(request)
    return _form_page(request, None)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def connector_edit(request: HtmxHttpRequest, name: str) -> HttpResponse:
    require_admin(request)
    return _form_page(request, get_object_or_404(Connector, name=name))


@require_safe
@login_required
def connector_detail(request: HttpRequest, name: str) -> HttpResponse:
    require_admin(request)
    connector = get_object_or_404(Connector, name=name)
    runs = connector.runs.select_related("triggered_by")
    page = Paginator(runs, RUNS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"connector": connector, "page": page, "worker_running": worker.running()}
    return render(request, "connectors/detail.html", context)


@require_safe
@login_required
def run_detail(request: HttpRequest, name: str, pk: int) -> HttpResponse:
    require_admin(request)
    entry = get_object_or_404(
        ConnectorRun.objects.select_related("connector", "triggered_by"),
        pk=pk,
        connector__name=name,
    )
    return render(request, "connectors/run.html", {"run": entry, "connector": entry.connector})


@require_POST
@login_required
def connector_run(request: HttpRequest, name: str) -> HttpResponse:
    require_admin(request)
    connector = get_object_or_404(Connector, name=name)
    services.enqueue(connector, actor=request.user)  # type: ignore[arg-type]
    if worker.running():
        messages.success(
            request,
            f"{connector.name} will run in a moment, in the background worker. "
            "Reload this page to see the result.",
        )
    else:
        # Said at once: otherwise the run would sit "waiting" with nothing to tell why.
        messages.warning(
            request,
            f"{connector.name} is waiting for the background worker, which is not running: "
            "it runs as soon as a worker starts.",
        )
    return redirect("connector", name=connector.name)


@require_POST
@login_required
def connector_delete(request: HttpRequest, name: str) -> HttpResponse:
    require_admin(request)
    connector = get_object_or_404(Connector, name=name)
    services.delete(connector, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, f"Removed the data source {name}; its values stay.")
    return redirect("connectors")
