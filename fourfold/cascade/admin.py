from django.contrib import admin

from . import models


@admin.register(models.Cascade)
class CascadeAdmin(admin.ModelAdmin[models.Cascade]):
    list_display = ["parent", "child", "kpis", "split", "made_at", "made_by"]
    list_select_related = ["parent", "child", "made_by"]


@admin.register(models.CarriedObjective)
class CarriedObjectiveAdmin(admin.ModelAdmin[models.CarriedObjective]):
    list_display = ["parent", "child", "name", "cascade"]
    list_select_related = ["parent", "child", "cascade__parent", "cascade__child"]


@admin.register(models.CarriedKpi)
class CarriedKpiAdmin(admin.ModelAdmin[models.CarriedKpi]):
    list_display = ["parent", "child", "share", "to_confirm", "cascade"]
    list_select_related = ["parent", "child", "cascade__parent", "cascade__child"]
    list_filter = ["to_confirm"]
