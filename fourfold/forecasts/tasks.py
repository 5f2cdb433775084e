"""The forecasts the worker makes and keeps: nightly, and after values change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .apps import RECOMPUTE_TASK

# Beyond this many KPIs changed at once (an import), every forecast is made again.
MAX_IDS_IN_TASK = 1000


def recompute(kpi_ids: list[int] | None = None, today: str | None = None) -> str:
    """Make and keep the forecasts of the current fiscal year and quarter (of these KPIs)."""
    from . import grading

    day = dt.date.fromisoformat(today) if today else None
    kept = grading.make_and_keep(kpi_ids, today=day)
    return f"{kept} forecasts kept"


def on_values_changed(sender: Any, changed: Any, **kwargs: Any) -> None:
    """Queue a recompute of the changed KPIs' forecasts for the worker (never in the request)."""
    from django_q.tasks import async_task

    ids = sorted(changed.kpi_ids)
    if not ids:
        return
    async_task(RECOMPUTE_TASK, ids if len(ids) <= MAX_IDS_IN_TASK else None)
