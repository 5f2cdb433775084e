from django.contrib import admin

from fourfold.audit.admin import ReadOnlyAdmin

from . import models


@admin.register(models.Initiative)
class InitiativeAdmin(admin.ModelAdmin[models.Initiative]):
    list_display = ["code", "name", "unit", "owner", "start", "end", "budget", "archived"]
    list_select_related = ["unit", "owner"]
    list_filter = ["archived", "unit"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["owner", "collaborators"]


@admin.register(models.Milestone)
class MilestoneAdmin(admin.ModelAdmin[models.Milestone]):
    list_display = ["name", "initiative", "due", "done", "owner"]
    list_select_related = ["initiative", "owner"]
    search_fields = ["name", "initiative__code"]


# Progress changes only through the initiative services, which keep every earlier version.
@admin.register(models.Progress)
class ProgressAdmin(ReadOnlyAdmin[models.Progress]):
    list_display = ["initiative", "period", "complete", "spent", "entered_by", "entered_at"]
    list_select_related = ["initiative", "entered_by"]
    search_fields = ["initiative__code", "period"]


@admin.register(models.ProgressVersion)
class ProgressVersionAdmin(ReadOnlyAdmin[models.ProgressVersion]):
    list_display = ["initiative", "period", "complete", "spent", "entered_at", "superseded_at"]
    list_select_related = ["initiative"]
    search_fields = ["initiative__code", "period"]


@admin.register(models.StatusNote)
class StatusNoteAdmin(admin.ModelAdmin[models.StatusNote]):
    list_display = ["initiative", "date", "period", "author"]
    list_select_related = ["initiative", "author"]
    search_fields = ["initiative__code", "text"]
