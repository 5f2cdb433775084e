"""Every forecast made, kept with its moment, so that forecasts can be graded later."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class MadeForecast(models.Model):
    """One forecast of a KPI for a period as it was made; never overwritten."""

    kpi = models.ForeignKey("measures.KPI", on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=20)
    made_at = models.DateTimeField(default=timezone.now)
    method = models.CharField(max_length=40)
    points = models.PositiveIntegerField(default=0)
    actual_to_date = models.FloatField(null=True, blank=True)
    forecast = models.FloatField(null=True, blank=True)
    low = models.FloatField(null=True, blank=True)
    high = models.FloatField(null=True, blank=True)
    probability = models.FloatField(null=True, blank=True)
    target = models.FloatField(null=True, blank=True)
    band_low = models.FloatField(null=True, blank=True)
    band_high = models.FloatField(null=True, blank=True)
    # Everything the figures depend on (fourfold.core.forecast.basis): while a KPI's case has
    # this basis, the kept figures are its forecast ("" for forecasts kept before it was).
    basis = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        ordering = ["kpi_id", "period", "made_at", "pk"]
        indexes = [
            models.Index(fields=["kpi", "period", "made_at"]),
            models.Index(fields=["period", "basis"]),
        ]

    def __str__(self) -> str:
        return f"{self.kpi_id} {self.period} at {self.made_at:%Y-%m-%d %H:%M}"
