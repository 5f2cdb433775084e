from django.contrib import admin

from fourfold.audit.admin import ReadOnlyAdmin

from . import models


@admin.register(models.Version)
class VersionAdmin(ReadOnlyAdmin[models.Version]):
    list_display = ("recorded_at", "kind", "object_id", "changed", "effective_from", "actor")
    list_filter = ("kind",)
    search_fields = ("reason",)


@admin.register(models.NamedRevision)
class NamedRevisionAdmin(ReadOnlyAdmin[models.NamedRevision]):
    list_display = ("name", "at", "actor", "note")


@admin.register(models.Restatement)
class RestatementAdmin(ReadOnlyAdmin[models.Restatement]):
    list_display = ("at", "unit", "count", "actor", "reason")
