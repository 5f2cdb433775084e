"""The daily reminder task, run by the django-q2 worker's schedule."""

from __future__ import annotations

from . import services
from .models import Policy


def remind() -> str:
    if not Policy.get().enabled:
        return "reminders are turned off"
    outcome = services.send()
    return f"{len(outcome.digests) - len(outcome.failed)} digests sent"
