from django.contrib import admin

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
class PendingValueAdmin(admin.ModelAdmin[models.PendingValue]):
    list_display = ["kpi", "period", "value", "status", "entered_by", "entered_at", "decided_by"]
    list_select_related = ["kpi", "entered_by", "decided_by"]
    list_filter = ["status", "source"]
    search_fields = ["kpi__code", "period"]
    readonly_fields = ["entered_at", "decided_at"]
