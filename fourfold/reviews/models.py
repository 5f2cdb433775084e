"""Performance reviews (in series with a cadence), their agendas, decisions and action items,
and commentary on units, objectives and KPIs."""

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
    # Commentary of a KPI for a period, written in a review (or copied forward as a draft).
    analysis = models.TextField(blank=True)
    cause = models.TextField(blank=True)
    recommendation = models.TextField(blank=True)
    draft = models.BooleanField(
        default=False, help_text="Copied forward from the period before; nobody has written it."
    )
    review = models.ForeignKey(
        "Review", null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["kpi", "period"]), models.Index(fields=["objective"])]

    def __str__(self) -> str:
        return self.text[:60]


class Cadence(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    YEARLY = "yearly", "Yearly"


# The kind of period (core.periods) that a review of each cadence is for.
PERIOD_KIND = {"monthly": "month", "quarterly": "quarter", "yearly": "year"}


class ReviewSeries(models.Model):
    """The reviews of a unit held on a rhythm: a monthly operational review, a quarterly
    strategy review."""

    unit = models.ForeignKey(
        "strategy.Unit", on_delete=models.CASCADE, related_name="review_series"
    )
    name = models.CharField(max_length=200)
    cadence = models.CharField(max_length=10, choices=Cadence.choices, default=Cadence.MONTHLY)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note_required_for_red = models.BooleanField(
        default=False,
        help_text="A review closes only when every red KPI on its agenda has commentary.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["unit_id", "name", "pk"]
        verbose_name_plural = "review series"
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="review_series_name_once")
        ]

    def __str__(self) -> str:
        return self.name


class Review(models.Model):
    """A performance review meeting of a unit for a period."""

    class State(models.TextChoices):
        PLANNED = "planned", "Planned"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    unit = models.ForeignKey("strategy.Unit", on_delete=models.CASCADE, related_name="reviews")
    series = models.ForeignKey(
        ReviewSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews"
    )
    period = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    held_on = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PLANNED)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="facilitated_reviews",
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="reviews"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
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


# How the agenda names each reason (core.agenda.REASONS, and the facilitator's own items).
REASON_WORDS = {
    "open_action": "Open action",
    "action_overdue": "Action overdue",
    "red": "Red",
    "worsened": "Worse",
    "unlikely": "Unlikely",
    "overdue": "Data overdue",
    "initiative_behind": "Initiative behind",
    "added": "Added",
}


class AgendaItem(models.Model):
    """One item of a review's agenda: generated from the data (`reason` one of
    core.agenda.REASONS) or added by the facilitator (`added`); dropped ones are kept."""

    ADDED = "added"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(default=0)
    reason = models.CharField(max_length=20)
    kind = models.CharField(max_length=12, blank=True)  # action | objective | kpi | initiative
    code = models.CharField(max_length=100, blank=True)
    period = models.CharField(max_length=20)
    message = models.TextField()
    minutes = models.PositiveIntegerField(default=5)
    kpi = models.ForeignKey(
        "measures.KPI", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    objective = models.ForeignKey(
        "strategy.Objective", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    initiative = models.ForeignKey(
        "initiatives.Initiative",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.ForeignKey(
        "ActionItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dropped = models.BooleanField(default=False)
    discussed = models.BooleanField(default=False)

    class Meta:
        ordering = ["review_id", "position", "pk"]

    def __str__(self) -> str:
        return self.message[:60]

    @property
    def reason_label(self) -> str:
        return REASON_WORDS.get(self.reason, self.reason)


class Decision(models.Model):
    """What a review decided, who decided it and why, and what it is about."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="decisions_made")
    item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    text = models.TextField()
    decided_by = models.CharField(max_length=200)
    why = models.TextField(blank=True)
    kpi = models.ForeignKey(
        "measures.KPI", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    objective = models.ForeignKey(
        "strategy.Objective", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    initiative = models.ForeignKey(
        "initiatives.Initiative",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


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
    initiative = models.ForeignKey(
        "initiatives.Initiative",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
    )
    item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
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


class ActionReminder(models.Model):
    """One action item named in one person's reminder digest (fourfold.reviews.reminders),
    once per kind: due soon and late to its owner, escalated to the review's chair or the
    unit's editors."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "Due soon"
        LATE = "late", "Late"
        ESCALATION = "escalation", "Escalated to the review's chair or the unit's editors"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    action = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sent_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "action", "kind"], name="action_reminder_once_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sent_on} {self.kind} {self.action_id} to {self.recipient_id}"
