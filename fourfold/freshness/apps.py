from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate

from fourfold.daily import ensure_daily


def ensure_schedule(**kwargs: Any) -> None:
    """The daily reminder schedule exists once; an administrator may change its time."""
    ensure_daily(REMIND_TASK, "Overdue value reminders", hour=7)


REMIND_TASK = "fourfold.freshness.tasks.remind"


class FreshnessConfig(AppConfig):
    name = "fourfold.freshness"
    label = "freshness"
    verbose_name = "Reminders"

    def ready(self) -> None:
        post_migrate.connect(ensure_schedule, sender=self, dispatch_uid="freshness-schedule")
