"""Books sent on a timetable to named people, each copy made for its reader, and links that
share one book or one scorecard outside, each use logged."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.utils.timezone import now

FORMATS = [("pdf", "PDF"), ("xlsx", "Excel (XLSX)"), ("pptx", "PowerPoint (PPTX)")]
DEFAULT_SUBJECT = "{organization}: {unit}, {period}"


class BookSchedule(models.Model):
    """A book template sent to its recipients on a timetable or when a period's data is in."""

    class When(models.TextChoices):
        CRON = "cron", "On a timetable"
        COMPLETE = "complete", "When the period's data is complete"

    class Every(models.TextChoices):
        MONTH = "month", "Month"
        QUARTER = "quarter", "Quarter"
        YEAR = "year", "Year"

    template = models.ForeignKey(
        "reports.BookTemplate", on_delete=models.CASCADE, related_name="schedules"
    )
    fmt = models.CharField("format", max_length=4, choices=FORMATS, default="pdf")
    when = models.CharField(max_length=10, choices=When.choices, default=When.CRON)
    cron = models.CharField(
        "timetable",
        max_length=100,
        blank=True,
        help_text="Five fields: minute hour day month weekday, e.g. 0 7 1 * * for 07:00 on "
        "the 1st of every month.",
    )
    timezone = models.CharField(max_length=64, default="UTC", help_text="e.g. Europe/Paris")
    every = models.CharField(
        "period",
        max_length=10,
        choices=Every.choices,
        default=Every.MONTH,
        help_text="For 'when complete': the kind of period whose data is awaited.",
    )
    subject = models.CharField(
        max_length=200,
        default=DEFAULT_SUBJECT,
        help_text="{period}, {unit} and {organization} are replaced by their names.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="book_schedules"
    )
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    enabled = models.BooleanField(default=True)
    next_run = models.DateTimeField(null=True, blank=True, db_index=True)
    last_period = models.CharField(
        max_length=20, blank=True, help_text="For 'when complete': the last period sent."
    )
    created_at = models.DateTimeField(default=now)
    changed_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.template} as {self.fmt.upper()}"

    def when_text(self) -> str:
        if not self.enabled:
            return "Paused"
        if self.when == self.When.COMPLETE:
            return f"When each {self.every}'s data is complete"
        return f"{self.cron} ({self.timezone})"


class Delivery(models.Model):
    """One book sent (or not) to one person: the log per recipient."""

    class Status(models.TextChoices):
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    schedule = models.ForeignKey(BookSchedule, on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    address = models.CharField(max_length=254, blank=True)
    period = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    test = models.BooleanField(default=False, help_text="A test sent to the owner only.")
    at = models.DateTimeField(default=now)
    size = models.PositiveIntegerField(default=0, help_text="Bytes of the book attached.")
    read_at = models.DateTimeField(null=True, help_text="When the book's numbers were read.")
    error = models.TextField(blank=True)
    alerted = models.BooleanField(default=False, help_text="The owner was told of the failure.")

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["schedule", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.status} to {self.address}"


def _nonce() -> str:
    return secrets.token_urlsafe(12)


class ShareLink(models.Model):
    """A signed link to one book or one read-only scorecard, until it expires or is revoked."""

    class Kind(models.TextChoices):
        BOOK = "book", "Book"
        SCORECARD = "scorecard", "Scorecard"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    unit = models.ForeignKey("strategy.Unit", on_delete=models.CASCADE, related_name="+")
    template = models.ForeignKey(
        "reports.BookTemplate", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    fmt = models.CharField("format", max_length=4, choices=FORMATS, default="pdf")
    period = models.CharField(max_length=20, blank=True)
    note = models.CharField(max_length=200, blank=True, help_text="Whom it is for.")
    nonce = models.CharField(max_length=32, default=_nonce, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="share_links"
    )
    created_at = models.DateTimeField(default=now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.unit_id} by {self.created_by_id}"

    def state(self, moment: dt.datetime | None = None) -> str:
        """'active', 'expired' or 'revoked'."""
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= (moment or now()) else "active"


class ShareUse(models.Model):
    """One opening of a share link: when, from where, with what, and what it was answered."""

    class Outcome(models.TextChoices):
        SHOWN = "shown", "Shown"
        EXPIRED = "expired", "Refused: expired"
        REVOKED = "revoked", "Refused: revoked"
        REFUSED = "refused", "Refused: its maker may no longer see it"

    link = models.ForeignKey(ShareLink, on_delete=models.CASCADE, related_name="uses")
    at = models.DateTimeField(default=now)
    address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["link", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.outcome} from {self.address}"
