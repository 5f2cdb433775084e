"""Reminder settings, and the record of what was sent so no reminder goes twice a day."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Policy(models.Model):
    """Organization-wide reminder settings (one row)."""

    escalate_after_days = models.PositiveIntegerField(
        default=14,
        help_text="Days a value may stay overdue before its KPI's owner is told too.",
    )
    lookback_days = models.PositiveIntegerField(
        default=366,
        help_text="Values of periods that ended longer ago than this are no longer reminded.",
    )
    enabled = models.BooleanField(default=True, help_text="Send the daily reminders.")
    action_reminder_days = models.PositiveIntegerField(
        default=3,
        help_text="Days before an action item's due date its owner is reminded of it.",
    )
    action_escalate_after_days = models.PositiveIntegerField(
        default=7,
        help_text="Days an action item may be late before its review's chair (or, without "
        "one, the unit's editors) is told.",
    )

    class Meta:
        verbose_name = "reminder policy"
        verbose_name_plural = "reminder policy"

    def __str__(self) -> str:
        return "Reminder policy"

    @classmethod
    def get(cls) -> Policy:
        policy = cls.objects.order_by("pk").first()
        return policy if policy is not None else cls.objects.create()


class KpiEscalation(models.Model):
    """A KPI's own escalation delay, overriding the organization's."""

    kpi = models.OneToOneField("measures.KPI", on_delete=models.CASCADE, related_name="escalation")
    escalate_after_days = models.PositiveIntegerField()

    class Meta:
        verbose_name = "KPI escalation delay"

    def __str__(self) -> str:
        return f"{self.kpi.code}: {self.escalate_after_days} days"


class Sent(models.Model):
    """One overdue value named in one person's digest on one day."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", "Reminder to enter"
        ESCALATION = "escalation", "Escalation to the owner"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    kpi = models.ForeignKey("measures.KPI", on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=20)
    sent_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "reminder sent"
        verbose_name_plural = "reminders sent"
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "kpi", "period", "sent_on"], name="reminder_once_a_day"
            )
        ]
        indexes = [models.Index(fields=["sent_on"])]

    def __str__(self) -> str:
        return f"{self.sent_on} {self.kind} {self.kpi_id} {self.period} to {self.recipient_id}"
