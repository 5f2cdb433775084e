"""The strategy: organization, units, scorecards, perspectives, objectives and their links."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Rollup(models.TextChoices):
    WEIGHTED_MEAN = "weighted_mean", "Weighted mean"
    WORST = "worst", "Worst child"
    SHARE_MET = "share_met", "Share of children met"


class Organization(models.Model):
    """The one organization an installation serves."""

    name = models.CharField(max_length=200, default="My organization")
    fiscal_year_start = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    # Some definition changes from a period on (fourfold.revisions): scoring reads the
    # definitions' timelines, not only the tables.
    definitions_split = models.BooleanField(default=False, editable=False)

    def __str__(self) -> str:
        return self.name

    @classmethod
    def get(cls) -> Organization:
        org = cls.objects.order_by("pk").first()
        return org if org is not None else cls.objects.create()


class Unit(models.Model):
    """A node of the organization tree; each unit has one scorecard."""

    code = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Scorecard(models.Model):
    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="scorecard")
    rollup = models.CharField(max_length=20, choices=Rollup.choices, default=Rollup.WEIGHTED_MEAN)
    scheme = models.ForeignKey(
        "measures.Scheme", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Scorecard of {self.unit}"


class Perspective(models.Model):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="perspectives")
    code = models.SlugField(max_length=100)
    name = models.CharField(max_length=200)
    order = models.PositiveIntegerField(default=0)
    weight = models.FloatField(default=1.0)
    rollup = models.CharField(max_length=20, choices=Rollup.choices, default=Rollup.WEIGHTED_MEAN)
    scheme = models.ForeignKey(
        "measures.Scheme", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    archived = models.BooleanField(default=False)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "code"], name="perspective_code_per_card")
        ]

    def __str__(self) -> str:
        return self.name


class Objective(models.Model):
    perspective = models.ForeignKey(
        Perspective, on_delete=models.CASCADE, related_name="objectives"
    )
    code = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    order = models.PositiveIntegerField(default=0)
    weight = models.FloatField(default=1.0)
    rollup = models.CharField(max_length=20, choices=Rollup.choices, default=Rollup.WEIGHTED_MEAN)
    scheme = models.ForeignKey(
        "measures.Scheme", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    aligned_to = models.ManyToManyField(
        "self",
        through="Alignment",
        through_fields=("child", "parent"),
        symmetrical=False,
        related_name="aligned",
        blank=True,
    )
    archived = models.BooleanField(default=False)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class Alignment(models.Model):
    """`child` (of a unit below) serves `parent`; when it contributes, its score rolls into it."""

    child = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="serves")
    parent = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="served_by")
    contributes = models.BooleanField(
        default=False, help_text="The aligned objective's score rolls up into its parent."
    )
    # None: the child objective's own weight, as when an objective had one alignment.
    weight = models.FloatField(null=True, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["child", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["child", "parent"], name="aligned_once")]

    def __str__(self) -> str:
        return f"{self.child} → {self.parent}"


class Link(models.Model):
    """A cause-effect link: `cause` drives `effect` on the strategy map."""

    cause = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="drives_links")
    effect = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="driven_by_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cause", "effect"], name="link_once")]

    def __str__(self) -> str:
        return f"{self.cause} → {self.effect}"
