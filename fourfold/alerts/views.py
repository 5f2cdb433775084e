"""The alerts' pages: the Follow button, My alerts, and for administrators the channels of
units and the delivery log. Each asks the access policy; none judges alerts (the worker and
the signals do)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fourfold.accounts.access import Access, access_for
from fourfold.core import alerting
from fourfold.core.hierarchy import Hierarchy
from fourfold.strategy.models import Unit

from . import services
from .forms import ChannelForm, SubscriptionForm
from .models import AlertState, Channel, Delivery, Event, Subscription

KINDS = {"kpi", "objective", "initiative", "unit"}


def _me(request: HttpRequest) -> int:
    pk = request.user.pk
    assert pk is not None  # login_required lets no one else in
    return int(pk)


def _subject(access: Access, kind: str, code: str) -> services.Subject:
    if kind not in KINDS:
        raise Http404("No such page")
    return services.subject(access, kind, code)


def _follow_context(
    request: HttpRequest, subject: services.Subject, sub: Subscription | None
) -> dict[str, Any]:
    return {
        "subject": subject,
        "sub": sub,
        "kind": subject.kind,
        "kind_name": Subscription.Kind(subject.kind).label.split(" and ")[0],
        "defaults": [alerting.CONDITION_NAMES[c] for c in services.DEFAULTS[subject.kind]],
        "follow_url": reverse("alerts-follow", args=[subject.kind, subject.code]),
    }


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def follow(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """The Follow button of a KPI, objective, initiative or scorecard (htmx swaps it in),
    or its own small page; POST follows with the usual conditions, at once, by email."""
    access = access_for(request)
    subject = _subject(access, kind, code)
    if request.method == "POST":
        access.require(
            access.can_follow(subject.unit.pk, subject.owner_id), "You may not follow this."
        )
        try:
            sub: Subscription | None = services.follow(request.user, access, subject)
        except services.AlertError as exc:
            return render(
                request,
                "alerts/follow.html",
                {**_follow_context(request, subject, None), "error": str(exc)},
                status=400,
            )
        if not request.htmx:  # type: ignore[attr-defined]
            return redirect(f"{reverse('my-alerts')}#alert-{sub.pk if sub else ''}")
    else:
        sub = services._existing(request.user, subject)
    template = "alerts/_follow.html" if request.htmx else "alerts/follow.html"  # type: ignore[attr-defined]
    return render(request, template, _follow_context(request, subject, sub))


def _channels_for(access: Access) -> list[Channel]:
    return [c for c in Channel.objects.select_related("unit") if access.can_use_channel(c.unit_id)]


def _mine(request: HttpRequest) -> list[Subscription]:
    states = AlertState.objects.order_by("-changed_at", "pk")
    return list(
        Subscription.objects.filter(user_id=_me(request))
        .select_related("unit", "kpi", "objective", "initiative", "channel")
        .prefetch_related(Prefetch("states", queryset=states))
        .order_by("kind", "pk")
    )


def _page(
    request: HttpRequest,
    forms: dict[int, SubscriptionForm] | None = None,
    status: int = 200,
    error: str = "",
    error_for: int | None = None,
) -> HttpResponse:
    access = access_for(request)
    subs = _mine(request)
    channels = _channels_for(access)
    forms = forms or {}
    rows = []
    for sub in subs:
        form = forms.get(sub.pk) or SubscriptionForm(
            sub=sub, channels=channels, prefix=f"s{sub.pk}"
        )
        firing = [s for s in sub.states.all() if s.state in (2, 3)]
        pending = [s for s in sub.states.all() if s.state == 1]
        rows.append(
            {
                "sub": sub,
                "subject": services.subject_of(sub),
                "form": form,
                "firing": len(firing),
                "pending": len(pending),
            }
        )
    recent = list(
        Event.objects.filter(subscription__user_id=_me(request))
        .select_related("unit", "delivery")
        .order_by("-created_at", "-pk")[:20]
    )
    context = {"rows": rows, "recent": recent, "error": error, "error_for": error_for}
    return render(request, "alerts/mine.html", context, status=status)


@require_safe
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """What I follow, with each one's conditions, frequency and channel to change."""
    return _page(request)


def _own(request: HttpRequest, pk: int) -> Subscription:
    sub = (
        Subscription.objects.select_related("unit", "kpi", "objective", "initiative", "channel")
        .filter(pk=pk, user_id=_me(request))
        .first()
    )
    if sub is None:
        raise Http404("You follow no such thing.")
    return sub


@require_POST
@login_required
def change(request: HttpRequest, pk: int) -> HttpResponse:
    sub = _own(request, pk)
    access = access_for(request)
    form = SubscriptionForm(
        request.POST, sub=sub, channels=_channels_for(access), prefix=f"s{sub.pk}"
    )
    if not form.is_valid():
        return _page(request, {sub.pk: form}, status=400, error_for=sub.pk)
    try:
        services.change(request.user, access, sub, **form.fields_for_service())
    except services.AlertError as exc:
        return _page(request, {sub.pk: form}, status=400, error=str(exc), error_for=sub.pk)
    return redirect(f"{reverse('my-alerts')}#alert-{sub.pk}")


@require_POST
@login_required
def unfollow(request: HttpRequest, pk: int) -> HttpResponse:
    sub = _own(request, pk)
    subject = services.subject_of(sub)
    services.unfollow(request.user, access_for(request), sub)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "alerts/_follow.html", _follow_context(request, subject, None))
    return redirect("my-alerts")


# Administrators: channels and the delivery log


def _require_admin(request: HttpRequest) -> Access:
    access = access_for(request)
    access.require(access.can_manage_alert_channels(), "Only administrators manage alert channels.")
    return access


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def channels(request: HttpRequest) -> HttpResponse:
    """The channels of units (Slack, Teams, signed webhooks); a new one's secret shown once."""
    access = _require_admin(request)
    tree = Hierarchy.of(Unit.objects.values_list("pk", "parent_id"))
    names = dict(Unit.objects.values_list("pk", "name"))
    units = [(pk, "\u00a0\u00a0" * depth + names[pk]) for pk, depth in tree.walk()]
    form = ChannelForm(request.POST or None, units=units)
    made, secret, error, status = None, "", "", 200
    if request.method == "POST":
        if form.is_valid():
            unit = Unit.objects.get(pk=int(form.cleaned_data["unit"]))
            try:
                made, secret = services.make_channel(
                    request.user,
                    access,
                    unit,
                    name=form.cleaned_data["name"],
                    kind=form.cleaned_data["kind"],
                    url=form.cleaned_data["url"],
                )
                form = ChannelForm(units=units)
            except services.AlertError as exc:
                error, status = str(exc), 400
        else:
            status = 400
    listed = list(Channel.objects.select_related("unit").order_by("unit__name", "name"))
    context = {"form": form, "channels": listed, "made": made, "secret": secret, "error": error}
    return render(request, "alerts/channels.html", context, status=status)


@require_POST
@login_required
def channel_delete(request: HttpRequest, pk: int) -> HttpResponse:
    access = _require_admin(request)
    channel = Channel.objects.select_related("unit").filter(pk=pk).first()
    if channel is None:
        raise Http404("No such channel")
    services.delete_channel(request.user, access, channel)
    return redirect("alerts-channels")


PER_PAGE = 50


@require_safe
@login_required
def deliveries(request: HttpRequest) -> HttpResponse:
    """The delivery log: every message made, its tries and what the other end said."""
    access = access_for(request)
    access.require(access.can_see_deliveries(), "Only administrators read the delivery log.")
    rows = (
        Delivery.objects.select_related("user", "channel")
        .prefetch_related("tries")
        .order_by("-created_at", "-pk")
    )
    status = request.GET.get("status", "")
    if status in Delivery.Status.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "status": status, "statuses": Delivery.Status.choices}
    return render(request, "alerts/deliveries.html", context)
