from django.contrib import admin

from .models import BookSchedule, Delivery, ShareLink, ShareUse


@admin.register(BookSchedule)
class BookScheduleAdmin(admin.ModelAdmin[BookSchedule]):
    list_display = ["__str__", "when", "cron", "timezone", "owner", "enabled", "next_run"]
    list_select_related = ["template", "owner"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin[Delivery]):
    list_display = ["at", "schedule", "address", "period", "status", "size", "test"]
    list_filter = ["status", "test"]


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin[ShareLink]):
    list_display = ["created_at", "kind", "unit", "created_by", "expires_at", "revoked_at"]
    exclude = ["nonce"]


@admin.register(ShareUse)
class ShareUseAdmin(admin.ModelAdmin[ShareUse]):
    list_display = ["at", "link", "address", "outcome"]
    list_filter = ["outcome"]
