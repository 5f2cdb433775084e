"""Scores brought up to date KPI by KPI equal scores computed afresh, after any edits."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fourfold.files.load import load
from fourfold.measures.models import KPI, Measurement, Target
from fourfold.measures.services import TargetEntry, ValueEntry, record_values, set_targets
from fourfold.scoring import engine, incremental
from tests.web import cards

TODAY = dt.date(2026, 3, 15)
# Months and quarters of the grid (2026), and one of a year without data (2024: a new grid).
PERIODS = ("2026-01", "2026-02", "2026-03", "2026-04", "2026-Q1", "2026-Q2", "2026", "2024-05")


def organization() -> None:
    load(organization_text(), actor=None, source_name="incremental.yaml")


def organization_text() -> str:
    """A top unit and two children: the children's objectives roll into the top's, the top
    sums the children's sales, a child halves a KPI of the top, and one KPI is quarterly."""
    text = cards.HEADER + cards.unit("top", "Top", None, 1, 2, 2)
    text = text.replace(
        "              - code: top-k001\n",
        "              - code: top-total\n"
        "                name: Total of the children\n"
        "                formula: sum_children(sales)\n"
        "              - code: top-k001\n",
    )
    text = text.replace(
        "          - code: top-o01\n            name: Objective 0.1\n",
        "          - code: top-o01\n            name: Objective 0.1\n            rollup: worst\n",
    )
    for c in range(2):
        unit = cards.unit(f"child{c}", f"Child {c}", "top", 1, 1, 1)
        unit = unit.replace(
            "            name: Objective 0.0\n",
            "            name: Objective 0.0\n"
            "            aligned_to:\n"
            f"              - {{objective: top-o00, contributes: true, weight: {c + 1}}}\n",
        )
        text += unit
        text += cards.kpi(f"child{c}.sales", name="Sales")
        text += (
            f"              - code: child{c}-half\n"
            "                name: Half the top's first KPI\n"
            "                formula: top-k000 / 2\n"
        )
        text += cards.kpi(
            f"child{c}-quarterly",
            frequency="quarterly",
            targets="{2026-Q1: {target: 100}}",
            values="{2026-Q1: 90}",
        )
    return text


def cells(inputs: Any) -> tuple[np.ndarray, np.ndarray]:
    """The value and target cells of the inputs, in one order whatever order they came in."""
    values = np.stack([inputs.value_kpi, inputs.value_slot, inputs.value])
    names = ("target_kpi", "target_level", "target_slot", "target", "red_flag", "low", "high")
    targets = np.stack([getattr(inputs, n) for n in names])
    return (
        values[:, np.lexsort(values[::-1])],
        targets[:, np.lexsort(targets[:3][::-1])],
    )


def assert_same(got: engine.Scores, want: engine.Scores) -> None:
    assert got.index == want.index
    assert got.inputs.year_starts == want.inputs.year_starts
    for have, wanted in zip(cells(got.inputs), cells(want.inputs), strict=True):
        np.testing.assert_array_equal(have, wanted)
    assert got.result.views.keys() == want.result.views.keys()
    for name, view in want.result.views.items():
        mine = got.result.views[name]
        assert mine.keys == view.keys
        for field in ("actual", "target", "red_flag", "low", "high", "score", "status"):
            np.testing.assert_array_equal(getattr(mine, field), getattr(view, field), err_msg=name)
        for field in ("expected", "reported", "overdue", "quality", "at_best"):
            np.testing.assert_array_equal(getattr(mine, field), getattr(view, field), err_msg=name)


Edit = tuple[int, str, str, float]
edits = st.lists(
    st.tuples(
        st.integers(0, 99),  # which KPI (modulo their number)
        st.sampled_from(PERIODS),
        st.sampled_from(["value", "target", "delete value", "delete target"]),
        st.sampled_from([0.0, 50.0, 99.5, 600.0, 1e6]),
    ),
    min_size=1,
    max_size=6,
)


def apply(kpis: list[Any], batch: list[Edit]) -> tuple[set[int], set[tuple[int, str]] | None]:
    """The KPIs changed, and the (KPI, period) written when nothing was deleted."""
    changed = set()
    keys: set[tuple[int, str]] | None = set()
    for which, period, what, number in batch:
        kpi = kpis[which % len(kpis)]
        changed.add(kpi.pk)
        if keys is not None:
            keys.add((kpi.pk, period))
        if what == "value":
            record_values([ValueEntry(kpi.pk, period, number)], actor=None, source="manual")
        elif what == "target":
            entry = TargetEntry(kpi.pk, period, (number, number / 2, None, None, None, None))
            set_targets([entry], actor=None, source="manual")
        elif what == "delete value":
            Measurement.objects.filter(kpi=kpi, period=period).delete()
            keys = None
        else:
            Target.objects.filter(kpi=kpi, period=period).delete()
            keys = None
    return changed, keys


@pytest.mark.django_db
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batches=st.lists(edits, min_size=1, max_size=3))
def test_scores_updated_kpi_by_kpi_equal_scores_computed_afresh(
    monkeypatch: pytest.MonkeyPatch, batches: list[list[Edit]]
) -> None:
    if not KPI.objects.exists():
        organization()
    kpis = list(KPI.objects.filter(formula="").order_by("code"))
    # However many of the few KPIs change: re-scored KPI by KPI, or all from the kept inputs.
    for unit, most in ((None, 1.0), ("child0", 0.0)):
        monkeypatch.setattr(incremental, "MOST", most)
        scores = engine.compute(today=TODAY, unit=unit)
        for batch in batches:
            changed, keys = apply(kpis, batch)
            fresh = engine.compute(today=TODAY, unit=unit)
            by_key = mine = None
            if keys is not None:  # only some periods read again: the rest kept
                by_key = incremental.update(scores, changed, keys=keys)
                # As scores no request reads are updated: where they are (on a copy here).
                mine = incremental.update(copy.deepcopy(scores), changed, keys=keys, in_place=True)
            updated = incremental.update(scores, changed)
            if updated is None:  # a new year of data: the grid changed
                assert fresh.inputs.year_starts != scores.inputs.year_starts
                assert by_key is None and mine is None
                updated = fresh
            elif keys is not None:
                assert by_key is not None and mine is not None
                assert_same(by_key, fresh)
                assert_same(mine, fresh)
            assert_same(updated, fresh)
            scores = updated


@pytest.mark.django_db
def test_a_value_entered_re_scores_only_its_kpi_and_the_nodes_above() -> None:
    organization()
    scores = engine.compute(today=TODAY)
    kpi = KPI.objects.get(code="child0.sales")
    record_values([ValueEntry(kpi.pk, "2026-02", 777.0)], actor=None, source="manual")
    updated = incremental.update(scores, {kpi.pk})
    assert updated is not None
    assert_same(updated, engine.compute(today=TODAY))
    assert actual(updated, kpi.pk, "2026-02") == 777.0
    # The earlier scores are as they were: other requests may still be reading them.
    assert actual(scores, kpi.pk, "2026-02") == 600.0


def actual(scores: engine.Scores, kpi_id: int, period: str) -> float:
    assert scores.basis is not None
    view, column = scores.locate(period) or ("", -1)
    return float(scores.result.views[view].actual[scores.basis.kpi_table[kpi_id], column])
