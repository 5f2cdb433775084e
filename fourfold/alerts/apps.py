from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_init, post_migrate, post_save

EVALUATE_TASK = "fourfold.alerts.tasks.evaluate"
COMMENT_TASK = "fourfold.alerts.tasks.comment"
TICK_TASK = "fourfold.alerts.tasks.tick"
TICK_MINUTES = 5


def ensure_schedule(**kwargs: Any) -> None:
    """The alerts' tick exists once; an administrator may change how often it runs."""
    from django_q.models import Schedule

    if Schedule.objects.filter(func=TICK_TASK).exists():
        return
    Schedule.objects.create(
        name="Alerts: retries, the day's conditions and digests",
        func=TICK_TASK,
        schedule_type=Schedule.MINUTES,
        minutes=TICK_MINUTES,
        repeats=-1,
    )


class AlertsConfig(AppConfig):
    name = "fourfold.alerts"
    label = "alerts"
    verbose_name = "Alerts"

    def ready(self) -> None:
        from fourfold.measures.intake import targets_changed, values_changed
        from fourfold.reviews.models import Comment

        from .tasks import on_changed, on_comment, remember_draft

        post_migrate.connect(ensure_schedule, sender=self, dispatch_uid="alerts-schedule")
        values_changed.connect(on_changed, dispatch_uid="alerts-values-changed")
        targets_changed.connect(on_changed, dispatch_uid="alerts-targets-changed")
        post_init.connect(remember_draft, sender=Comment, dispatch_uid="alerts-comment-draft")
        post_save.connect(on_comment, sender=Comment, dispatch_uid="alerts-new-comment")
