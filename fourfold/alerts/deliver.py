"""Messages made from the events found, and sent: at once, in a daily or a weekly digest.

A message is made for one recipient (a person by email, or a channel) and holds their events
grouped per unit; whether its person may still hear of each is asked again as it is made, so
a role removed means no more alerts. A delivery's key is unique, so no message is made twice;
a failed try is tried again later, waiting twice as long each time, and every try is logged.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone

from fourfold.accounts.access import Access
from fourfold.audit.models import record
from fourfold.core import alerting
from fourfold.env import env_int
from fourfold.freshness.services import base_url
from fourfold.strategy.models import Organization

from . import payloads
from .models import Attempt, Channel, Delivery, Event

SLACK_GAP = 1.0  # seconds between two messages to one Slack webhook


def timeout() -> float:
    raw = os.environ.get("FOURFOLD_ALERTS_TIMEOUT", "")
    try:
        value = float(raw) if raw else 10.0
    except ValueError:
        value = -1.0
    if not 0 < value <= 300:
        raise ImproperlyConfigured(
            f"FOURFOLD_ALERTS_TIMEOUT must be a number of seconds from 0 to 300, not {raw!r}"
        )
    return value


def attempts_allowed() -> int:
    return env_int("FOURFOLD_ALERTS_ATTEMPTS", 5)


def retry_seconds() -> float:
    return float(env_int("FOURFOLD_ALERTS_RETRY_SECONDS", 60))


def _recipients(events: Iterable[Event]) -> dict[str, list[Event]]:
    out: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        out[e.recipient].append(e)
    return out


def _pending(frequencies: Iterable[str]) -> list[Event]:
    return list(
        Event.objects.filter(delivery__isnull=True, frequency__in=list(frequencies))
        .select_related("subscription__user", "subscription__channel", "unit")
        .order_by("pk")
    )


def send_instant(now: dt.datetime | None = None, *, dry_run: bool = False) -> list[Delivery]:
    """Make and send a message for each recipient of the events to be told at once."""
    now = now or timezone.now()
    made = []
    for who, events in _recipients(_pending(["instant"])).items():
        key = f"instant:{who}:{events[0].pk}-{events[-1].pk}"
        delivery = make(who, events, "instant", key, now)
        if delivery is not None:
            made.append(delivery)
    return made if dry_run else _sent([attempt(d) for d in made])


def _sent(tried: list[Delivery]) -> list[Delivery]:
    """Audit the messages that went out, in one entry."""
    sent = [d for d in tried if d.status == Delivery.Status.SENT]
    if sent:
        n = len(sent)
        record(
            None,
            "alerts.sent",
            f"Sent {n} alert message{'s' if n != 1 else ''}",
            deliveries=[d.key for d in sent],
        )
    return tried


def digest_key(frequency: str, who: str, day: dt.date) -> str:
    if frequency == "daily":
        return f"daily:{who}:{day:%Y-%m-%d}"
    year, week, _ = day.isocalendar()
    return f"weekly:{who}:{year}-W{week:02d}"


def send_digests(
    day: dt.date, *, weekly: bool, now: dt.datetime | None = None, dry_run: bool = False
) -> list[Delivery]:
    """One digest per recipient for the day (and the week, on `weekly`) of the events that
    wait for it; a recipient already sent today's waits for tomorrow's."""
    now = now or timezone.now()
    made = []
    for frequency in ("daily", "weekly") if weekly else ("daily",):
        for who, events in _recipients(_pending([frequency])).items():
            key = digest_key(frequency, who, day)
            if Delivery.objects.filter(key=key).exists():
                continue
            delivery = make(who, events, frequency, key, now)
            if delivery is not None:
                made.append(delivery)
    return made if dry_run else _sent([attempt(d) for d in made])


def _allowed(events: list[Event]) -> tuple[list[Event], list[Event]]:
    """The events whose subscriber may still hear of them (and route them to their channel),
    and the others."""
    keep: list[Event] = []
    drop: list[Event] = []
    access: dict[int, Access] = {}
    for e in events:
        sub = e.subscription
        if sub is None:
            drop.append(e)
            continue
        a = access.setdefault(sub.user_id, Access.of(sub.user))
        owner = None
        if e.item.startswith("initiative:"):
            from fourfold.initiatives.models import Initiative

            owner = (
                Initiative.objects.filter(pk=int(e.item.split(":")[1]))
                .values_list("owner_id", flat=True)
                .first()
            )
        ok = a.can_hear(e.unit_id, owner)
        if ok and sub.channel_id is not None:
            ok = sub.channel is not None and a.can_use_channel(sub.channel.unit_id)
        (keep if ok else drop).append(e)
    return keep, drop


def make(
    who: str, events: list[Event], frequency: str, key: str, now: dt.datetime
) -> Delivery | None:
    """The delivery of these events to one recipient, or None when none may be told."""
    keep, drop = _allowed(events)
    with transaction.atomic():
        if drop:
            Event.objects.filter(pk__in=[e.pk for e in drop]).delete()
        if not keep:
            return None
        kind, ident = who.split(":")
        user = channel = None
        if kind == "channel":
            channel = Channel.objects.select_related("unit").get(pk=int(ident))
            to, to_name, via = channel.name, channel.name, channel.kind
        else:
            user = get_user_model().objects.get(pk=int(ident))
            to, to_name, via = user.email, user.get_full_name() or user.get_username(), "email"
        message = _message(to_name, frequency, keep)
        delivery = Delivery(
            key=key,
            user=keep[0].subscription.user if keep[0].subscription else user,
            channel=channel,
            kind=via,
            to=to,
            frequency=frequency,
            subject=message.subject,
            created_at=now,
        )
        if via == "email":
            delivery.body, delivery.html = payloads.email(message)
            if not to:
                delivery.status = Delivery.Status.DROPPED
                delivery.error = f"{to_name} has no email address: no alert can reach them"
        elif via == "slack":
            delivery.body = payloads.encode(payloads.slack(message))
        elif via == "teams":
            delivery.body = payloads.encode(payloads.teams(message))
        else:
            delivery.body = payloads.encode(payloads.webhook(message, key, now))
        delivery.save()
        Event.objects.filter(pk__in=[e.pk for e in keep]).update(delivery=delivery)
    return delivery


def _message(to_name: str, frequency: str, events: list[Event]) -> payloads.Message:
    groups: dict[int, list[payloads.Item]] = defaultdict(list)
    names: dict[int, str] = {}
    root = base_url()
    for e in events:
        names[e.unit_id] = e.unit.name
        url = f"{root}{e.path}" if root and e.path else e.path
        groups[e.unit_id].append(
            payloads.Item(e.condition, e.title, e.detail, e.period, url, e.key)
        )
    ordered = sorted(groups, key=lambda u: names[u])
    return payloads.Message(
        to_name, frequency, Organization.get().name, [(names[u], groups[u]) for u in ordered], root
    )


def attempt(delivery: Delivery) -> Delivery:
    """Try to send a delivery once; log the try; schedule the next one if it failed."""
    if delivery.status in (Delivery.Status.SENT, Delivery.Status.DROPPED, Delivery.Status.FAILED):
        return delivery
    started = time.monotonic()
    ok, code, error = _send(delivery)
    now = timezone.now()
    delivery.attempts += 1
    if ok:
        delivery.status, delivery.sent_at, delivery.next_attempt_at = (
            Delivery.Status.SENT,
            now,
            None,
        )
        delivery.error = ""
    elif delivery.attempts >= attempts_allowed():
        delivery.status, delivery.next_attempt_at = Delivery.Status.FAILED, None
        delivery.error = f"{error}; gave up after {delivery.attempts} tries"
    else:
        wait = alerting.backoff(delivery.attempts, retry_seconds())
        delivery.status = Delivery.Status.RETRYING
        delivery.next_attempt_at = now + dt.timedelta(seconds=wait)
        delivery.error = error
    with transaction.atomic():
        Attempt.objects.create(
            delivery=delivery,
            at=now,
            ok=ok,
            status_code=code,
            error=error,
            seconds=round(time.monotonic() - started, 3),
        )
        delivery.save(update_fields=["status", "attempts", "next_attempt_at", "error", "sent_at"])
    return delivery


def retry_due(now: dt.datetime | None = None) -> list[Delivery]:
    """Try again every delivery whose next try has come."""
    now = now or timezone.now()
    due = Delivery.objects.filter(
        status__in=[Delivery.Status.RETRYING, Delivery.Status.PENDING], next_attempt_at__lte=now
    ).select_related("channel")
    waiting = Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__isnull=True)
    return _sent([attempt(d) for d in [*due, *waiting.select_related("channel")]])


def _send(d: Delivery) -> tuple[bool, int | None, str]:
    if d.kind == "email":
        mail = EmailMultiAlternatives(d.subject, d.body, to=[d.to])
        if d.html:
            mail.attach_alternative(d.html, "text/html")
        try:
            get_connection().send_messages([mail])
        except Exception as exc:  # a mail server's refusal: logged, tried again later
            return False, None, f"the mail server refused: {exc}"
        return True, None, ""
    channel = d.channel
    if channel is None:
        return False, None, "its channel was removed"
    body = d.body.encode()
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "Fourfold alerts"}
    if channel.kind == Channel.Kind.WEBHOOK:
        stamp = str(json.loads(d.body)["timestamp"])
        headers["X-Fourfold-Timestamp"] = stamp
        headers["X-Fourfold-Signature"] = f"sha256={alerting.signature(channel.secret, body)}"
        headers["X-Fourfold-Delivery"] = d.key
    last = Channel.objects.filter(pk=channel.pk).values_list("last_sent_at", flat=True).first()
    if channel.kind == Channel.Kind.SLACK and last is not None:
        gap = (timezone.now() - last).total_seconds()
        if 0 <= gap < SLACK_GAP:
            time.sleep(SLACK_GAP - gap)
    limit = timeout()
    request = urllib.request.Request(channel.url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=limit) as answer:  # noqa: S310 (http(s) only)
            code = answer.status
            answer.read(1024)
    except urllib.error.HTTPError as exc:
        return False, exc.code, f"{channel.name} answered {exc.code} {exc.reason}"
    except TimeoutError:
        return False, None, f"{channel.name} did not answer within {limit:g} seconds"
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError | socket.timeout):
            return False, None, f"{channel.name} did not answer within {limit:g} seconds"
        return False, None, f"cannot reach {channel.name}: {reason}"
    except OSError as exc:
        return False, None, f"cannot reach {channel.name}: {exc}"
    finally:
        Channel.objects.filter(pk=channel.pk).update(last_sent_at=timezone.now())
    return True, code, ""
