from django.contrib import admin

from . import models


@admin.register(models.Organization)
class OrganizationAdmin(admin.ModelAdmin[models.Organization]):
    list_display = ["name", "fiscal_year_start"]


@admin.register(models.Unit)
class UnitAdmin(admin.ModelAdmin[models.Unit]):
    list_display = ["code", "name", "parent", "owner"]
    list_select_related = ["parent", "owner"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent", "owner"]


@admin.register(models.Scorecard)
class ScorecardAdmin(admin.ModelAdmin[models.Scorecard]):
    list_display = ["unit", "rollup", "scheme"]
    list_select_related = ["unit", "scheme"]


@admin.register(models.Perspective)
class PerspectiveAdmin(admin.ModelAdmin[models.Perspective]):
    list_display = ["code", "name", "scorecard", "order", "weight", "archived"]
    list_select_related = ["scorecard__unit"]
    list_filter = ["archived"]


class AlignmentInline(admin.TabularInline[models.Alignment, models.Objective]):
    model = models.Alignment
    fk_name = "child"
    autocomplete_fields = ["parent"]
    extra = 0


@admin.register(models.Objective)
class ObjectiveAdmin(admin.ModelAdmin[models.Objective]):
    list_display = ["code", "name", "perspective", "owner"]
    list_select_related = ["perspective__scorecard__unit", "owner"]
    search_fields = ["code", "name"]
    list_filter = ["archived", "rollup"]
    autocomplete_fields = ["owner"]
    inlines = [AlignmentInline]


@admin.register(models.Link)
class LinkAdmin(admin.ModelAdmin[models.Link]):
    list_display = ["cause", "effect"]
    list_select_related = ["cause", "effect"]
    autocomplete_fields = ["cause", "effect"]


@admin.register(models.Alignment)
class AlignmentAdmin(admin.ModelAdmin[models.Alignment]):
    list_display = ["child", "parent", "contributes", "weight"]
    list_select_related = ["child", "parent"]
    list_filter = ["contributes"]
    autocomplete_fields = ["child", "parent"]
