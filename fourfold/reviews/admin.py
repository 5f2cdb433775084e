from typing import Any

from django.contrib import admin

from . import models


@admin.register(models.Comment)
class CommentAdmin(admin.ModelAdmin[models.Comment]):
    list_display = ["created_at", "author", "unit", "objective", "kpi", "period", "text"]
    list_select_related = ["author", "unit", "objective", "kpi"]
    search_fields = ["text"]


class ActionInline(admin.TabularInline[models.ActionItem, models.Review]):
    model = models.ActionItem
    fields = ["title", "owner", "due_date", "status"]
    extra = 0


@admin.register(models.Review)
class ReviewAdmin(admin.ModelAdmin[models.Review]):
    list_display = ["title", "unit", "period", "held_on"]
    list_select_related = ["unit"]
    inlines = [ActionInline]


@admin.register(models.ActionItem)
class ActionItemAdmin(admin.ModelAdmin[models.ActionItem]):
    list_display = ["title", "unit", "owner", "due_date", "status"]
    list_select_related = ["unit", "owner"]
    list_filter = ["status"]
    search_fields = ["title"]


admin.site.register(models.ReviewSeries)
admin.site.register(models.AgendaItem)
admin.site.register(models.Decision)


@admin.register(models.ActionReminder)
class ActionReminderAdmin(admin.ModelAdmin[models.ActionReminder]):
    """What the daily digest told whom of which action item (read only: a record)."""

    list_display = ["sent_on", "recipient", "action", "kind"]
    list_select_related = ["recipient", "action"]
    list_filter = ["kind", "sent_on"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
