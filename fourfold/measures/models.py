"""What is measured: schemes, KPIs, targets and measurements, each with its history."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from fourfold.core import scoring


class Scheme(models.Model):
    """A scoring scheme: statuses worst first, and for percent bands their minimums."""

    class Type(models.TextChoices):
        GOAL_RED_FLAG = "goal_red_flag", "Goal / red flag"
        PERCENT_OF_TARGET = "percent_of_target", "Bands of percent of target"
        YES_NO = "yes_no", "Yes / no"
        UNSCORED = "unscored", "Unscored"

    name = models.SlugField(max_length=100, unique=True)
    type = models.CharField(max_length=20, choices=Type.choices)
    statuses = models.JSONField(default=list, help_text="[{name, color}], worst first")
    mins = models.JSONField(default=list, help_text="Band minimums in percent, ascending")

    def __str__(self) -> str:
        return self.name

    def to_core(self) -> scoring.Scheme:
        from decimal import Decimal

        from fourfold.core import scoring

        return scoring.Scheme(
            name=self.name,
            type=self.type,
            statuses=tuple(scoring.Status(s["name"], s["color"]) for s in self.statuses),
            mins=tuple(Decimal(str(m)) for m in self.mins),
        )


class Direction(models.TextChoices):
    INCREASE = "increase", "Higher is better"
    DECREASE = "decrease", "Lower is better"
    RANGE = "range", "Best in a range"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    YEARLY = "yearly", "Yearly"


class Aggregation(models.TextChoices):
    SUM = "sum", "Sum"
    AVERAGE = "average", "Average"
    LAST = "last", "Last"
    MIN = "min", "Minimum"
    MAX = "max", "Maximum"


# The one join from a KPI to its unit.
KPI_UNIT = "objective__perspective__scorecard__unit"

# KPIs in the order a scorecard shows them: by unit, perspective, objective, then their own.
KPI_ORDER = (
    f"{KPI_UNIT}__order",
    f"{KPI_UNIT}__code",
    "objective__perspective__order",
    "objective__order",
    "order",
    "pk",
)


# The one join from a KPI to its unit.
KPI_UNIT = KPI_UNIT


class KPIQuerySet(models.QuerySet["KPI"]):
    def live(self) -> KPIQuerySet:
        """Not archived, nor under an archived objective or perspective."""
        return self.filter(
            archived=False, objective__archived=False, objective__perspective__archived=False
        )

    def with_unit(self) -> KPIQuerySet:
        """Each KPI with `unit_id` and `unit_code` of its unit, in the same query."""
        return self.annotate(
            unit_id=models.F(f"{KPI_UNIT}_id"), unit_code=models.F(f"{KPI_UNIT}__code")
        )

    def in_units(self, unit_ids: object) -> KPIQuerySet:
        return self.filter(**{f"{KPI_UNIT}_id__in": unit_ids})


class KPI(models.Model):
    UNIT_ID = f"{KPI_UNIT}_id"

    class Kind(models.TextChoices):
        LEAD = "lead", "Lead"
        LAG = "lag", "Lag"

    code = models.SlugField(max_length=100, unique=True)
    objective = models.ForeignKey(
        "strategy.Objective", on_delete=models.CASCADE, related_name="kpis"
    )
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    unit = models.CharField("unit of measure", max_length=50, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contributor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    direction = models.CharField(max_length=10, choices=Direction.choices)
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    aggregation = models.CharField(max_length=10, choices=Aggregation.choices)
    formula = models.TextField(blank=True)
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="kpis")
    weight = models.FloatField(default=1.0)
    kind = models.CharField(max_length=4, choices=Kind.choices, blank=True)
    grace_days = models.PositiveIntegerField(default=15)
    tolerance = models.FloatField(null=True, blank=True)
    order = models.PositiveIntegerField(default=0)
    archived = models.BooleanField(default=False)

    objects = KPIQuerySet.as_manager()

    class Meta:
        verbose_name = "KPI"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class Source(models.TextChoices):
    MANUAL = "manual", "Entered by hand"
    FILE = "file", "File"
    API = "api", "API"
    CONNECTOR = "connector", "Connector"


class Target(models.Model):
    """The target of a KPI for one period; earlier versions live in TargetVersion."""

    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="targets", db_index=False)
    period = models.CharField(max_length=20)
    target = models.FloatField(null=True, blank=True)
    red_flag = models.FloatField(null=True, blank=True)
    stretch = models.FloatField(null=True, blank=True)
    low = models.FloatField(null=True, blank=True)
    high = models.FloatField(null=True, blank=True)
    baseline = models.FloatField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    reason = models.TextField(blank=True)
    # How a yearly or quarterly target is spread over the KPI's months or quarters
    # (fourfold.core.phasing); the parts it implies carry the reason "phased from <period>".
    phase = models.CharField(max_length=10, blank=True, default="")

    FIELDS = ("target", "red_flag", "stretch", "low", "high", "baseline")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kpi", "period"], name="target_once")]

    def __str__(self) -> str:
        return f"{self.kpi.code} {self.period}"


class TargetVersion(models.Model):
    """A superseded target, valid from `changed_at` until `superseded_at`."""

    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="target_versions")
    period = models.CharField(max_length=20)
    target = models.FloatField(null=True, blank=True)
    red_flag = models.FloatField(null=True, blank=True)
    stretch = models.FloatField(null=True, blank=True)
    low = models.FloatField(null=True, blank=True)
    high = models.FloatField(null=True, blank=True)
    baseline = models.FloatField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField()
    source = models.CharField(max_length=10, choices=Source.choices)
    reason = models.TextField(blank=True)
    phase = models.CharField(max_length=10, blank=True, default="")
    superseded_at = models.DateTimeField()
    superseded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    superseding_reason = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["kpi", "period", "superseded_at"])]


class Measurement(models.Model):
    """The actual value of a KPI for one period; earlier versions live in MeasurementVersion."""

    # The unique (kpi, period) index serves lookups by KPI: no second index to maintain on
    # imports of a million values.
    kpi = models.ForeignKey(
        KPI, on_delete=models.CASCADE, related_name="measurements", db_index=False
    )
    period = models.CharField(max_length=20)
    value = models.FloatField()
    comment = models.TextField(blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    source_detail = models.CharField(max_length=300, blank=True, help_text="File or connector")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kpi", "period"], name="measurement_once")]

    def __str__(self) -> str:
        return f"{self.kpi.code} {self.period} = {self.value}"


class MeasurementVersion(models.Model):
    """A superseded (or removed) value, valid from `entered_at` until `superseded_at`."""

    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="measurement_versions")
    period = models.CharField(max_length=20)
    value = models.FloatField()
    comment = models.TextField(blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    source_detail = models.CharField(max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField()
    superseded_at = models.DateTimeField()
    superseded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["kpi", "period", "superseded_at"])]
