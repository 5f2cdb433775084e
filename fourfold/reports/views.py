"""A unit's briefing books: make one now, and the saved templates (list, save, change,
delete, make). Every book is made with the reader's own rights (`books.render(user=)`)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fourfold.accounts import names
from fourfold.accounts.access import Access, access_for
from fourfold.strategy.models import Organization, Unit

from . import books, services
from .models import BookTemplate
from .periods import latest_complete

FORMAT_CHOICES = (("pdf", "PDF"), ("xlsx", "Excel (XLSX)"), ("pptx", "PowerPoint (PPTX)"))


def _sections(request: HttpRequest) -> list[str]:
    """The sections asked for: every `section` parameter, or all of them when none."""
    source = request.POST if request.method == "POST" else request.GET
    return source.getlist("section") or list(books.SECTIONS)


def download(made: books.Rendered) -> HttpResponse:
    response = HttpResponse(made.content, content_type=made.media_type)
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    response["X-Fourfold-Read-At"] = made.read_at.isoformat()
    return response


def _template(access: Access, unit: Unit, pk: int) -> BookTemplate:
    found = BookTemplate.objects.filter(pk=pk, unit=unit).select_related("unit", "owner").first()
    if found is None:
        raise Http404("No such book template")
    return found


def _page(
    request: HttpRequest,
    access: Access,
    unit: Unit,
    *,
    error: str = "",
    form: dict[str, Any] | None = None,
    editing: BookTemplate | None = None,
    status: int = 200,
) -> HttpResponse:
    templates = list(
        BookTemplate.objects.filter(unit=unit).select_related("owner").order_by("name", "pk")
    )
    rows = [
        {
            "template": t,
            "owner": names.name(t.owner),
            "sections": ", ".join(books.SECTION_NAMES[s] for s in t.ordered_sections()),
            "may_change": access.can_change_book(unit.pk, t.owner_id),
        }
        for t in templates
    ]
    period = request.GET.get("period", "").strip() or latest_complete(unit)
    chosen = form or {}
    context = {
        "organization": Organization.get(),
        "unit": unit,
        "rows": rows,
        "period": period,
        "formats": FORMAT_CHOICES,
        "sections": [
            (s, books.SECTION_NAMES[s], s in chosen.get("sections", books.SECTIONS))
            for s in books.SECTIONS
        ],
        "form": chosen,
        "editing": editing,
        "error": error,
        "may_save": access.can_save_book(unit.pk),
        "scorecard_url": f"{reverse('scorecard', args=[unit.code])}?period={period}",
    }
    name = "reports/template_form.html" if editing else "reports/books.html"
    return render(request, name, context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def book_list(request: HttpRequest, unit: str) -> HttpResponse:
    """The unit's saved book templates and a form to make a book now; POST saves one."""
    access = access_for(request)
    node = access.unit_or_404(unit)
    access.require(access.can_report(node.pk), "You may not make briefing books of this unit.")
    if request.method != "POST":
        return _page(request, access, node)
    access.require(
        access.can_save_book(node.pk), "Your token or role may not save book templates here."
    )
    fields = {
        "name": request.POST.get("name", ""),
        "period": request.POST.get("period", ""),
        "sections": _sections(request),
    }
    try:
        services.create_template(request.user, node, fields)
    except books.ReportError as exc:
        return _page(request, access, node, error=exc.message, form=fields, status=400)
    return redirect(reverse("books", args=[node.code]))


@require_safe
@login_required
def make(request: HttpRequest, unit: str) -> HttpResponse:
    """A book of the unit made now: `?fmt=pdf|xlsx|pptx&period=KEY&section=...`."""
    access = access_for(request)
    node = access.unit_or_404(unit)
    access.require(access.can_report(node.pk), "You may not make briefing books of this unit.")
    period = request.GET.get("period", "").strip() or latest_complete(node)
    spec = books.BookSpec(node.code, period, tuple(_sections(request)))
    try:
        made = books.render(spec, request.GET.get("fmt", "pdf"), user=request.user)
    except books.ReportError as exc:
        return _page(request, access, node, error=exc.message, status=400)
    return download(made)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def edit(request: HttpRequest, unit: str, pk: int) -> HttpResponse:
    """A saved template's form; POST changes it."""
    access = access_for(request)
    node = access.unit_or_404(unit)
    found = _template(access, node, pk)
    access.require(
        access.can_change_book(node.pk, found.owner_id),
        "Only whoever saved this book template and the unit's editors may change it.",
    )
    form = {"name": found.name, "period": found.period, "sections": found.ordered_sections()}
    if request.method != "POST":
        return _page(request, access, node, form=form, editing=found)
    fields = {
        "name": request.POST.get("name", ""),
        "period": request.POST.get("period", ""),
        "sections": _sections(request),
    }
    try:
        services.update_template(request.user, found, fields)
    except books.ReportError as exc:
        return _page(
            request, access, node, error=exc.message, form=fields, editing=found, status=400
        )
    return redirect(reverse("books", args=[node.code]))


@require_POST
@login_required
def delete(request: HttpRequest, unit: str, pk: int) -> HttpResponse:
    access = access_for(request)
    node = access.unit_or_404(unit)
    found = _template(access, node, pk)
    access.require(
        access.can_change_book(node.pk, found.owner_id),
        "Only whoever saved this book template and the unit's editors may delete it.",
    )
    services.delete_template(request.user, found)
    return redirect(reverse("books", args=[node.code]))


@require_safe
@login_required
def make_saved(request: HttpRequest, unit: str, pk: int) -> HttpResponse:
    """The book of a saved template, made now (`?fmt=`, `?period=` for another period)."""
    access = access_for(request)
    node = access.unit_or_404(unit)
    found = _template(access, node, pk)
    access.require(access.can_report(node.pk), "You may not make briefing books of this unit.")
    spec = found.spec(request.GET.get("period", "").strip() or None)
    try:
        made = books.render(spec, request.GET.get("fmt", "pdf"), user=request.user)
    except books.ReportError as exc:
        return _page(request, access, node, error=exc.message, status=400)
    return download(made)
