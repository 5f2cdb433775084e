"""The Django admin lists every model, shows history without editing it; migrations match."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.db.models import Model
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fourfold.audit.models import AuditEntry, record
from fourfold.demo.install import DEMO_FILE
from fourfold.files.load import load
from fourfold.intake.models import PendingValue
from fourfold.measures.models import (
    KPI,
    Measurement,
    MeasurementVersion,
    Source,
    Target,
    TargetVersion,
)
from fourfold.measures.services import TargetEntry, ValueEntry, record_values, set_targets
from fourfold.strategy.models import Unit
from tests.web import cards

pytestmark = pytest.mark.django_db


def test_there_are_no_pending_migrations() -> None:
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)


def test_every_fourfold_model_is_in_the_admin() -> None:
    from django.apps import apps

    ours = [m for m in apps.get_models() if m.__module__.startswith("fourfold.")]
    assert ours
    missing = [m.__name__ for m in ours if m not in admin.site._registry]
    assert missing == []


def test_every_admin_list_opens_on_the_demo_data(client: Client) -> None:
    load(DEMO_FILE.read_text(), actor=None, source_name="northwind.yaml")
    user = User.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(user)
    for model in admin.site._registry:
        if not model.__module__.startswith("fourfold."):
            continue
        meta = model._meta
        response = client.get(f"/admin/{meta.app_label}/{meta.model_name}/")
        assert response.status_code == 200, meta.label


def test_the_admin_refuses_an_anonymous_visitor(client: Client) -> None:
    response = client.get("/admin/measures/kpi/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# Values, targets, their versions, pending values and the audit trail -------------------------
# They change only through Fourfold's services, which keep their history: the admin shows them.

READ_ONLY = [Measurement, MeasurementVersion, Target, TargetVersion, PendingValue, AuditEntry]


@pytest.fixture
def root(client: Client) -> User:
    """The small scorecard with a corrected value and target, a held value and an audit entry."""
    cards.load_small()
    user = User.objects.create_superuser("root", "root@example.com", "pw")
    revenue = KPI.objects.get(code="revenue")
    record_values(
        [ValueEntry(revenue.pk, "2026-02", 650)], actor=user, source=Source.MANUAL, reason="late"
    )
    set_targets(
        [TargetEntry(revenue.pk, "2026-02", (750, 500, None, None, None, None))],
        actor=user,
        source=Source.MANUAL,
        reason="budget revised",
    )
    PendingValue.objects.create(kpi=revenue, period="2026-03", value=720, entered_by=user)
    record(user, "kpi.update", "Changed KPI revenue")
    client.force_login(user)
    return user


def url(model: type[Model], *parts: object) -> str:
    meta = model._meta
    return "/".join([f"/admin/{meta.app_label}/{meta.model_name}", *map(str, parts), ""])


def snapshot(model: type[Model]) -> list[dict[str, Any]]:
    return list(model._default_manager.order_by("pk").values())


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda m: m.__name__)
def test_it_lists_and_shows_them_with_nothing_to_save(
    client: Client, root: User, model: type[Model]
) -> None:
    listing = client.get(url(model))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert url(model, "add") not in html and "delete_selected" not in html
    row = model._default_manager.order_by("pk").first()
    assert row is not None
    detail = client.get(url(model, row.pk, "change"))
    assert detail.status_code == 200
    page = detail.content.decode()
    assert 'name="_save"' not in page and url(model, row.pk, "delete") not in page


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda m: m.__name__)
def test_it_refuses_to_add_one(client: Client, root: User, model: type[Model]) -> None:
    before = snapshot(model)
    assert client.get(url(model, "add")).status_code == 403
    assert client.post(url(model, "add"), {"period": "2026-04", "value": "1"}).status_code == 403
    assert snapshot(model) == before


def test_it_refuses_a_changed_value_or_target_and_changes_nothing(
    client: Client, root: User
) -> None:
    for model, field in [(Measurement, "value"), (Target, "target"), (PendingValue, "value")]:
        before = snapshot(model)
        row: Any = model._default_manager.get(
            kpi__code="revenue", period__in=["2026-02", "2026-03"]
        )
        data = {"kpi": row.kpi_id, "period": row.period, field: "999", "_save": "Save"}
        assert client.post(url(model, row.pk, "change"), data).status_code == 403
        assert snapshot(model) == before, model.__name__


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda m: m.__name__)
def test_it_refuses_to_delete_one_or_many(client: Client, root: User, model: type[Model]) -> None:
    before = snapshot(model)
    pks = [row["id"] for row in before]
    assert client.get(url(model, pks[0], "delete")).status_code == 403
    assert client.post(url(model, pks[0], "delete"), {"post": "yes"}).status_code == 403
    bulk = {"action": "delete_selected", "_selected_action": pks, "post": "yes"}
    client.post(url(model), bulk)
    assert snapshot(model) == before


def test_the_admin_index_offers_no_add_link_for_them(client: Client, root: User) -> None:
    html = client.get("/admin/").content.decode()
    for model in READ_ONLY:
        assert url(model) in html and url(model, "add") not in html, model.__name__
    assert url(KPI, "add") in html


def test_their_lists_filter_by_unit_source_and_action(client: Client, root: User) -> None:
    unit = str(Unit.objects.get(code="acme").pk)
    path = "kpi__objective__perspective__scorecard__unit__id__exact"
    values = client.get(url(Measurement), {path: unit, "source__exact": "manual"})
    assert values.status_code == 200
    assert values.context["cl"].result_count == 1
    old = client.get(url(TargetVersion), {path: unit}).content.decode()
    assert "budget revised" in old and "acme" in old
    audit = client.get(url(AuditEntry), {"action": "kpi.update"})
    assert audit.context["cl"].result_count == 1
    assert ">KPI changed</a>" in audit.content.decode()  # the filter, by its label


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda m: m.__name__)
def test_their_lists_take_as_many_queries_for_many_rows_as_for_few(
    client: Client, root: User, model: type[Model]
) -> None:
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(model)).status_code == 200
    rows = model._default_manager.count()
    more = User.objects.create_user("eve")
    kpis = list(KPI.objects.values_list("pk", flat=True))
    # January has values and targets of three KPIs: each is replaced, one more version each;
    # March has none yet.
    for period in ("2026-01", "2026-03"):
        entries = [ValueEntry(k, period, 7.0) for k in kpis]
        record_values(entries, actor=more, source=Source.API)
        set_targets(
            [TargetEntry(k, period, (8.0, 6.0, None, None, None, None)) for k in kpis],
            actor=more,
            source=Source.API,
            reason="more",
        )
    for k in kpis:
        PendingValue.objects.create(kpi_id=k, period="2026-04", value=1, entered_by=more)
        record(more, "kpi.update", f"Changed KPI {k}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url(model)).status_code == 200
    assert model._default_manager.count() >= rows + 3
    assert len(many) == len(few)
