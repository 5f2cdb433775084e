"""The Data sources pages: administrators only, fixed query counts, test without writing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from django_q.models import Schedule
from pytest_django import DjangoAssertNumQueries

from fourfold.accounts.models import Role
from fourfold.connectors import services, worker
from fourfold.connectors.models import Connector, ConnectorRun
from fourfold.measures.models import Measurement
from fourfold.strategy.models import Unit

from .conftest import QUERY

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_admin(client: Client, admin: User) -> Client:
    client.force_login(admin)
    return client


def test_an_outsider_gets_404_and_an_editor_403(client: Client, small: None) -> None:
    stranger = User.objects.create_user("stranger")
    client.force_login(stranger)
    assert client.get("/sources/").status_code == 404
    editor = User.objects.create_user("ed")
    Role.objects.create(user=editor, kind=Role.Kind.EDITOR, unit=Unit.objects.get(code="acme"))
    client.force_login(editor)
    assert client.get("/sources/").status_code == 403
    assert client.post("/sources/new/", {"name": "x"}).status_code == 403


def test_an_admin_role_user_may_manage_data_sources(client: Client, small: None) -> None:
    boss = User.objects.create_user("boss")
    Role.objects.create(user=boss, kind=Role.Kind.ADMIN, unit=None)
    client.force_login(boss)
    assert client.get("/sources/").status_code == 200


def test_it_lists_connectors_with_their_last_run(
    as_admin: Client, sqlite_connector: Connector
) -> None:
    services.run(sqlite_connector)
    text = as_admin.get("/sources/").content.decode()
    assert "erp" in text and "Succeeded" in text and "1 new, 1 changed, 0 unchanged" in text


def test_it_refuses_to_save_a_url_with_a_password(as_admin: Client, small: None) -> None:
    response = as_admin.post(
        "/sources/new/",
        {
            "name": "erp",
            "kind": "sql",
            "url": "postgres://reader:hunter2@db/erp",
            "query": QUERY,
            "every": "daily",
            "minutes": 60,
            "enabled": "on",
        },
    )
    assert response.status_code == 400
    assert "write it as ${VARIABLE}" in response.content.decode()
    assert not Connector.objects.exists()


def test_it_saves_a_connector_with_its_schedule(as_admin: Client, source_db: object) -> None:
    response = as_admin.post(
        "/sources/new/",
        {
            "name": "erp",
            "kind": "sql",
            "url": f"sqlite:///{source_db}",
            "query": QUERY,
            "every": "hourly",
            "minutes": 60,
            "enabled": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/sources/erp/"
    assert Schedule.objects.get(name="Connector erp").schedule_type == Schedule.HOURLY


def test_the_test_button_shows_the_first_rows_without_writing(
    as_admin: Client, small: None, source_db: object
) -> None:
    data = {
        "name": "erp",
        "kind": "sql",
        "url": f"sqlite:///{source_db}",
        "query": QUERY,
        "every": "daily",
        "minutes": 60,
        "action": "test",
    }
    before = list(Measurement.objects.values_list("pk", "value"))
    page = as_admin.post("/sources/new/", data).content.decode()
    assert "<td>revenue</td><td>2026-02</td><td>650.0</td>" in page
    assert "a run would write 2 values. Nothing was written." in page
    partial = as_admin.post("/sources/new/", data, headers={"HX-Request": "true"})
    assert b"<html" not in partial.content and b"<td>2026-03</td>" in partial.content
    assert not Connector.objects.exists() and not ConnectorRun.objects.exists()
    assert list(Measurement.objects.values_list("pk", "value")) == before


def test_a_failing_test_shows_the_databases_message(as_admin: Client, small: None) -> None:
    data = {
        "name": "erp",
        "kind": "sql",
        "url": "sqlite:////nowhere/erp.sqlite3",
        "query": QUERY,
        "every": "daily",
        "minutes": 60,
        "action": "test",
    }
    page = as_admin.post("/sources/new/", data).content.decode()
    assert "The test failed:</strong> there is no SQLite database at /nowhere/erp.sqlite3" in page


def test_run_now_queues_the_connector_for_the_worker(
    as_admin: Client, sqlite_connector: Connector
) -> None:
    worker.beat()  # as a worker process does when it starts
    response = as_admin.post("/sources/erp/run/")
    assert response.status_code == 302
    run = ConnectorRun.objects.get()
    assert run.status == ConnectorRun.Status.QUEUED
    page = as_admin.get("/sources/erp/").content.decode()
    assert "Waiting for the worker" in page
    assert "erp will run in a moment, in the background worker." in page
    assert "No background worker is running" not in page


def test_run_now_says_that_no_worker_runs_and_how_to_start_one(
    as_admin: Client, sqlite_connector: Connector
) -> None:
    page = as_admin.post("/sources/erp/run/", follow=True).content.decode()
    assert ConnectorRun.objects.get().status == ConnectorRun.Status.QUEUED
    assert "erp is waiting for the background worker, which is not running" in page
    assert "<strong>No background worker is running</strong>" in page
    assert "<code>fourfold worker</code>" in page
    assert "No background worker is running" in as_admin.get("/sources/").content.decode()


def test_a_worker_silent_for_two_minutes_no_longer_counts_as_running(db: None) -> None:
    assert not worker.running()  # never seen
    worker.beat()
    assert worker.running()
    heartbeat = Schedule.objects.get(func=worker.HEARTBEAT)
    assert heartbeat.schedule_type == Schedule.MINUTES and heartbeat.repeats == -1
    heartbeat.next_run = timezone.now() - dt.timedelta(seconds=89)
    heartbeat.save()
    assert worker.running()  # the scheduler looks only every 30 seconds
    heartbeat.next_run = timezone.now() - dt.timedelta(minutes=2)
    heartbeat.save()
    assert not worker.running()


def test_a_run_page_lists_every_refused_row(as_admin: Client, sqlite_connector: Connector) -> None:
    sqlite_connector.query = "SELECT 'nope' AS kpi, '2026-03' AS period, 1 AS value"
    run = services.run(sqlite_connector)
    text = as_admin.get(f"/sources/erp/runs/{run.pk}/").content.decode()
    assert "1 row was refused, so nothing was written" in text
    assert "row 1: there is no KPI &#x27;nope&#x27;" in text


def make(n: int, runs: int) -> None:
    for i in range(n):
        c = Connector.objects.create(name=f"c{i}", url="sqlite:////x.db", query="SELECT 1")
        for _ in range(runs):
            ConnectorRun.objects.create(connector=c, status=ConnectorRun.Status.SUCCEEDED)


@pytest.mark.parametrize("n", [1, 8])
def test_the_list_takes_the_same_queries_however_many_connectors(
    as_admin: Client, small: None, n: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    make(n, 3)
    # session, user, roles, units, connectors with last run, the worker's heartbeat
    with django_assert_num_queries(6):
        assert as_admin.get("/sources/").status_code == 200


@pytest.mark.parametrize("runs", [1, 30])
def test_a_connector_page_takes_the_same_queries_however_many_runs(
    as_admin: Client, small: None, runs: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    make(1, runs)
    with django_assert_num_queries(8):  # + connector, count of runs, page of runs
        assert as_admin.get("/sources/c0/").status_code == 200
