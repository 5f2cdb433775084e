from typing import Any, TypeVar

from django.contrib import admin
from django.db import models as db
from django.db.models import QuerySet
from django.http import HttpRequest

from . import actions, models

M = TypeVar("M", bound=db.Model)


class ReadOnlyAdmin(admin.ModelAdmin[M]):
    """Rows kept as history or changed only through Fourfold's services: shown, never edited.

    Without the add, change and delete permissions the admin offers no form, refuses a POST
    and drops the bulk delete action; every channel that writes them keeps their history.
    """

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return False


class ActionFilter(admin.SimpleListFilter):
    """The actions that occur, by their labels rather than their codes."""

    title = "action"
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        codes = models.AuditEntry.objects.order_by().values_list("action", flat=True).distinct()
        return sorted(((code, actions.label(code)) for code in codes), key=lambda c: c[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(models.AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin[models.AuditEntry]):
    list_display = ["at", "actor", "what", "summary"]
    list_select_related = ["actor"]
    list_filter = [ActionFilter]
    search_fields = ["summary", "action"]
    date_hierarchy = "at"

    @admin.display(description="action", ordering="action")
    def what(self, entry: models.AuditEntry) -> str:
        return entry.label
