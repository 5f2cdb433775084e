from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate

RECOMPUTE_TASK = "fourfold.forecasts.tasks.recompute"


def ensure_schedule(**kwargs: Any) -> None:
    """The nightly recompute of forecasts exists once; an administrator may change its time."""
    import datetime as dt

    from django.utils import timezone
    from django_q.models import Schedule

    if Schedule.objects.filter(func=RECOMPUTE_TASK).exists():
        return
    now = timezone.localtime()
    first = now.replace(hour=2, minute=0, second=0, microsecond=0)
    if first <= now:
        first += dt.timedelta(days=1)
    Schedule.objects.create(
        name="Nightly forecasts",
        func=RECOMPUTE_TASK,
        schedule_type=Schedule.DAILY,
        repeats=-1,
        next_run=first,
    )


class ForecastsConfig(AppConfig):
    name = "fourfold.forecasts"
    label = "forecasts"
    verbose_name = "Forecasts"

    def ready(self) -> None:
        from fourfold.measures.intake import values_changed

        from .tasks import on_values_changed

        post_migrate.connect(ensure_schedule, sender=self, dispatch_uid="forecasts-schedule")
        values_changed.connect(on_values_changed, dispatch_uid="forecasts-values-changed")
