"""Numbers beyond 10^15 are refused on every channel, with the place and the reason."""

from __future__ import annotations

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
