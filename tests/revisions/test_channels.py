"""Every channel records who and why, and takes `effective_from`: the API and the design form."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from fourfold.accounts.models import Role
from fourfold.files.load import load
from fourfold.measures.models import KPI
from fourfold.revisions import named
from fourfold.revisions.models import Version
from fourfold.scoring import engine, readout
from fourfold.strategy.models import Unit
from tests.api.conftest import api_for

from .scorecards import card

pytestmark = pytest.mark.django_db


def objective(period: str, **kw: object) -> float | None:
    scores = engine.compute(**kw)  # type: ignore[arg-type]
    rows = {(r["kind"], r["code"]): r for r in readout.unit_rows(scores, "acme", period)}
    return rows[("objective", "grow")]["score"]  # type: ignore[no-any-return]


@pytest.fixture
def eve() -> User:
    load(card(), actor=None, source_name="v1.yaml")
    user = User.objects.create_user("eve", "eve@acme.example", "x")
    Role.objects.create(user=user, kind=Role.Kind.EDITOR, unit=Unit.objects.get(code="acme"))
    return user


def test_an_api_change_effective_from_a_period_keeps_the_earlier_ones(eve: User) -> None:
    api = api_for(eve)
    answer = api.patch("kpis/a", {"weight": 5, "effective_from": "2026-02"})
    assert answer.status_code == 200, answer.content
    assert objective("2026-01") == 6.67
    assert objective("2026-02") == 5.56
    kept = Version.objects.filter(kind="kpi", superseded_at__isnull=True, changed=["weight"])
    [version] = kept
    assert (version.actor, version.effective_from) == (eve, "2026-02")
    assert version.reason == "KPI a changed through the API token 'pipeline': weight."
    wrong = api.patch("kpis/a", {"weight": 4, "effective_from": "2026-13"})
    assert wrong.status_code == 422
    assert "effective_from" in wrong.json()["error"]["details"][0]["field"]


def test_the_design_form_takes_the_period_a_change_applies_from(client: Client, eve: User) -> None:
    client.force_login(eve)
    kpi = KPI.objects.get(code="a")
    named.save("before", actor=eve)
    form = client.get(f"/units/acme/design/kpis/{kpi.pk}/")
    assert form.status_code == 200 and 'name="effective_from"' in form.content.decode()
    data = {
        "code": "a", "name": "A", "objective": str(kpi.objective_id), "description": "",
        "formula": "", "unit": "", "direction": "increase", "frequency": "monthly",
        "aggregation": "sum", "scheme": "default", "weight": "5", "kind": "", "owner": "",
        "contributor": "", "grace_days": "15", "tolerance": "", "effective_from": "2026-02",
    }  # fmt: skip
    saved = client.post(f"/units/acme/design/kpis/{kpi.pk}/", data)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert objective("2026-01") == 6.67 and objective("2026-02") == 5.56
    assert objective("2026-02", as_of=named.resolve("before")[1]) == 6.67
    version = Version.objects.get(kind="kpi", object_id=kpi.pk, superseded_at__isnull=True)
    assert (version.actor, version.reason) == (eve, "Changed KPI a")
