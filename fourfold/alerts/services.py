"""What changes alerts: following, changing and unfollowing, and the channels of units.

Each is one function, atomic, given the acting user and their access, with an audit entry;
the pages, the API and the command line call the same ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.http import Http404

from fourfold.accounts.access import Access
from fourfold.audit.models import record
from fourfold.core import alerting
from fourfold.core.entries import LIMIT
from fourfold.initiatives.models import Initiative
from fourfold.measures.models import KPI
from fourfold.strategy.models import Objective, Unit

from .models import Channel, Subscription

DEFAULTS = {
    "kpi": ["red", "overdue", "action_late", "comment"],
    "objective": ["red", "action_late", "comment"],
    "initiative": ["initiative_behind", "comment"],
    "unit": ["red", "overdue", "action_late", "initiative_behind"],
}


class AlertError(ValueError):
    """A subscription or channel that cannot be, in one sentence; nothing was written."""


@dataclass(frozen=True)
class Subject:
    kind: str
    unit: Unit
    code: str
    name: str
    kpi: KPI | None = None
    objective: Objective | None = None
    initiative: Initiative | None = None
    owner_id: int | None = None


def subject(access: Access, kind: str, code: str) -> Subject:
    """The KPI, objective, initiative or unit of that code, for someone who may see it; to
    anyone else it does not exist (404)."""
    found: Subject | None = None
    if kind == "kpi":
        kpi = KPI.objects.select_related(KPI_UNIT_PATH).filter(code=code).first()
        if kpi is not None:
            unit = kpi.objective.perspective.scorecard.unit
            found = Subject(kind, unit, kpi.code, kpi.name, kpi=kpi)
    elif kind == "objective":
        obj = Objective.objects.select_related("perspective__scorecard__unit").filter(code=code)
        o = obj.first()
        if o is not None:
            found = Subject(kind, o.perspective.scorecard.unit, o.code, o.name, objective=o)
    elif kind == "initiative":
        i = Initiative.objects.select_related("unit").filter(code=code).first()
        if i is not None:
            found = Subject(kind, i.unit, i.code, i.name, initiative=i, owner_id=i.owner_id)
    elif kind == "unit":
        u = Unit.objects.filter(code=code).first()
        if u is not None:
            found = Subject(kind, u, u.code, u.name)
    if found is None or not access.can_hear(found.unit.pk, found.owner_id):
        raise Http404(f"there is no {kind} '{code}'")
    return found


KPI_UNIT_PATH = "objective__perspective__scorecard__unit"


def _number(name: str, value: Any) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise AlertError(f"the {name} must be a number")
    if not math.isfinite(value) or abs(value) > LIMIT:
        raise AlertError(f"the {name} must be a finite number of magnitude at most 10^15")
    return float(value)


def check(fields: dict[str, Any], access: Access, subject: Subject) -> dict[str, Any]:
    """The fields of a subscription, checked: the first wrong one is refused in a sentence."""
    out: dict[str, Any] = {}
    if "conditions" in fields:
        try:
            out["conditions"] = alerting.check_conditions(list(fields["conditions"]))
        except ValueError as exc:
            raise AlertError(str(exc)) from exc
    if "frequency" in fields:
        if fields["frequency"] not in alerting.FREQUENCIES:
            raise AlertError(
                f"'{fields['frequency']}' is not a frequency; choose instant, daily or weekly"
            )
        out["frequency"] = fields["frequency"]
    if "periods" in fields:
        k = fields["periods"]
        if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= alerting.MAX_PERIODS:
            raise AlertError(
                f"the periods in a row must be a whole number from 1 to {alerting.MAX_PERIODS}"
            )
        out["periods"] = k
    for name in ("above", "below"):
        if name in fields:
            out[name] = _number(f"threshold '{name}'", fields[name])
    if "probability" in fields:
        p = _number("probability", fields["probability"])
        if p is None or not 0 < p < 1:
            raise AlertError("the probability must be between 0 and 1, such as 0.3 for 30 %")
        out["probability"] = p
    if "channel" in fields:
        out["channel"] = _channel(fields["channel"], access, subject)
    return out


def _channel(ident: Any, access: Access, subject: Subject) -> Channel | None:
    if ident in (None, ""):
        return None
    channel = Channel.objects.filter(pk=ident).first() if str(ident).isdigit() else None
    if channel is None or not access.can_view(channel.unit_id):
        raise AlertError(f"there is no channel {ident}")
    if not access.can_use_channel(channel.unit_id):
        raise AlertError(
            f"only an editor of {channel.unit.name} may send alerts to its channel {channel.name}"
        )
    from fourfold.core.hierarchy import Hierarchy

    tree = Hierarchy.of(Unit.objects.values_list("pk", "parent_id"))
    if subject.unit.pk not in tree.subtree(channel.unit_id):
        raise AlertError(
            f"the channel {channel.name} is for {channel.unit.name} and the units below it"
        )
    return channel


def _thresholds_given(sub: Subscription) -> None:
    for name in ("above", "below"):
        if name in sub.conditions and getattr(sub, name) is None:
            raise AlertError(f"the condition '{name}' needs a threshold")
        if name in sub.conditions and sub.kind != "kpi":
            raise AlertError(f"a threshold ('{name}') is for a KPI, not a whole {sub.kind}")


def follow(actor: Any, access: Access, subject: Subject, **fields: Any) -> Subscription:
    """Follow a subject (the default conditions unless given); following it again changes
    nothing and answers the subscription there is."""
    if not access.can_follow(subject.unit.pk, subject.owner_id):
        raise AlertError(
            "this token is read-only" if not access.writes else "you may not follow this"
        )
    fields.setdefault("conditions", DEFAULTS[subject.kind])
    checked = check(fields, access, subject)
    with transaction.atomic():
        there = _existing(actor, subject)
        if there is not None:
            return there
        sub = Subscription(
            user=actor,
            kind=subject.kind,
            unit=subject.unit,
            kpi=subject.kpi,
            objective=subject.objective,
            initiative=subject.initiative,
            **checked,
        )
        _thresholds_given(sub)
        sub.save()
        record(
            actor,
            "alerts.follow",
            f"Followed {subject.kind} {subject.code}",
            subscription=sub.pk,
            kind=subject.kind,
            code=subject.code,
            conditions=sub.conditions,
            frequency=sub.frequency,
        )
    return sub


def _existing(actor: Any, subject: Subject) -> Subscription | None:
    where: dict[str, Any] = {"user": actor, "kind": subject.kind}
    if subject.kind == "unit":
        where["unit"] = subject.unit
    else:
        where[subject.kind] = getattr(subject, subject.kind)
    return Subscription.objects.filter(**where).first()


def subject_of(sub: Subscription) -> Subject:
    unit = sub.unit
    if sub.kind == "kpi" and sub.kpi is not None:
        return Subject("kpi", unit, sub.kpi.code, sub.kpi.name, kpi=sub.kpi)
    if sub.kind == "objective" and sub.objective is not None:
        return Subject(
            "objective", unit, sub.objective.code, sub.objective.name, objective=sub.objective
        )
    if sub.kind == "initiative" and sub.initiative is not None:
        i = sub.initiative
        return Subject("initiative", unit, i.code, i.name, initiative=i, owner_id=i.owner_id)
    return Subject("unit", unit, unit.code, unit.name)


def change(actor: Any, access: Access, sub: Subscription, **fields: Any) -> Subscription:
    """Change what a subscription hears about, how often, where; its alerts' states stay."""
    if not access.writes:
        raise AlertError("this token is read-only")
    checked = check(fields, access, subject_of(sub))
    with transaction.atomic():
        before = {name: getattr(sub, name) for name in checked}
        for name, value in checked.items():
            setattr(sub, name, value)
        _thresholds_given(sub)
        changed = [n for n in checked if before[n] != getattr(sub, n)]
        if not changed:
            return sub
        sub.save(update_fields=[n if n != "channel" else "channel" for n in changed])
        if "periods" in changed:
            sub.states.all().delete()  # judged afresh with the new count
        record(
            actor,
            "alerts.change",
            f"Changed what subscription {sub.pk} hears about",
            subscription=sub.pk,
            changed=changed,
        )
    return sub


def unfollow(actor: Any, access: Access, sub: Subscription) -> None:
    if not access.writes:
        raise AlertError("this token is read-only")
    with transaction.atomic():
        record(
            actor,
            "alerts.unfollow",
            f"Stopped following {sub.kind} {subject_of(sub).code}",
            subscription=sub.pk,
        )
        sub.delete()


def check_url(url: str) -> str:
    """A webhook's URL: http(s) with a host, else refused in one sentence."""
    text = (url or "").strip()
    try:
        parts = urlsplit(text)
    except ValueError as exc:
        raise AlertError(f"'{text}' is not a URL") from exc
    if parts.scheme not in ("http", "https"):
        shown = f"{parts.scheme}://" if parts.scheme else "no scheme"
        raise AlertError(f"the webhook URL must start with http:// or https:// (not {shown})")
    if not parts.hostname:
        raise AlertError(f"the webhook URL '{text}' names no host")
    if len(text) > 1000:
        raise AlertError("the webhook URL is longer than 1,000 characters")
    return text


def make_channel(
    actor: Any, access: Access, unit: Unit, *, name: str, kind: str, url: str
) -> tuple[Channel, str]:
    """A new channel of a unit and its secret (shown this once)."""
    access.require(access.can_manage_alert_channels(), "Only administrators make alert channels.")
    name = (name or "").strip()
    if "\x00" in name or "\x00" in (url or ""):
        raise AlertError("a channel's name and URL may not hold a NUL character")
    if not name:
        raise AlertError("a channel needs a name")
    if len(name) > 100:
        raise AlertError("a channel's name is at most 100 characters")
    if kind not in Channel.Kind.values:
        raise AlertError(f"'{kind}' is not a kind of channel; choose slack, teams or webhook")
    url = check_url(url)
    secret = Channel.new_secret() if kind == Channel.Kind.WEBHOOK else ""
    try:
        with transaction.atomic():
            channel = Channel.objects.create(
                unit=unit, name=name, kind=kind, url=url, secret=secret, created_by=actor
            )
            record(
                actor,
                "alerts.channel",
                f"Made the {kind} channel {name} of {unit.code}",
                channel=channel.pk,
                unit=unit.code,
                kind=kind,
            )
    except IntegrityError as exc:
        raise AlertError(f"{unit.name} already has a channel named {name}") from exc
    return channel, secret


def delete_channel(actor: Any, access: Access, channel: Channel) -> None:
    access.require(access.can_manage_alert_channels(), "Only administrators remove alert channels.")
    with transaction.atomic():
        record(
            actor,
            "alerts.channel.delete",
            f"Removed the channel {channel.name}",
            channel=channel.pk,
            unit=channel.unit.code,
        )
        channel.delete()
