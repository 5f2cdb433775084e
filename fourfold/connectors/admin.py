from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from . import services
from .forms import ConnectorForm
from .models import Connector, ConnectorRun


@admin.register(Connector)
class ConnectorAdmin(admin.ModelAdmin[Connector]):
    form = ConnectorForm
    list_display = ["name", "kind", "every", "minutes", "enabled", "changed_at"]
    list_filter = ["kind", "enabled"]
    search_fields = ["name"]

    def save_model(self, request: HttpRequest, obj: Connector, form: Any, change: bool) -> None:
        services.save(obj, actor=request.user)  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj: Connector) -> None:
        services.delete(obj, actor=request.user)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Connector]) -> None:
        for connector in queryset:
            services.delete(connector, actor=request.user)  # type: ignore[arg-type]


@admin.register(ConnectorRun)
class ConnectorRunAdmin(admin.ModelAdmin[ConnectorRun]):
    list_display = ["connector", "started_at", "status", "rows_read", "created", "changed"]
    list_filter = ["status", "connector"]
    list_select_related = ["connector"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
