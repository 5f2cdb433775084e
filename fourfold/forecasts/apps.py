from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate

from fourfold.daily import ensure_daily

RECOMPUTE_TASK = "fourfold.forecasts.tasks.recompute"


def ensure_schedule(**kwargs: Any) -> None:
    """The nightly recompute of forecasts exists once; an administrator may change its time."""
    ensure_daily(RECOMPUTE_TASK, "Nightly forecasts", hour=2)


class ForecastsConfig(AppConfig):
    name = "fourfold.forecasts"
    label = "forecasts"
    verbose_name = "Forecasts"

    def ready(self) -> None:
        from fourfold.measures.intake import values_changed

        from .tasks import on_values_changed

        post_migrate.connect(ensure_schedule, sender=self, dispatch_uid="forecasts-schedule")
        values_changed.connect(on_values_changed, dispatch_uid="forecasts-values-changed")
