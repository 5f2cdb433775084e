"""Named revisions, and reading "a revision name or a moment" as a moment."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from fourfold.audit.models import record

from .models import NamedRevision


class Unknown(ValueError):
    pass


def parse_moment(text: str, what: str = "the moment") -> dt.datetime:
    """A date (its end: 23:59:59) or a time, in the installation's time zone unless given."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise Unknown(
            f"{what} {text!r} is neither a revision's name nor a date or time such as 2026-03-31"
        ) from exc
    if len(text) <= 10:
        moment = moment.replace(hour=23, minute=59, second=59)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def resolve(text: str, what: str = "the revision") -> tuple[str, dt.datetime]:
    """A revision's name, `now`, or a moment: its label and the moment it stands for."""
    found = NamedRevision.objects.filter(name=text).first()
    if found is not None:
        return found.name, found.at
    if text.lower() == "now":
        return "now", timezone.now()
    return text, parse_moment(text, what)


def save(name: str, *, note: str = "", actor: Any = None) -> NamedRevision:
    name = name.strip()
    if not name:
        raise Unknown("a revision needs a name")
    if len(name) > 200:
        raise Unknown("a revision's name has at most 200 characters")
    with transaction.atomic():
        if NamedRevision.objects.filter(name=name).exists():
            raise Unknown(f"there is already a revision named '{name}'")
        user = actor if actor is not None and actor.is_authenticated else None
        saved = NamedRevision.objects.create(name=name, note=note, actor=user)
        record(actor, "revision.save", f"Saved revision {name}", revision=name, note=note)
    return saved
