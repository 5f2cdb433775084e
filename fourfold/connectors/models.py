"""Data sources that pull values on a schedule, and the log of every run."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Connector(models.Model):
    """A source of values: an SQL query on a database, or a folder where files are dropped."""

    class Kind(models.TextChoices):
        SQL = "sql", "SQL query"
        FOLDER = "folder", "Folder of files"

    class Every(models.TextChoices):
        MINUTES = "minutes", "Every N minutes"
        HOURLY = "hourly", "Hourly"
        DAILY = "daily", "Daily"
        MANUAL = "manual", "Only when run by hand"

    name = models.SlugField(
        max_length=100, unique=True, help_text="A short name; values written show it as source."
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SQL)
    url = models.CharField(
        "database URL",
        max_length=500,
        blank=True,
        help_text="postgres://reader:${ERP_PASSWORD}@host/db or sqlite:////srv/data/erp.sqlite3; "
        "passwords only as ${VARIABLE}, read from the environment when the connector runs.",
    )
    query = models.TextField(
        blank=True, help_text="Returns the columns kpi, period, value (and optionally comment)."
    )
    folder = models.CharField(
        max_length=500,
        blank=True,
        help_text="CSV or XLSX files dropped here are imported, then moved to done/ or failed/.",
    )
    every = models.CharField("schedule", max_length=10, choices=Every.choices, default=Every.DAILY)
    minutes = models.PositiveSmallIntegerField(
        default=60, help_text="For 'every N minutes': how many minutes between runs."
    )
    enabled = models.BooleanField(default=True)
    schedule = models.OneToOneField(
        "django_q.Schedule", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def schedule_text(self) -> str:
        if not self.enabled:
            return "Paused"
        if self.every == self.Every.MINUTES:
            return f"Every {self.minutes} minutes"
        return self.get_every_display()


class ConnectorRun(models.Model):
    """One run of a connector: what it read, what it wrote, and why not when it failed."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for the worker"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", "Schedule"
        WEB = "web", "Run now (web)"
        COMMAND = "command", "Command line"

    connector = models.ForeignKey(Connector, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    trigger = models.CharField(max_length=10, choices=Trigger.choices, default=Trigger.SCHEDULE)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    waiting = models.PositiveIntegerField(
        default=0, help_text="Values held for their KPI owner's approval"
    )
    refused = models.JSONField(default=list, blank=True, help_text="Refused rows with reasons")
    files = models.JSONField(default=list, blank=True, help_text="[{name, outcome, message}]")
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["connector", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.connector} {self.started_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def duration(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()
