"""Who follows what and how they hear of it: subscriptions, the state of each alert, the
events found, and each message delivered (or tried) with its attempts."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from fourfold.core import alerting


class Channel(models.Model):
    """A place that receives alerts for a unit: a Slack or Teams webhook, or a signed one."""

    class Kind(models.TextChoices):
        SLACK = "slack", "Slack (incoming webhook)"
        TEAMS = "teams", "Microsoft Teams (Workflows webhook)"
        WEBHOOK = "webhook", "JSON webhook, signed"

    unit = models.ForeignKey("strategy.Unit", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    url = models.URLField(max_length=1000)
    # The key a JSON webhook's body is signed with: shown once, when the channel is made.
    secret = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["unit_id", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="alert_channel_name_per_unit")
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def new_secret() -> str:
        return secrets.token_hex(32)

    @property
    def shown_url(self) -> str:
        """The URL without its secret path: a webhook URL is itself a password."""
        head, _, rest = self.url.partition("://")
        host = rest.split("/", 1)[0]
        return f"{head}://{host}/…{self.url[-4:]}"

    @property
    def shown_secret(self) -> str:
        return f"…{self.secret[-4:]}" if self.secret else ""


class Subscription(models.Model):
    """One person following one KPI, objective, initiative or unit (with its subtree)."""

    class Kind(models.TextChoices):
        KPI = "kpi", "KPI"
        OBJECTIVE = "objective", "Objective"
        INITIATIVE = "initiative", "Initiative"
        UNIT = "unit", "Unit and the units below it"

    class Frequency(models.TextChoices):
        INSTANT = "instant", "At once"
        DAILY = "daily", "Daily digest"
        WEEKLY = "weekly", "Weekly digest"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_subscriptions"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    unit = models.ForeignKey("strategy.Unit", on_delete=models.CASCADE, related_name="+")
    objective = models.ForeignKey(
        "strategy.Objective", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kpi = models.ForeignKey(
        "measures.KPI", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    initiative = models.ForeignKey(
        "initiatives.Initiative",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    conditions = models.JSONField(default=list)
    above = models.FloatField(null=True, blank=True)
    below = models.FloatField(null=True, blank=True)
    probability = models.FloatField(default=0.3)
    periods = models.PositiveSmallIntegerField(default=1)
    frequency = models.CharField(
        max_length=10, choices=Frequency.choices, default=Frequency.INSTANT
    )
    # None: by email to the person.
    channel = models.ForeignKey(
        Channel, null=True, blank=True, on_delete=models.SET_NULL, related_name="subscriptions"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["user_id", "kind", "pk"]
        indexes = [models.Index(fields=["kpi"]), models.Index(fields=["unit", "kind"])]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.kind} {self.subject_id}"

    @property
    def subject_id(self) -> int:
        chosen = {"kpi": self.kpi_id, "objective": self.objective_id}.get(self.kind)
        if self.kind == "initiative":
            chosen = self.initiative_id
        return int(chosen if chosen is not None else self.unit_id)

    @property
    def condition_names(self) -> list[str]:
        return [alerting.CONDITION_NAMES[c] for c in self.conditions]


class AlertState(models.Model):
    """Where one alert stands: a subscription's condition on one item of what it follows."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="states")
    item = models.CharField(max_length=40)  # "kpi:12", "objective:3", "initiative:4"
    condition = models.CharField(max_length=20)
    state = models.PositiveSmallIntegerField(default=alerting.OK)
    count = models.PositiveSmallIntegerField(default=0)
    period = models.CharField(max_length=20, blank=True)  # the last period observed
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "item", "condition"], name="one_state_per_alert"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.condition}: {alerting.STATES[self.state]}"

    @property
    def state_name(self) -> str:
        return alerting.STATES[self.state]


class Delivery(models.Model):
    """One message to one person or channel: an alert at once, or a digest of several."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        SENT = "sent", "Sent"
        RETRYING = "retrying", "Will try again"
        FAILED = "failed", "Failed"
        DROPPED = "dropped", "Not sent"

    key = models.CharField(max_length=120, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+"
    )
    channel = models.ForeignKey(
        Channel, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    kind = models.CharField(max_length=10)  # email, slack, teams, webhook
    to = models.CharField(max_length=300)  # the address or the channel's name, for the log
    frequency = models.CharField(max_length=10)
    subject = models.CharField(max_length=300)
    body = models.TextField()  # the email's text, or the JSON sent
    html = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return self.key


class Event(models.Model):
    """Something a subscription asked to hear about, found once; never told twice to one
    recipient (`recipient` and `key` are unique together)."""

    subscription = models.ForeignKey(
        Subscription, null=True, on_delete=models.SET_NULL, related_name="events"
    )
    recipient = models.CharField(max_length=40)  # "user:5" (email) or "channel:3"
    key = models.CharField(max_length=160)
    condition = models.CharField(max_length=20)
    unit = models.ForeignKey("strategy.Unit", on_delete=models.CASCADE, related_name="+")
    item = models.CharField(max_length=40)
    period = models.CharField(max_length=20, blank=True)
    title = models.CharField(max_length=300)
    detail = models.TextField(blank=True)
    path = models.CharField(max_length=300, blank=True)  # the page it is about
    frequency = models.CharField(max_length=10)
    created_at = models.DateTimeField(default=timezone.now)
    delivery = models.ForeignKey(
        Delivery, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="alert_event_once")
        ]
        indexes = [models.Index(fields=["delivery", "frequency"])]

    def __str__(self) -> str:
        return self.key


class Attempt(models.Model):
    """One try at sending a delivery: what the other end answered, or why it did not."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="tries")
    at = models.DateTimeField(default=timezone.now)
    ok = models.BooleanField(default=False)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    seconds = models.FloatField(default=0.0)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.delivery_id} at {self.at:%Y-%m-%d %H:%M:%S}"


class DailyRun(models.Model):
    """The day-based conditions (overdue, actions, initiatives, forecasts) were judged on
    this day: the worker judges them once a day."""

    day = models.DateField(unique=True)
    ran_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return str(self.day)
