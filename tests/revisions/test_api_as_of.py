"""`as_of=` on the API's reads: each endpoint answers as it stood, and a 404 for what did not
exist then says so in one sentence."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from fourfold.accounts.models import Role
from fourfold.measures.models import KPI
from fourfold.strategy.models import Unit
from tests.api.conftest import Api, api_for

from .past import load_both

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> Api:
    load_both()
    return api_for(User.objects.create_superuser("root", "root@acme.example", "x"))


def items(api: Api, path: str) -> list[dict[str, Any]]:
    answer = api.get(path)
    assert answer.status_code == 200, answer.content
    return answer.json()["items"]  # type: ignore[no-any-return]


def missing(api: Api, path: str) -> str:
    answer = api.get(path)
    assert answer.status_code == 404, answer.content
    return answer.json()["error"]["message"]  # type: ignore[no-any-return]


def test_units_as_they_stood(api: Api) -> None:
    assert [u["code"] for u in items(api, "units")] == ["acme", "ops"]
    assert [u["code"] for u in items(api, "units?as_of=before")] == ["acme"]
    assert api.get("units/acme?as_of=before").json()["name"] == "Acme Corp"
    assert missing(api, "units/ops?as_of=before") == (
        "As of before, there is no unit 'ops' that this token may see."
    )
    assert api.get("units/ops").status_code == 200


def test_scorecards_and_perspectives_as_they_stood(api: Api) -> None:
    assert [s["unit"] for s in items(api, "scorecards?as_of=before")] == ["acme"]
    assert missing(api, "scorecards/ops?as_of=before") == (
        "As of before, there is no unit 'ops' that this token may see."
    )
    assert [p["code"] for p in items(api, "perspectives?as_of=before")] == ["financial"]
    assert api.get("perspectives/acme/financial?as_of=before").status_code == 200


def test_objectives_and_links_as_they_stood(api: Api) -> None:
    then = {o["code"]: o["name"] for o in items(api, "objectives?as_of=before")}
    assert then == {"grow": "Grow"}
    assert api.get("objectives/grow?as_of=before").json()["name"] == "Grow"
    assert api.get("objectives/grow").json()["name"] == "Grow faster"
    assert missing(api, "objectives/keep?as_of=before") == (
        "As of before, there is no objective 'keep' that this token may see."
    )
    assert [(x["cause"], x["effect"]) for x in items(api, "links")] == [("grow", "keep")]
    assert items(api, "links?as_of=before") == []


def test_kpis_as_they_stood(api: Api) -> None:
    then = {k["code"]: (k["name"], k["weight"]) for k in items(api, "kpis?as_of=before")}
    assert then == {"a": ("A", 1.0), "b": ("B", 1.0)}
    assert api.get("kpis/a?as_of=before").json()["name"] == "A"
    now = api.get("kpis/a").json()
    assert (now["name"], now["weight"]) == ("A renamed", 5.0)
    assert missing(api, "kpis/c?as_of=before") == (
        "As of before, there is no KPI 'c' that this token may see."
    )


def test_targets_and_values_as_they_stood(api: Api) -> None:
    then = {(t["kpi"], t["period"]): t["target"] for t in items(api, "targets?as_of=before")}
    assert then[("a", "2026-01")] == 700
    assert api.get("targets/a/2026-01?as_of=before").json()["target"] == 700
    assert api.get("targets/a/2026-01").json()["target"] == 750
    values = {(m["kpi"], m["period"]) for m in items(api, "measurements?kpi=a&as_of=before")}
    assert values == {("a", "2026-01")}
    assert missing(api, "measurements/a/2026-02?as_of=before") == (
        "As of before, KPI a has no value for 2026-02 that this token may see."
    )
    assert api.get("measurements/a/2026-02").status_code == 200


def test_initiatives_their_milestones_and_progress_as_they_stood(api: Api) -> None:
    [then] = items(api, "initiatives?as_of=before")
    assert then["name"] == "Roll out the new CRM"
    assert then["budget"] == 250000
    assert [(m["name"], m["done"]) for m in then["milestones"]] == [
        ("Pilot live", None),
        ("All regions", None),
    ]
    now = api.get("initiatives/crm").json()
    assert len(now["milestones"]) == 3 and now["milestones"][0]["done"] == "2026-04-10"
    assert api.get("initiatives/crm?as_of=before").json()["milestones"][0]["done"] is None
    periods = [p["period"] for p in items(api, "initiatives/crm/progress?as_of=before")]
    assert periods == ["2026-01"]
    assert [p["period"] for p in items(api, "initiatives/crm/progress")] == ["2026-01", "2026-02"]


def test_a_wrong_moment_is_a_422_and_nothing_of_the_past_stays(api: Api) -> None:
    wrong = api.get("kpis?as_of=someday")
    assert wrong.status_code == 422
    assert wrong.json()["error"]["message"] == (
        "As_of 'someday' is neither a revision's name nor a date or time such as 2026-03-31."
    )
    items(api, "kpis?as_of=before")
    # The read put nothing back for good.
    assert KPI.objects.get(code="a").name == "A renamed"
    assert Unit.objects.filter(code="ops").exists()


def test_a_viewer_sees_the_past_of_the_units_they_may_see_only(api: Api) -> None:
    vic = User.objects.create_user("vic", "vic@acme.example", "x")
    Role.objects.create(user=vic, kind=Role.Kind.VIEWER, unit=Unit.objects.get(code="ops"))
    theirs = api_for(vic, scope="read")
    assert items(theirs, "kpis?as_of=before") == []
    assert theirs.get("kpis/a?as_of=before").status_code == 404


def test_the_openapi_description_documents_as_of(api: Api) -> None:
    schema = api.client.get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/units",
        "/api/v1/units/{code}",
        "/api/v1/objectives",
        "/api/v1/kpis",
        "/api/v1/kpis/{code}",
        "/api/v1/targets/{kpi}/{period}",
        "/api/v1/measurements",
        "/api/v1/initiatives",
        "/api/v1/initiatives/{code}",
        "/api/v1/links",
    ):
        operation = schema["paths"][path]["get"]
        names = [p["name"] for p in operation.get("parameters", [])]
        assert "as_of" in names, path
        assert "as it stood then" in operation["description"], path


def test_a_write_with_as_of_is_refused_and_writes_nothing(api: Api) -> None:
    answer = api.put("measurements/a/2026-02?as_of=before", {"actual": 1})
    assert answer.status_code == 422
    assert answer.json()["error"]["message"] == (
        "The past is read only: as_of is for reads, send the write without it."
    )
    assert answer.json()["error"]["details"][0]["field"] == "as_of"
    assert api.get("measurements/a/2026-02").json()["actual"] == 650


def test_a_read_that_cannot_answer_as_it_stood_says_so(api: Api) -> None:
    answer = api.get("reviews?as_of=before")
    assert answer.status_code == 422
    assert answer.json()["error"]["message"] == (
        "This read cannot answer as it stood: send it without as_of."
    )
    assert api.get("reviews").status_code == 200
    assert api.get("scores?unit=acme&period=2026-01&as_of=before").status_code == 200
