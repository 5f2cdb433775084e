"""Initiatives: the projects that serve objectives, their milestones, progress and notes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class InitiativeQuerySet(models.QuerySet["Initiative"]):
    def live(self) -> InitiativeQuerySet:
        return self.filter(archived=False)

    def in_units(self, unit_ids: Iterable[int] | models.QuerySet[Any]) -> InitiativeQuerySet:
        return self.filter(unit_id__in=unit_ids)

    def with_parts(self) -> InitiativeQuerySet:
        """With their unit, owner, people, objectives, KPIs and milestones, in a fixed number
        of queries however many there are."""
        milestones = Milestone.objects.select_related("owner").prefetch_related("depends_on")
        return self.select_related("unit", "owner").prefetch_related(
            "collaborators",
            "serves",
            "moves",
            models.Prefetch("milestones", queryset=milestones),
        )


class MilestoneQuerySet(models.QuerySet["Milestone"]):
    def overdue(self, today: dt.date) -> MilestoneQuerySet:
        """Open past their due day, of live initiatives."""
        return self.filter(done__isnull=True, due__lt=today, initiative__archived=False)

    def owned_by(self, user: Any) -> MilestoneQuerySet:
        """Those a person answers for: their own, and those without an owner of the
        initiatives they own."""
        return self.filter(
            models.Q(owner=user) | models.Q(owner__isnull=True, initiative__owner=user)
        )


class Initiative(models.Model):
    """A project of a unit that serves objectives (of any unit) and is meant to move KPIs."""

    code = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    unit = models.ForeignKey("strategy.Unit", on_delete=models.CASCADE, related_name="initiatives")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_initiatives",
    )
    collaborators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="initiatives"
    )
    serves = models.ManyToManyField("strategy.Objective", blank=True, related_name="initiatives")
    moves = models.ManyToManyField("measures.KPI", blank=True, related_name="initiatives")
    start = models.DateField()
    end = models.DateField()
    budget = models.FloatField(null=True, blank=True)
    order = models.PositiveIntegerField(default=0)
    archived = models.BooleanField(default=False)

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        ordering = ["order", "start", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="initiative_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Milestone(models.Model):
    """A dated step of an initiative; `depends_on` are finish-to-start dependencies."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(max_length=300)
    due = models.DateField()
    done = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="milestones",
    )
    depends_on = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="dependents"
    )
    order = models.PositiveIntegerField(default=0)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["order", "due", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "name"], name="milestone_name_once")
        ]

    def __str__(self) -> str:
        return self.name


class Progress(models.Model):
    """The progress of an initiative in one period; earlier versions live in ProgressVersion."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="progress")
    period = models.CharField(max_length=20)
    complete = models.FloatField(help_text="Percent of the work done, 0 to 100")
    spent = models.FloatField(null=True, blank=True)
    comment = models.TextField(blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["period"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "period"], name="progress_once"),
            models.CheckConstraint(
                condition=models.Q(complete__gte=0, complete__lte=100), name="progress_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiative.code} {self.period}: {self.complete} %"


class ProgressVersion(models.Model):
    """A superseded (or removed) progress entry, valid from `entered_at` to `superseded_at`."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="progress_versions"
    )
    period = models.CharField(max_length=20)
    complete = models.FloatField()
    spent = models.FloatField(null=True, blank=True)
    comment = models.TextField(blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField()
    superseded_at = models.DateTimeField()
    superseded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["initiative", "period", "superseded_at"])]


class StatusNote(models.Model):
    """A dated note on how an initiative stands, optionally for one period."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="notes")
    period = models.CharField(max_length=20, blank=True)
    date = models.DateField(default=timezone.localdate)
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-created_at", "-pk"]

    def __str__(self) -> str:
        return self.text[:60]
