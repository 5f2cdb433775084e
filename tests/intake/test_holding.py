"""Holding values for approval: nothing held twice, nothing held that is already recorded,
and a decision on a value whose KPI changed since is one sentence."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from fourfold.accounts.access import Access
from fourfold.accounts.models import Role
from fourfold.api.models import ApiToken
from fourfold.files import values
from fourfold.files.load import load
from fourfold.intake import services
from fourfold.intake.models import PendingValue
from fourfold.measures import intake
from fourfold.measures.models import KPI, Measurement
from fourfold.measures.services import ValueEntry
from fourfold.strategy.models import Unit
from tests.web import cards

pytestmark = pytest.mark.django_db


def test_loading_the_same_file_again_holds_nothing(db: None) -> None:
    text = cards.SMALL.replace(
        "name: Revenue\n", "name: Revenue\n                owner: olga@acme.example\n", 1
    )
    load(text, actor=None, source_name="small.yaml")
    kpi = KPI.objects.get(code="revenue")
    services.set_approval(kpi, True, actor=kpi.owner)
    result = load(text, actor=None, source_name="small.yaml")  # nobody: not the owner
    assert result.nothing_changed
    assert not PendingValue.objects.exists()
    changed = text.replace(
        "values: {2026-01: 1234567.891, 2026-02: 600}", "values: {2026-02: 650}", 1
    )
    assert "values waiting for approval" in load(changed, actor=None, source_name="b.yaml").created
    assert load(changed, actor=None, source_name="b.yaml").nothing_changed


def test_importing_again_after_approval_holds_nothing(people: tuple[User, User, KPI]) -> None:
    olga, carol, kpi = people
    rows = values.read_bytes(b"kpi,period,actual\nrevenue,2026-03,750\n", "v.csv")
    plan = values.plan(rows, access=Access.of(carol))
    first = values.commit(plan, actor=carol, channel="upload", source_name="v.csv")
    services.approve(first.values.held[0].pk, approver=olga)
    plan = values.plan(rows, access=Access.of(carol))
    again = values.commit(plan, actor=carol, channel="upload", source_name="v.csv")
    assert again.values.waits == [] and again.values.written.unchanged == 1
    assert PendingValue.objects.filter(status="pending").count() == 0


def test_the_api_says_202_each_time_the_same_value_still_waits(
    people: tuple[User, User, KPI], client: Client
) -> None:
    _, carol, _ = people
    secret = ApiToken.issue(carol, "pipeline", "write")[1]
    headers = {"Authorization": f"Bearer {secret}"}
    for _ in range(2):
        answer = client.put(
            "/api/v1/measurements/revenue/2026-03",
            {"actual": 720},
            content_type="application/json",
            headers=headers,
        )
        assert answer.status_code == 202, answer.content
        assert answer.json()["status"] == "waiting for approval"
    assert PendingValue.objects.filter(status="pending").count() == 1
    assert not Measurement.objects.filter(kpi__code="revenue", period="2026-03").exists()


@pytest.mark.parametrize("change", ["archived", "calculated"])
def test_a_value_whose_kpi_changed_since_cannot_be_approved_and_says_why(
    people: tuple[User, User, KPI], change: str
) -> None:
    olga, carol, kpi = people
    held = intake.submit_values(
        [ValueEntry(kpi.pk, "2026-03", 9)], actor=carol, access=Access.of(carol), channel="grid"
    ).held
    update: dict[str, Any] = {"archived": True} if change == "archived" else {"formula": "1"}
    KPI.objects.filter(pk=kpi.pk).update(**update)
    with pytest.raises(services.DecisionError, match="can no longer be recorded"):
        services.approve(held[0].pk, approver=olga)
    assert not Measurement.objects.filter(kpi=kpi, period="2026-03").exists()


def test_an_upload_tells_someone_who_may_not_see_a_kpi_nothing_of_it(db: None) -> None:
    cards.load_small()
    sales = User.objects.create_user("sven")  # an editor of the child unit only
    Role.objects.create(user=sales, kind=Role.Kind.EDITOR, unit=Unit.objects.get(code="sales"))
    hidden_and_unknown = [
        b"kpi,period,actual,target\nrevenue,2026-01,,800\nnosuch,2026-01,,800\n",
        b"kpi,period,actual\nrevenue,2026-13,1\nnosuch,2026-13,1\n",
        b"kpi,period,actual\nrevenue,2026-03,abc\nnosuch,2026-03,abc\n",
        b"kpi,2026-01\nrevenue,5\nnosuch,5\n",
    ]
    for text in hidden_and_unknown:
        plan = values.plan(values.read_bytes(text, "v.csv"), access=Access.of(sales))
        said = [p.message for p in plan.problems]
        assert said == ["there is no KPI 'revenue'", "there is no KPI 'nosuch'"], text


def test_the_signal_names_only_what_changed(
    people: tuple[User, User, KPI], django_capture_on_commit_callbacks: Any
) -> None:
    olga, _, kpi = people
    complaints = KPI.objects.get(code="complaints")
    heard: list[intake.Changed] = []

    def listen(sender: Any, changed: intake.Changed, **kwargs: Any) -> None:
        heard.append(changed)

    intake.values_changed.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            entries = [
                ValueEntry(kpi.pk, "2026-02", 600),  # as recorded: unchanged
                ValueEntry(complaints.pk, "2026-03", 90),
            ]
            intake.submit_values(entries, actor=olga, access=Access.trusted(olga), channel="grid")
    finally:
        intake.values_changed.disconnect(listen)
    assert [c.pairs for c in heard] == [{(complaints.pk, "2026-03")}]
