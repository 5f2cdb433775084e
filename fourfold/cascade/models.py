"""A cascade remembered: which parent objective, KPI and targets gave which child ones, when."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Cascade(models.Model):
    """One cascade of a parent unit's scorecard into a child unit's."""

    class Kpis(models.TextChoices):
        COPY = "copy", "Copied"
        SHARE = "share", "Shares of the parent's KPIs"

    class Split(models.TextChoices):
        EQUAL = "equal", "Equally among the children"
        LAST_YEAR = "last_year", "By last year's shares of the children"
        COPY = "copy", "Copied unchanged"

    parent = models.ForeignKey("strategy.Unit", on_delete=models.CASCADE, related_name="+")
    child = models.ForeignKey("strategy.Unit", on_delete=models.CASCADE, related_name="cascades")
    kpis = models.CharField(max_length=10, choices=Kpis.choices, default=Kpis.COPY)
    split = models.CharField(max_length=10, choices=Split.choices, default=Split.EQUAL)
    made_at = models.DateTimeField(auto_now_add=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-made_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.parent} → {self.child}"


class CarriedObjective(models.Model):
    """A parent objective carried down: its name and description as they were then."""

    cascade = models.ForeignKey(Cascade, on_delete=models.CASCADE, related_name="objectives")
    parent = models.ForeignKey("strategy.Objective", on_delete=models.CASCADE, related_name="+")
    child = models.ForeignKey("strategy.Objective", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.parent} → {self.child}"


class CarriedKpi(models.Model):
    """A parent KPI carried down: the share of its targets the child took, and the targets
    as they were then (period -> the Target fields), to tell what drifted since."""

    cascade = models.ForeignKey(Cascade, on_delete=models.CASCADE, related_name="kpis_carried")
    parent = models.ForeignKey("measures.KPI", on_delete=models.CASCADE, related_name="+")
    child = models.ForeignKey("measures.KPI", on_delete=models.CASCADE, related_name="carried_from")
    share = models.FloatField()  # 1.0: copied unchanged
    targets = models.JSONField(default=dict)
    # A parent target changed since: the child KPI's owner is asked to confirm theirs.
    to_confirm = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.parent} → {self.child}"
