from typing import Any

from django.contrib import admin

from fourfold.audit.admin import M, ReadOnlyAdmin

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


# Values and targets change only through the intake services, which keep every earlier
# version and say what changed; here they and their versions are only shown.
UNIT = "kpi__objective__perspective__scorecard__unit"


class MeasuredAdmin(ReadOnlyAdmin[M]):
    """A KPI's row for a period, listed with the KPI's unit and searched by code or period."""

    list_select_related = ["kpi__objective__perspective__scorecard__unit"]
    search_fields = ["kpi__code", "kpi__name", "period"]

    @admin.display(description="unit", ordering=f"{UNIT}__code")
    def unit(self, row: Any) -> str:
        return str(row.kpi.objective.perspective.scorecard.unit.code)


@admin.register(models.Target)
class TargetAdmin(MeasuredAdmin[models.Target]):
    list_display = [
        "kpi",
        "unit",
        "period",
        "target",
        "red_flag",
        "stretch",
        "low",
        "high",
        "source",
        "changed_by",
        "changed_at",
    ]
    list_select_related = [*MeasuredAdmin.list_select_related, "changed_by"]
    list_filter = ["source", "kpi__frequency", UNIT]
    date_hierarchy = "changed_at"


@admin.register(models.TargetVersion)
class TargetVersionAdmin(MeasuredAdmin[models.TargetVersion]):
    list_display = [
        "kpi",
        "unit",
        "period",
        "target",
        "red_flag",
        "low",
        "high",
        "changed_by",
        "changed_at",
        "superseded_by",
        "superseded_at",
        "superseding_reason",
    ]
    list_select_related = [*MeasuredAdmin.list_select_related, "changed_by", "superseded_by"]
    list_filter = ["source", "kpi__frequency", UNIT]
    date_hierarchy = "superseded_at"


@admin.register(models.Measurement)
class MeasurementAdmin(MeasuredAdmin[models.Measurement]):
    list_display = ["kpi", "unit", "period", "value", "source", "entered_by", "entered_at"]
    list_select_related = [*MeasuredAdmin.list_select_related, "entered_by"]
    list_filter = ["source", "kpi__frequency", UNIT]
    search_fields = [*MeasuredAdmin.search_fields, "comment", "source_detail"]
    date_hierarchy = "entered_at"


@admin.register(models.MeasurementVersion)
class MeasurementVersionAdmin(MeasuredAdmin[models.MeasurementVersion]):
    list_display = [
        "kpi",
        "unit",
        "period",
        "value",
        "source",
        "entered_by",
        "entered_at",
        "superseded_by",
        "superseded_at",
        "reason",
    ]
    list_select_related = [*MeasuredAdmin.list_select_related, "entered_by", "superseded_by"]
    list_filter = ["source", "kpi__frequency", UNIT]
    search_fields = [*MeasuredAdmin.search_fields, "reason"]
    date_hierarchy = "superseded_at"
