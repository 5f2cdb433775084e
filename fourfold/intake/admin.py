from django.contrib import admin

from fourfold.audit.admin import ReadOnlyAdmin

from . import models


@admin.register(models.ImportMapping)
class ImportMappingAdmin(admin.ModelAdmin[models.ImportMapping]):
    list_display = ["source", "changed_by", "changed_at"]
    search_fields = ["source"]


@admin.register(models.ApprovalRule)
class ApprovalRuleAdmin(admin.ModelAdmin[models.ApprovalRule]):
    list_display = ["kpi", "set_by", "set_at"]
    list_select_related = ["kpi", "set_by"]
    autocomplete_fields = ["kpi"]


@admin.register(models.PendingValue)
class PendingValueAdmin(ReadOnlyAdmin[models.PendingValue]):
    """Approved and rejected only by the KPI's owner, through the intake service."""

    list_display = [
        "kpi",
        "period",
        "value",
        "status",
        "source",
        "entered_by",
        "entered_at",
        "decided_by",
        "decided_at",
    ]
    list_select_related = ["kpi", "entered_by", "decided_by"]
    list_filter = ["status", "source", "kpi__frequency"]
    search_fields = ["kpi__code", "kpi__name", "period", "comment"]
    date_hierarchy = "entered_at"
