"""Share links: the unit's page to make, list (with their uses) and revoke them, and the
public view that a link opens without signing in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fourfold.accounts.access import Access, access_for
from fourfold.core import periods
from fourfold.reports.books import ReportError
from fourfold.reports.books import render as render_book
from fourfold.reports.models import BookTemplate
from fourfold.scoring.cache import scores
from fourfold.strategy.models import Organization, Unit
from fourfold.web import scorecard
from fourfold.web.periods import last_ended_month
from fourfold.web.units import visible_units

from . import links
from .forms import ShareForm
from .models import ShareLink, ShareUse
from .services import SharingError

USES_SHOWN = 10
WHY = "Only the editors of a scorecard share it outside."


def _unit(request: HttpRequest, code: str) -> Unit:
    access = access_for(request)
    unit = access.unit_or_404(code)
    access.require(access.can_share(unit.pk), WHY)
    return unit


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def share_list(request: HttpRequest, unit: str) -> HttpResponse:
    """The unit's share links with their last uses, and the form that makes one."""
    found = _unit(request, unit)
    templates = list(BookTemplate.objects.filter(unit=found).order_by("name"))
    form = ShareForm(request.POST or None, templates=templates)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        template = form.templates.get(data["what"])
        try:
            link = links.create(
                request.user,
                found,
                template=template,
                fmt=data["fmt"],
                days=data["days"],
                note=data["note"],
            )
        except SharingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Made a link until {link.expires_at:%Y-%m-%d}.")
            return redirect("shares", unit=found.code)
    recent = ShareUse.objects.order_by("-at", "-pk")
    rows = (
        ShareLink.objects.filter(unit=found)
        .select_related("created_by", "template", "revoked_by")
        .annotate(n_uses=Count("uses"), last_use=Max("uses__at"))
        .prefetch_related(Prefetch("uses", queryset=recent))
    )
    now = timezone.now()
    shown = [
        {
            "link": link,
            "state": link.state(now),
            "address": links.address(link),
            "uses": list(link.uses.all())[:USES_SHOWN],
        }
        for link in rows
    ]
    context = {"unit": found, "form": form, "rows": shown}
    return render(request, "sharing/shares.html", context, status=400 if form.errors else 200)


@require_POST
@login_required
def share_revoke(request: HttpRequest, unit: str, pk: int) -> HttpResponse:
    found = _unit(request, unit)
    link = get_object_or_404(ShareLink.objects.select_related("unit"), pk=pk, unit=found)
    links.revoke(link, actor=request.user)
    messages.success(request, "The link was revoked: it shows nothing any more.")
    return redirect("shares", unit=found.code)


def _private(response: HttpResponse) -> HttpResponse:
    """What a shared page may not do: be kept by a proxy, be indexed, leak its address on."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _gone(request: HttpRequest, sentence: str, status: int) -> HttpResponse:
    return _private(
        render(request, "sharing/shared_gone.html", {"reason": sentence}, status=status)
    )


@require_safe
def shared(request: HttpRequest, token: str) -> HttpResponse:
    """What a share link shows, to anyone who has it: its book, or its read-only scorecard."""
    opened = links.open_link(
        token,
        address=request.META.get("REMOTE_ADDR"),
        user_agent=request.headers.get("User-Agent", ""),
    )
    link = opened.link
    if link is None:
        return _gone(request, opened.refusal, opened.status)
    if link.kind == ShareLink.Kind.BOOK and link.template is not None:
        spec = link.template.spec(period=link.period or None, as_of=link.created_at)
        try:
            book = render_book(spec, link.fmt, user=link.created_by)
        except ReportError as exc:
            return _gone(request, f"This link's book can no longer be made: {exc}.", 410)
        response = HttpResponse(book.content, content_type=book.media_type)
        response["Content-Disposition"] = f'inline; filename="{book.filename}"'
        return _private(response)
    return _private(_scorecard(request, link))


def _scorecard(request: HttpRequest, link: ShareLink) -> HttpResponse:
    """The unit's scorecard as its maker may see it now, without navigation or controls."""
    organization = Organization.get()
    today = timezone.localdate()
    key = link.period or last_ended_month(today)
    period = periods.parse_period(key, organization.fiscal_year_start)
    units = visible_units(Access.of(link.created_by, writes=False))
    unit = next(u for u in units if u.code == link.unit.code)
    page = scorecard.build(scores(unit=unit.code, today=today), units, unit, period)
    context = {"organization": organization, "page": page, "link": link}
    return render(request, "sharing/shared_scorecard.html", context)
