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
admin.site.register(models.ActionReminder)
