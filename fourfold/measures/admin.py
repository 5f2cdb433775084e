from django.contrib import admin

from . import models


@admin.register(models.Scheme)
class SchemeAdmin(admin.ModelAdmin[models.Scheme]):
    list_display = ["name", "type"]


@admin.register(models.KPI)
class KPIAdmin(admin.ModelAdmin[models.KPI]):
    list_display = ["code", "name", "objective", "direction", "frequency", "scheme", "owner"]
    list_select_related = ["objective", "scheme", "owner"]
    list_filter = ["direction", "frequency", "aggregation", "scheme", "archived"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["owner", "contributor"]


@admin.register(models.Target)
class TargetAdmin(admin.ModelAdmin[models.Target]):
    list_display = [
        "kpi",
        "period",
        "target",
        "red_flag",
        "low",
        "high",
        "changed_by",
        "changed_at",
    ]
    list_select_related = ["kpi", "changed_by"]
    search_fields = ["kpi__code", "period"]


@admin.register(models.TargetVersion)
class TargetVersionAdmin(admin.ModelAdmin[models.TargetVersion]):
    list_display = ["kpi", "period", "target", "red_flag", "changed_at", "superseded_at"]
    list_select_related = ["kpi"]
    search_fields = ["kpi__code", "period"]


@admin.register(models.Measurement)
class MeasurementAdmin(admin.ModelAdmin[models.Measurement]):
    list_display = ["kpi", "period", "value", "source", "entered_by", "entered_at"]
    list_select_related = ["kpi", "entered_by"]
    list_filter = ["source"]
    search_fields = ["kpi__code", "period"]


@admin.register(models.MeasurementVersion)
class MeasurementVersionAdmin(admin.ModelAdmin[models.MeasurementVersion]):
    list_display = ["kpi", "period", "value", "source", "entered_at", "superseded_at"]
    list_select_related = ["kpi"]
    search_fields = ["kpi__code", "period"]
