from django.contrib import admin

from . import models


@admin.register(models.Role)
class RoleAdmin(admin.ModelAdmin[models.Role]):
    list_display = ["user", "kind", "unit"]
    list_select_related = ["user", "unit"]
    list_filter = ["kind"]
    autocomplete_fields = ["user", "unit"]


@admin.register(models.TwoFactorRule)
class TwoFactorRuleAdmin(admin.ModelAdmin[models.TwoFactorRule]):
    list_display = ["scope"]
