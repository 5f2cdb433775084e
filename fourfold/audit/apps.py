from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "fourfold.audit"
    label = "audit"
