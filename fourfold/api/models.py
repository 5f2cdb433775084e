"""Personal API tokens: a user's key for the REST API, stored only as a hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

PREFIX = "ff_"
# How often last_used_at is written: a busy pipeline should not write on every request.
TOUCH_EVERY = dt.timedelta(minutes=1)
KEY = re.compile(r"[0-9a-f]{12}")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A bearer token of one user; it can do at most what its user may, and less if read-only."""

    class Scope(models.TextChoices):
        READ = "read", "Read only"
        WRITE = "write", "Read and write"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    scope = models.CharField(max_length=5, choices=Scope.choices, default=Scope.READ)
    key = models.CharField(max_length=16, unique=True, help_text="Public part, for the lookup")
    digest = models.CharField(max_length=64, help_text="sha256 of the whole token")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE

    @classmethod
    def issue(cls, user: object, name: str, scope: str) -> tuple[ApiToken, str]:
        """A new token and its secret, which is shown once and never stored."""
        key = secrets.token_hex(6)
        secret = f"{PREFIX}{key}_{secrets.token_urlsafe(32)}"
        token = cls.objects.create(
            user=user, name=name, scope=scope, key=key, digest=_digest(secret)
        )
        return token, secret

    @classmethod
    def authenticate(cls, secret: str) -> ApiToken | None:
        """The active token whose secret this is, with its user; None for anything else."""
        parts = secret.split("_", 2)
        if len(parts) < 3 or f"{parts[0]}_" != PREFIX or not KEY.fullmatch(parts[1]):
            return None
        token = cls.objects.active().select_related("user").filter(key=parts[1]).first()
        if token is None or not hmac.compare_digest(token.digest, _digest(secret)):
            return None
        if not token.user.is_active:
            return None
        return token

    def touch(self, now: dt.datetime | None = None) -> None:
        now = now or timezone.now()
        if self.last_used_at is None or now - self.last_used_at >= TOUCH_EVERY:
            self.last_used_at = now
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])
