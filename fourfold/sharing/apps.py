from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate

SEND_TASK = "fourfold.sharing.tasks.send_due"
EVERY_MINUTES = 5


def ensure_schedule(**kwargs: Any) -> None:
    """The worker looks for books due every few minutes: that schedule exists once."""
    from django.utils import timezone
    from django_q.models import Schedule

    if Schedule.objects.filter(func=SEND_TASK).exists():
        return
    Schedule.objects.create(
        name="Scheduled books",
        func=SEND_TASK,
        schedule_type=Schedule.MINUTES,
        minutes=EVERY_MINUTES,
        repeats=-1,
        next_run=timezone.now(),
    )


class SharingConfig(AppConfig):
    name = "fourfold.sharing"
    label = "sharing"
    verbose_name = "Books sent and shared"

    def ready(self) -> None:
        post_migrate.connect(ensure_schedule, sender=self, dispatch_uid="sharing-schedule")
