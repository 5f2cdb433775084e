from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def ensure_schedule(**kwargs: Any) -> None:
    """The daily reminder schedule exists once; an administrator may change its time."""
    import datetime as dt

    from django.utils import timezone
    from django_q.models import Schedule

    if Schedule.objects.filter(func=REMIND_TASK).exists():
        return
    now = timezone.localtime()
    first = now.replace(hour=7, minute=0, second=0, microsecond=0)
    if first <= now:
        first += dt.timedelta(days=1)
    Schedule.objects.create(
        name="Overdue value reminders",
        func=REMIND_TASK,
        schedule_type=Schedule.DAILY,
        repeats=-1,
        next_run=first,
    )


REMIND_TASK = "fourfold.freshness.tasks.remind"


class FreshnessConfig(AppConfig):
    name = "fourfold.freshness"
    label = "freshness"
    verbose_name = "Reminders"

    def ready(self) -> None:
        post_migrate.connect(ensure_schedule, sender=self, dispatch_uid="freshness-schedule")
