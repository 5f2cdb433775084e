from django.contrib import admin

from fourfold.audit.admin import ReadOnlyAdmin

from . import models


@admin.register(models.Channel)
class ChannelAdmin(admin.ModelAdmin[models.Channel]):
    list_display = ("name", "kind", "unit")
    # A webhook's URL and signing secret are passwords: never shown again in full.
    exclude = ("secret", "url")


@admin.register(models.Subscription)
class SubscriptionAdmin(admin.ModelAdmin[models.Subscription]):
    list_display = ("pk", "user", "kind", "frequency")
    list_filter = ("kind", "frequency")


for logged in (models.AlertState, models.Delivery, models.Event, models.Attempt, models.DailyRun):
    admin.site.register(logged, ReadOnlyAdmin)
