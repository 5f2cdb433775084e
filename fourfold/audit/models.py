"""An append-only log of who changed what, written by every service."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.utils import timezone

from . import actions


class AuditEntry(models.Model):
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=50)
    summary = models.TextField()
    detail = models.JSONField(default=dict, blank=True)
    # SHA-256 of the previous entry's hash and this entry's content (fourfold.audit.chain).
    hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.label}: {self.summary}"

    @property
    def label(self) -> str:
        return actions.label(self.action)


def record(
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    summary: str,
    **detail: Any,
) -> AuditEntry:
    from . import chain

    user: Any = actor if actor is not None and actor.is_authenticated else None
    entry = AuditEntry(actor=user, action=action, summary=summary, detail=detail)
    appended: AuditEntry = chain.append(entry)
    return appended
