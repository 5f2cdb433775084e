from django.contrib import admin

from fourfold.audit.admin import ReadOnlyAdmin

from . import models


@admin.register(models.MadeForecast)
class MadeForecastAdmin(ReadOnlyAdmin[models.MadeForecast]):
    """Forecasts as they were made: kept to grade them, never edited."""

    list_display = ["kpi", "period", "made_at", "method", "forecast", "low", "high", "probability"]
    list_select_related = ["kpi"]
    list_filter = ["method"]
    search_fields = ["kpi__code", "period"]
