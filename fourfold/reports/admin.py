from django.contrib import admin

from . import models


@admin.register(models.BookTemplate)
class BookTemplateAdmin(admin.ModelAdmin[models.BookTemplate]):
    list_display = ("name", "unit", "period", "owner")
    search_fields = ("name",)
