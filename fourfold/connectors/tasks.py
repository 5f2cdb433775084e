"""Functions the django-q2 worker calls, by their dotted names in schedules and queued tasks."""

from __future__ import annotations

from . import services
from .models import Connector, ConnectorRun


def run_connector(
    connector_id: int, trigger: str = ConnectorRun.Trigger.SCHEDULE, run_id: int | None = None
) -> str:
    """Run one connector; a connector removed or paused since it was scheduled is skipped."""
    connector = Connector.objects.filter(pk=connector_id).first()
    if connector is None:
        return f"no data source {connector_id}"
    if trigger == ConnectorRun.Trigger.SCHEDULE and not connector.enabled:
        return f"{connector.name} is paused"
    entry = None
    if run_id is not None:
        entry = ConnectorRun.objects.filter(pk=run_id, connector=connector).first()
    actor = entry.triggered_by if entry is not None else None
    done = services.run(connector, trigger=trigger, actor=actor, entry=entry)
    return f"{connector.name}: {done.status}"


def heartbeat() -> str:
    """Nothing to do: that the scheduler queued it is the sign (see worker.py)."""
    return "alive"
