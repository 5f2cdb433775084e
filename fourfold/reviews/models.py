"""Performance reviews, their action items, and commentary on units, objectives and KPIs."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone


class Comment(models.Model):
    """Commentary on a unit, an objective or a KPI, optionally for one period."""

    unit = models.ForeignKey(
        "strategy.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    objective = models.ForeignKey(
        "strategy.Objective",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
    )
    kpi = models.ForeignKey(
        "measures.KPI", null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    period = models.CharField(max_length=20, blank=True)
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["kpi", "period"]), models.Index(fields=["objective"])]

    def __str__(self) -> str:
        return self.text[:60]


class Review(models.Model):
    """A performance review meeting of a unit for a period."""

    unit = models.ForeignKey("strategy.Unit", on_delete=models.CASCADE, related_name="reviews")
    period = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    held_on = models.DateField(null=True, blank=True)
    agenda = models.TextField(blank=True)
    commentary = models.TextField(blank=True)
    decisions = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class ActionItem(models.Model):
    """A corrective action with an owner and a due date."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    unit = models.ForeignKey("strategy.Unit", on_delete=models.CASCADE, related_name="actions")
    review = models.ForeignKey(
        Review, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    objective = models.ForeignKey(
        "strategy.Objective",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
    )
    kpi = models.ForeignKey(
        "measures.KPI", null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "due_date", "pk"]

    def __str__(self) -> str:
        return self.title

    def is_late(self, today: date) -> bool:
        return (
            self.status == self.Status.OPEN and self.due_date is not None and self.due_date < today
        )
