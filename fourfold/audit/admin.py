from django.contrib import admin

from . import models


@admin.register(models.AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[models.AuditEntry]):
    list_display = ["at", "actor", "action", "summary"]
    list_select_related = ["actor"]
    list_filter = ["action"]
    search_fields = ["summary"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
