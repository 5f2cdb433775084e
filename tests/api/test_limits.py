"""Numbers beyond 10^15 are refused on every channel, with the place and the reason."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from fourfold.accounts.access import Access
from fourfold.files import values
from fourfold.files.load import LoadError, load
from fourfold.measures.models import Measurement, Target

from .conftest import Api

CARD = """
organization: {name: Acme, fiscal_year_start: 1}
units:
  - code: big
    name: Big
    perspectives:
      - code: fin
        name: Financial
        objectives:
          - code: grow-big
            name: Grow
            kpis:
              - code: huge
                name: Huge
                targets: {2026-01: {target: %s}}
"""
TOO_BIG = "the target 10000000000000000 is out of range: at most 10^15 in magnitude"


def test_the_loader_names_the_line_of_a_target_beyond_the_limit(db: None) -> None:
    with pytest.raises(LoadError) as refused:
        load(CARD % "10000000000000000", actor=None, source_name="big.yaml")
    assert [str(p) for p in refused.value.problems] == [
        f"line 15, KPI huge, target 2026-01: {TOO_BIG}"
    ]
    assert not Target.objects.exists()


def test_the_importer_names_the_row_of_a_value_beyond_the_limit(db: None) -> None:
    load(CARD % "100", actor=None, source_name="big.yaml")
    rows = values.read_bytes(b"kpi,period,actual\nhuge,2026-01,5\nhuge,2026-02,-2e15\n", "v.csv")
    plan = values.plan(rows, access=Access.trusted())
    assert [str(p) for p in plan.problems] == [
        "row 3: the actual -2000000000000000 is out of range: at most 10^15 in magnitude"
    ]


def test_the_api_refuses_a_value_and_a_target_beyond_the_limit(editor: Api) -> None:
    answer = editor.post(
        "measurements/bulk", [{"kpi": "revenue", "period": "2026-05", "actual": 1e16}]
    )
    assert answer.status_code == 422
    detail = answer.json()["error"]["details"][0]
    assert (detail["index"], detail["field"]) == (0, "actual")
    assert "at most 10^15" in detail["reason"]
    target = editor.put("targets/revenue/2026-05", {"target": 1e16})
    assert target.status_code == 422 and "at most 10^15" in target.json()["error"]["message"]
    assert not Measurement.objects.filter(period="2026-05").exists()
    assert not Target.objects.filter(period="2026-05").exists()


# DESIGN's years: 1900 to 20 years after the current one, on every channel.
LAST = dt.date.today().year + 20
YEARS = f"years run from 1900 to {LAST}"


def test_the_loader_names_the_line_of_a_period_outside_designs_years(db: None) -> None:
    with pytest.raises(LoadError) as refused:
        load(CARD % "100}, 1899-12: {target: 100", actor=None, source_name="old.yaml")
    assert [str(p) for p in refused.value.problems] == [
        f"line 15, KPI huge, target 1899-12: the period 1899-12 is out of range: {YEARS}"
    ]
    assert not Target.objects.exists()


def test_the_importer_names_the_rows_of_periods_outside_designs_years(db: None) -> None:
    load(CARD % "100", actor=None, source_name="big.yaml")
    text = f"kpi,period,actual\nhuge,2026-02,5\nhuge,1000-01,1\nhuge,{LAST + 1}-01,2\n"
    plan = values.plan(values.read_bytes(text.encode(), "v.csv"), access=Access.trusted())
    assert [str(p) for p in plan.problems] == [
        f"row 3: the period 1000-01 is out of range: {YEARS}",
        f"row 4: the period {LAST + 1}-01 is out of range: {YEARS}",
    ]


def test_the_api_refuses_periods_outside_designs_years(editor: Api) -> None:
    for period in ("1000-01", "1899-12", f"{LAST + 1}-01", "9333-04"):
        answer = editor.post(
            "measurements/bulk", [{"kpi": "revenue", "period": period, "actual": 1}]
        )
        assert answer.status_code == 422, period
        assert answer.json()["error"]["details"][0]["field"] == "period"
    assert editor.put(f"targets/revenue/{LAST + 1}-01", {"target": 5}).status_code == 422
    ok = editor.post("measurements/bulk", [{"kpi": "revenue", "period": f"{LAST}-12", "actual": 1}])
    assert ok.status_code == 200, ok.content
    assert not Measurement.objects.filter(period__lt="1900").exists()
    assert not Measurement.objects.filter(period__gt=str(LAST + 1)).exists()


def test_the_api_description_says_which_periods_it_takes(editor: Api) -> None:
    """The OpenAPI pattern accepts exactly what the server does: DESIGN's years, and a year
    to date only after a month or a quarter."""
    spec = editor.get("openapi.json").json()
    pattern = re.compile(
        spec["components"]["schemas"]["MeasurementItem"]["properties"]["period"]["pattern"]
    )
    for key in ("1900-01", "2026-03", "2026-Q1", "2026", "2026-03-YTD", "fy2026-q2-ytd", f"{LAST}"):
        assert pattern.fullmatch(key), key
    for key in ("0999-01", "1899", f"{LAST + 1}-01", "2037-YTD", "9333-04", "2026-13"):
        assert not pattern.fullmatch(key), key
