"""Who may do what: roles on a unit and the units below it."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Role(models.Model):
    """A user's role on a unit and its whole subtree; no unit means the whole organization."""

    class Kind(models.TextChoices):
        ADMIN = "admin", "Administrator"
        EDITOR = "editor", "Scorecard editor"
        CONTRIBUTOR = "contributor", "Data contributor"
        VIEWER = "viewer", "Viewer"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    unit = models.ForeignKey(
        "strategy.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="roles"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "unit"], name="role_once"),
        ]

    def __str__(self) -> str:
        where = self.unit.name if self.unit else "the whole organization"
        return f"{self.user} — {self.get_kind_display()} of {where}"


class TwoFactorRule(models.Model):
    """Two-factor sign-in required of everyone, or of those with a role of this kind
    (fourfold/accounts/twofactor.py)."""

    scope = models.CharField(max_length=12, unique=True)

    def __str__(self) -> str:
        return f"Two-factor sign-in required of {self.scope}"
