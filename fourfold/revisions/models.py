"""Every version of the scorecard's definition, named revisions, and restated past scores."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Version(models.Model):
    """One object's definition from `recorded_at` until `superseded_at` (None: still current).

    `state` is the object's timeline: a list of segments `{"from": PERIOD or None, "fields":
    {...} or None}` in period order; a period takes the last segment whose `from` is at or
    before it (None: from the beginning), and `fields` None means the object did not exist
    for those periods. A change with `effective_from` splits the timeline; one without
    rewrites every segment (it restates the past).
    """

    kind = models.CharField(max_length=20)
    object_id = models.BigIntegerField()
    state = models.JSONField(default=list)
    changed = models.JSONField(default=list, help_text="The fields this version changed")
    effective_from = models.CharField(max_length=20, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    superseded_at = models.DateTimeField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["kind", "superseded_at"]),
            models.Index(fields=["recorded_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.label} at {self.recorded_at:%Y-%m-%d %H:%M}"

    @property
    def label(self) -> str:
        """The kind and code (or name) of what changed, as it was last known."""
        for seg in reversed(self.state):
            if seg["fields"]:
                name = seg["fields"].get("code") or seg["fields"].get("name")
                if name:
                    return f"{self.kind} {name}"
        return f"{self.kind} {self.object_id}"


class NamedRevision(models.Model):
    """A moment given a name ("FY27 plan v2"), to be scored, compared and dumped later."""

    name = models.CharField(max_length=200, unique=True)
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.name


class Restatement(models.Model):
    """Past scores of a unit that a change without `effective_from` moved."""

    unit = models.ForeignKey("strategy.Unit", on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    # [{"period", "kind", "code", "old", "new"}], at most MOVED_KEPT of them.
    moved = models.JSONField(default=list)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.count} scores of {self.unit_id} restated at {self.at:%Y-%m-%d %H:%M}"
