"""Each connector has a django-q2 schedule; the worker's task runs it and logs the run."""

from __future__ import annotations

import pytest
from django_q.models import OrmQ, Schedule

from fourfold.audit.models import AuditEntry
from fourfold.connectors import services, tasks
from fourfold.connectors.models import Connector, ConnectorRun
from fourfold.freshness.apps import REMIND_TASK

pytestmark = pytest.mark.django_db


def test_saving_a_connector_schedules_it_and_a_change_of_schedule_follows(
    sqlite_connector: Connector,
) -> None:
    sqlite_connector.every, sqlite_connector.minutes = Connector.Every.MINUTES, 30
    services.save(sqlite_connector, actor=None)
    schedule = Schedule.objects.get(pk=sqlite_connector.schedule_id)
    assert (schedule.func, schedule.args) == (services.TASK, repr(sqlite_connector.pk))
    assert (schedule.schedule_type, schedule.minutes) == (Schedule.MINUTES, 30)
    sqlite_connector.every = Connector.Every.DAILY
    services.save(sqlite_connector, actor=None)
    schedule.refresh_from_db()
    assert (schedule.schedule_type, schedule.minutes) == (Schedule.DAILY, None)
    assert AuditEntry.objects.filter(action="connector").count() == 2


def test_a_paused_or_manual_connector_has_no_schedule(sqlite_connector: Connector) -> None:
    services.save(sqlite_connector, actor=None)
    assert Schedule.objects.filter(func=services.TASK).count() == 1
    sqlite_connector.enabled = False
    services.save(sqlite_connector, actor=None)
    assert not Schedule.objects.filter(func=services.TASK).exists()
    sqlite_connector.enabled, sqlite_connector.every = True, Connector.Every.MANUAL
    services.save(sqlite_connector, actor=None)
    assert not Schedule.objects.filter(func=services.TASK).exists()


def test_removing_a_connector_removes_its_schedule(sqlite_connector: Connector) -> None:
    services.save(sqlite_connector, actor=None)
    services.delete(sqlite_connector, actor=None)
    assert not Schedule.objects.filter(func=services.TASK).exists()


def test_the_scheduled_task_runs_the_connector(sqlite_connector: Connector) -> None:
    assert tasks.run_connector(sqlite_connector.pk) == "erp: succeeded"
    assert ConnectorRun.objects.get().trigger == ConnectorRun.Trigger.SCHEDULE


def test_run_now_queues_a_run_that_the_worker_completes(
    sqlite_connector: Connector, admin: object
) -> None:
    queued = services.enqueue(sqlite_connector, actor=admin)  # type: ignore[arg-type]
    assert queued.status == ConnectorRun.Status.QUEUED
    assert OrmQ.objects.count() == 1
    tasks.run_connector(sqlite_connector.pk, trigger=ConnectorRun.Trigger.WEB, run_id=queued.pk)
    queued.refresh_from_db()
    assert queued.status == ConnectorRun.Status.SUCCEEDED
    assert queued.triggered_by == admin and queued.created == 1
    assert ConnectorRun.objects.count() == 1


def test_a_second_run_does_not_start_while_one_is_going(sqlite_connector: Connector) -> None:
    ConnectorRun.objects.create(connector=sqlite_connector, status=ConnectorRun.Status.RUNNING)
    run = services.run(sqlite_connector)
    assert run.status == ConnectorRun.Status.FAILED
    assert "still going" in run.error


def test_a_removed_connector_is_skipped_by_its_old_schedule(db: None) -> None:
    assert tasks.run_connector(12345) == "no data source 12345"


def test_the_daily_reminders_are_scheduled_once(db: None) -> None:
    from fourfold.freshness.apps import ensure_schedule

    ensure_schedule()
    schedule = Schedule.objects.get(func=REMIND_TASK)
    assert schedule.schedule_type == Schedule.DAILY
