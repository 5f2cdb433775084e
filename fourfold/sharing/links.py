"""Share links: one book or one read-only scorecard, opened without signing in.

A link's address carries its id and a random nonce, signed with the installation's secret
(`django.core.signing`): an address changed by one character is refused. What it shows is
what its maker may see when it is opened (their access is asked again each time: a maker who
lost the unit, or their account, takes the link's content with them). A book link's numbers
are frozen at the link's creation: it is rendered `as_of` that moment, so every opening shows
the same book; a scorecard link shows the scorecard as it is now.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from fourfold.accounts.access import Access
from fourfold.audit.models import record
from fourfold.freshness.services import base_url

from .models import ShareLink, ShareUse
from .services import SharingError

SALT = "fourfold.sharing.link"
MAX_DAYS = 365
DEFAULT_DAYS = 30


def token(link: ShareLink) -> str:
    return signing.dumps([link.pk, link.nonce], salt=SALT, compress=False)


def address(link: ShareLink) -> str:
    """The link's address: absolute when FOURFOLD_BASE_URL is set, else a path."""
    return base_url() + reverse("shared", args=[token(link)])


def create(
    maker: Any,
    unit: Any,
    *,
    template: Any = None,
    fmt: str = "pdf",
    period: str = "",
    days: int = DEFAULT_DAYS,
    note: str = "",
) -> ShareLink:
    """A new link to the unit's book (`template`) or its scorecard, made by `maker`; audited."""
    access = Access.of(maker)
    if not access.can_share(unit.pk):
        raise SharingError(f"You may not share the scorecard of {unit.name}.")
    if not 1 <= days <= MAX_DAYS:
        raise SharingError(f"A link lasts from 1 to {MAX_DAYS} days, not {days}.")
    if template is not None and template.unit_id != unit.pk:
        raise SharingError(f"The book template {template} is not one of {unit.name}.")
    now = timezone.now()
    kind = ShareLink.Kind.BOOK if template is not None else ShareLink.Kind.SCORECARD
    with transaction.atomic():
        link = ShareLink.objects.create(
            kind=kind,
            unit=unit,
            template=template,
            fmt=fmt,
            period=period,
            note=note.strip()[:200],
            created_by=maker,
            created_at=now,
            expires_at=now + dt.timedelta(days=days),
        )
        record(
            maker,
            "share.create",
            f"Shared the {link.get_kind_display().lower()} of {unit.name} until "
            f"{link.expires_at:%Y-%m-%d}",
            link=link.pk,
        )
    return link


def revoke(link: ShareLink, *, actor: Any) -> ShareLink:
    """Revoke a link at once (revoking one already revoked changes nothing)."""
    if link.revoked_at is not None:
        return link
    with transaction.atomic():
        link.revoked_at, link.revoked_by = timezone.now(), actor
        link.save(update_fields=["revoked_at", "revoked_by"])
        record(actor, "share.revoke", f"Revoked a share link of {link.unit.name}", link=link.pk)
    return link


@dataclass(frozen=True)
class Opened:
    """What an opening found: the link when it may be shown, else the sentence that refuses."""

    link: ShareLink | None
    refusal: str = ""
    status: int = 200


INVALID = "This link is not valid: check that it was copied whole."
GONE = {
    "expired": "This link expired on {date}: ask whoever shared it for a new one.",
    "revoked": "This link was revoked: ask whoever shared it for a new one.",
    "refused": "This link no longer shows anything: whoever shared it may no longer see it.",
}


def open_link(text: str, *, address: str | None, user_agent: str) -> Opened:
    """The link an address names, logged as used; refused when tampered with, expired,
    revoked, or its maker may no longer see its unit."""
    try:
        pk, nonce = signing.loads(text, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return Opened(None, INVALID, 404)
    link = (
        ShareLink.objects.select_related("unit", "created_by", "template")
        .filter(pk=pk, nonce=nonce)
        .first()
    )
    if link is None:
        return Opened(None, INVALID, 404)
    outcome = link.state()
    maker = link.created_by
    if outcome == "active" and not Access.of(maker).can_view(link.unit_id):
        outcome = "refused"
    ShareUse.objects.create(
        link=link,
        address=address,
        user_agent=user_agent[:300],
        outcome=ShareUse.Outcome.SHOWN if outcome == "active" else outcome,
    )
    if outcome != "active":
        when = timezone.localtime(link.expires_at)
        return Opened(None, GONE[outcome].format(date=f"{when:%Y-%m-%d}"), 410)
    return Opened(link)
