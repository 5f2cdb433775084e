from django.contrib import admin

from .models import KpiEscalation, Policy, Sent


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin[Policy]):
    list_display = [
        "__str__",
        "escalate_after_days",
        "lookback_days",
        "enabled",
        "action_reminder_days",
        "action_escalate_after_days",
    ]


@admin.register(KpiEscalation)
class KpiEscalationAdmin(admin.ModelAdmin[KpiEscalation]):
    list_display = ["kpi", "escalate_after_days"]
    autocomplete_fields = ["kpi"]


@admin.register(Sent)
class SentAdmin(admin.ModelAdmin[Sent]):
    list_display = ["sent_on", "kind", "recipient", "kpi", "period"]
    list_filter = ["kind", "sent_on"]
    list_select_related = ["recipient", "kpi"]
