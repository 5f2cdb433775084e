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

    class Meta:
        ordering = ["kpi_id", "period", "made_at", "pk"]
        indexes = [models.Index(fields=["kpi", "period", "made_at"])]

    def __str__(self) -> str:
        return f"{self.kpi_id} {self.period} at {self.made_at:%Y-%m-%d %H:%M}"
