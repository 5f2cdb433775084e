"""How numbers come in: saved column mappings, and values held for their owner's approval."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from fourfold.measures.models import KPI, Source


class ImportMapping(models.Model):
    """The columns of one source's files mapped onto Fourfold's, reused at its next import."""

    source = models.CharField(max_length=100, unique=True)
    columns = models.JSONField(default=dict, help_text="{header: field}, field '-' ignores")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.source

    def as_text(self) -> str:
        return ",".join(f"{header}={name}" for header, name in self.columns.items())


class ApprovalRule(models.Model):
    """Values of this KPI entered by anyone but its owner wait for the owner's approval."""

    kpi = models.OneToOneField(KPI, on_delete=models.CASCADE, related_name="approval_rule")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Approval of {self.kpi.code}"


class PendingValue(models.Model):
    """A value entered for a KPI that requires approval: not counted until approved."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        REPLACED = "replaced", "Replaced by a later entry"

    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="pending_values")
    period = models.CharField(max_length=20)
    value = models.FloatField()
    comment = models.TextField(blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    source_detail = models.CharField(max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True, help_text="Why it was rejected")

    class Meta:
        ordering = ["entered_at", "pk"]
        indexes = [models.Index(fields=["status", "kpi"])]

    def __str__(self) -> str:
        return f"{self.kpi.code} {self.period} = {self.value} ({self.status})"
