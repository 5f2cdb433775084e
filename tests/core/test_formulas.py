"""The formula language: parsing, its errors, the dependency graph and evaluation in bulk."""

from __future__ import annotations

import datetime as dt
import math
import operator
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fourfold.core import evaluate, formulas, scoring
from fourfold.core.formulas import FormulaError, leaves, parse, run, shape

NAN = math.nan


def evaluate_text(text: str, **values: float) -> tuple[float, bool]:
    """One formula on one column of scalars, leaves looked up by code (numbers as written)."""
    tree = parse(text)
    arrays = [
        np.array([[leaf.number if leaf.kind == "num" else values[leaf.code]]])
        for leaf in leaves(tree)
    ]
    value, zero = run(tree, arrays)
    return float(value[0, 0]), bool(zero[0, 0])


# -- reading -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 + 2 * 3", 7.0),
        ("(1 + 2) * 3", 9.0),
        ("8 / 4 / 2", 1.0),
        ("10 - 4 - 3", 3.0),
        ("-2 * -3", 6.0),
        ("--2", 2.0),
        ("2 × 3 ÷ 4 − 1", 0.5),
        ("1e3 + .5", 1000.5),
        ("3 > 2", 1.0),
        ("3 <= 2", 0.0),
        ("2 == 2", 1.0),
        ("2 != 2", 0.0),
        ("1 + 1 >= 2", 1.0),
        ("min(3, 1, 2) + max(3, 1, 2)", 4.0),
        ("abs(-4)", 4.0),
        ("round(2.5)", 3.0),
        ("round(-2.5)", -3.0),
        ("round(2.675, 2)", 2.68),
        ("round(1234, -2)", 1200.0),
        ("if(1 < 2, 10, 20)", 10.0),
        ("if(0, 10, 20)", 20.0),
    ],
)
def test_it_computes_numbers_with_the_usual_precedence(text: str, expected: float) -> None:
    assert evaluate_text(text)[0] == pytest.approx(expected)


def test_it_reads_a_dash_inside_a_name_as_part_of_the_code() -> None:
    assert [leaf.code for leaf in leaves(parse("gross-margin"))] == ["gross-margin"]
    assert [leaf.code for leaf in leaves(parse("gross - margin"))] == ["gross", "margin"]
    assert [leaf.code for leaf in leaves(parse("gross -margin"))] == ["gross", "margin"]
    assert [leaf.code for leaf in leaves(parse("north.orders_2"))] == ["north.orders_2"]


def test_it_reads_any_code_in_brackets() -> None:
    tree = parse("[2024-capex] + [north.orders]")
    assert [leaf.code for leaf in leaves(tree)] == ["2024-capex", "north.orders"]


def test_it_reads_the_functions_over_kpis() -> None:
    tree = parse("prev(revenue) + ytd([cost]) + sum_children(orders) - avg_children(nps)")
    assert [(leaf.kind, leaf.code) for leaf in leaves(tree)] == [
        ("prev", "revenue"),
        ("ytd", "cost"),
        ("sum_children", "orders"),
        ("avg_children", "nps"),
    ]


def test_a_kpi_may_be_named_like_a_function_when_not_called() -> None:
    tree = parse("min + max(min, 1)")
    assert [leaf.code for leaf in leaves(tree) if leaf.kind == "kpi"] == ["min", "min"]


def test_formulas_of_one_shape_share_it_whatever_their_codes_and_numbers() -> None:
    assert shape(parse("a / b * 100")) == shape(parse("[x-y] / z * 1000"))
    assert shape(parse("a / b * 100")) != shape(parse("a / (b * 100)"))


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        ("", 1, "the formula is empty"),
        ("   ", 1, "the formula is empty"),
        ("revenue +", 10, "expected a number, a KPI code or '(', found the end of the formula"),
        ("(revenue - cost", 16, "expected ')' to close the '(' at column 1"),
        ("revenue cost", 9, "expected an operator, found 'cost'"),
        ("2fa * 3", 1, "a code that starts with a digit is written in brackets: [2fa]"),
        ("a = b", 3, "unexpected character '=' (use '==' to compare)"),
        ("a % b", 3, "unexpected character '%'"),
        ("[a + b", 1, "'[' is not closed by ']'"),
        ("[a b] + 1", 1, "'a b' is not a KPI code"),
        ("sqrt(a)", 1, "unknown function 'sqrt'"),
        ("a-(b)", 1, "unknown function 'a-' (to subtract, put spaces around '-')"),
        ("min(a)", 1, "min() needs at least two arguments"),
        ("abs(a, b)", 1, "abs() takes one argument"),
        ("if(a, b)", 1, "if() takes three arguments"),
        ("round(a, b)", 10, "round()'s digits must be a whole number"),
        ("round(a, 1.5)", 10, "round()'s digits must be a whole number"),
        ("prev(2)", 6, "prev() takes a KPI code, found '2'"),
        ("ytd(a + b)", 7, "ytd() takes just a KPI code"),
        ("sum_children()", 14, "sum_children() takes a KPI name, found ')'"),
        ("a < b < c", 7, "comparisons do not chain"),
        ("1e999", 1, "the number 1e999 is too large"),
        ("(" * 200 + "1" + ")" * 200, 101, "the formula nests too deeply"),
    ],
)
def test_it_names_the_column_and_the_problem(text: str, column: int, message: str) -> None:
    with pytest.raises(FormulaError) as caught:
        parse(text)
    assert caught.value.column == column
    assert caught.value.message.startswith(message)
    assert str(caught.value).startswith(f"column {column}: ")


@given(st.text(max_size=60))
def test_it_reads_any_text_or_refuses_it_with_a_formula_error(text: str) -> None:
    try:
        tree = parse(text)
    except FormulaError as exc:
        assert 1 <= exc.column <= len(text) + 1
    else:
        assert leaves(tree) or tree.kind in formulas.LEAVES


# -- random formulas against a plain Python reference ---------------------------------------

CODES = ("a", "b-c", "d.e", "2f")
OPS: dict[str, Callable[[float, float], float]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
}


def _code(code: str) -> str:
    return f"[{code}]" if code[0].isdigit() else code


@st.composite
def expressions(draw: st.DrawFn, depth: int = 0) -> tuple[str, Callable[[dict[str, float]], float]]:
    """A formula's text and the function a person reading it would compute."""
    choices = ["num", "code"] + (["op", "div", "neg", "min", "abs", "if"] if depth < 4 else [])
    kind = draw(st.sampled_from(choices))
    if kind == "num":
        n = draw(st.integers(0, 50))
        return str(n), lambda env: float(n)
    if kind == "code":
        code = draw(st.sampled_from(CODES))
        return _code(code), lambda env: env[code]
    left_text, left = draw(expressions(depth + 1))
    if kind == "neg":
        return f"-({left_text})", lambda env: -left(env)
    if kind == "abs":
        return f"abs({left_text})", lambda env: abs(left(env))
    right_text, right = draw(expressions(depth + 1))
    if kind == "op":
        op = draw(st.sampled_from(sorted(OPS)))
        fn = OPS[op]
        return f"({left_text} {op} {right_text})", lambda env: fn(left(env), right(env))
    if kind == "div":
        return f"({left_text}) / ({right_text})", lambda env: _divide(left(env), right(env))
    if kind == "min":
        return f"min({left_text}, {right_text})", lambda env: _nan_min(left(env), right(env))
    return (
        f"if({left_text} > {right_text}, {left_text}, {right_text})",
        lambda env: _if(left(env), right(env)),
    )


def _divide(a: float, b: float) -> float:
    return NAN if b == 0 or math.isnan(a) or math.isnan(b) else a / b


def _nan_min(a: float, b: float) -> float:
    return NAN if math.isnan(a) or math.isnan(b) else min(a, b)


def _if(a: float, b: float) -> float:
    return NAN if math.isnan(a) or math.isnan(b) else (a if a > b else b)


values = st.one_of(st.just(NAN), st.integers(-20, 20).map(float))


@given(expressions(), st.lists(st.fixed_dictionaries(dict.fromkeys(CODES, values)), min_size=1))
def test_it_computes_whole_columns_as_a_person_would_one_cell_at_a_time(
    expression: tuple[str, Callable[[dict[str, float]], float]], cells: list[dict[str, float]]
) -> None:
    text, reference = expression
    tree = parse(text)
    arrays = [
        np.array([[leaf.number] if leaf.kind == "num" else [c[leaf.code] for c in cells]])
        for leaf in leaves(tree)
    ]
    got, _ = run(tree, arrays)
    got = np.broadcast_to(got, (1, len(cells)))
    for i, env in enumerate(cells):
        want = reference(env)
        want = want if math.isfinite(want) else NAN
        assert got[0, i] == pytest.approx(want, nan_ok=True, rel=1e-9, abs=1e-9), (text, env)


# -- missing values and division by zero ----------------------------------------------------


def test_a_missing_input_gives_no_value_and_no_flag() -> None:
    value, zero = evaluate_text("a + 1", a=NAN)
    assert math.isnan(value) and not zero
    value, zero = evaluate_text("a / b", a=NAN, b=0)
    assert math.isnan(value) and not zero


def test_a_division_by_zero_gives_no_value_and_a_flag() -> None:
    value, zero = evaluate_text("(a - b) / b * 100", a=5, b=0)
    assert math.isnan(value) and zero
    value, zero = evaluate_text("0 / b", b=0)
    assert math.isnan(value) and zero


def test_a_division_by_zero_in_the_branch_not_taken_is_not_flagged() -> None:
    assert evaluate_text("if(b == 0, 0, a / b)", a=5, b=0) == (0.0, False)
    value, zero = evaluate_text("if(b != 0, 0, a / b)", a=5, b=0)
    assert math.isnan(value) and zero


def test_a_comparison_with_a_missing_side_has_no_value() -> None:
    assert math.isnan(evaluate_text("a > 1", a=NAN)[0])
    assert math.isnan(evaluate_text("if(a > 1, 1, 2)", a=NAN)[0])


def test_an_overflow_gives_no_value_rather_than_infinity() -> None:
    assert math.isnan(evaluate_text("a * a", a=1e200)[0])


def test_it_shifts_columns_to_the_previous_period() -> None:
    got = formulas.shift(np.array([[1.0, 2.0, 3.0]]))
    assert np.array_equal(got, [[NAN, 1.0, 2.0]], equal_nan=True)


def test_it_sums_and_averages_children_strictly_once_they_have_started() -> None:
    values = np.array(
        [
            [NAN, 1.0, 2.0, NAN],  # a team that started in the second column, late in the last
            [4.0, 4.0, 4.0, 4.0],
            [NAN, NAN, NAN, NAN],  # a team that never reported
            [1.0, 3.0, NAN, 5.0],
        ]
    )
    owner = np.array([0, 0, 0, 1])
    got = formulas.children(values, owner, 3, "sum_children")
    assert np.array_equal(got[0], [4.0, 5.0, 6.0, NAN], equal_nan=True)
    assert np.array_equal(got[1], [1.0, 3.0, NAN, 5.0], equal_nan=True)
    assert np.isnan(got[2]).all()  # no child at all
    average = formulas.children(values, owner, 3, "avg_children")
    assert np.array_equal(average[0], [4.0, 2.5, 3.0, NAN], equal_nan=True)


# -- the dependency graph -------------------------------------------------------------------


def test_it_finds_a_cycle_and_names_it_as_a_path() -> None:
    graph = {"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"], "e": []}
    assert formulas.cycles(graph) == [["a", "b", "c", "a"]]


def test_it_finds_a_kpi_that_needs_itself() -> None:
    assert formulas.cycles({"a": ["a", "x"]}) == [["a", "a"]]


def test_it_finds_no_cycle_in_a_diamond() -> None:
    assert formulas.cycles({"a": ["b", "c"], "b": ["d"], "c": ["d"], "d": []}) == []


def test_it_orders_calculated_kpis_after_their_inputs() -> None:
    assert formulas.levels({0: [1, 2, 9], 1: [2], 2: [8], 3: []}) == {2: 0, 1: 1, 0: 2, 3: 0}


def test_it_refuses_to_order_a_cycle() -> None:
    with pytest.raises(formulas.CycleError, match="1 → 2 → 1"):
        formulas.levels({1: [2], 2: [1]})


@given(st.dictionaries(st.integers(0, 12), st.lists(st.integers(0, 12), max_size=3), max_size=12))
def test_every_kpi_comes_after_its_inputs_unless_they_form_a_cycle(
    graph: dict[int, list[int]],
) -> None:
    named = {str(k): [str(d) for d in v] for k, v in graph.items()}
    try:
        level = formulas.levels(graph)
    except formulas.CycleError:
        assert formulas.cycles(named)
        return
    assert not formulas.cycles(named)
    for node, deps in graph.items():
        for dep in deps:
            if dep in graph:
                assert level[dep] < level[node]


# -- in the evaluation of a whole scorecard -------------------------------------------------

MONTHLY, QUARTERLY = evaluate.MONTHLY, evaluate.QUARTERLY


def inputs(
    frequencies: list[int],
    aggregations: list[str],
    values: dict[tuple[int, int], float],
    calculated: list[evaluate.Calculated],
    objective: list[int] | None = None,
) -> evaluate.Inputs:
    """A one-unit scorecard, one objective, KPIs without targets over fiscal year 2026."""
    n = len(frequencies)
    ints = lambda v: np.array(v, dtype=np.int64)  # noqa: E731
    floats = lambda v: np.array(v, dtype=np.float64)  # noqa: E731
    keys = sorted(values)
    return evaluate.Inputs(
        fiscal_start=1,
        first_month="2026-01",
        n_years=1,
        today=dt.date(2027, 6, 1),
        schemes=[scoring.DEFAULT],
        kpi_frequency=ints(frequencies),
        kpi_aggregation=ints(
            [("sum", "average", "last", "min", "max").index(a) for a in aggregations]
        ),
        kpi_direction=ints([0] * n),
        kpi_scheme=ints([0] * n),
        kpi_tolerance=floats([NAN] * n),
        kpi_grace=ints([15] * n),
        kpi_weight=floats([1.0] * n),
        kpi_objective=ints(objective or [0] * n),
        value_kpi=ints([k for k, _ in keys]),
        value_slot=ints([s for _, s in keys]),
        value=floats([values[k] for k in keys]),
        target_kpi=ints([]),
        target_level=ints([]),
        target_slot=ints([]),
        target=floats([]),
        red_flag=floats([]),
        low=floats([]),
        high=floats([]),
        obj_depth=ints([0]),
        obj_perspective=ints([0]),
        align_child=ints([]),
        align_parent=ints([]),
        align_weight=floats([]),
        obj_weight=floats([1.0]),
        obj_rollup=ints([0]),
        obj_scheme=ints([0]),
        persp_scorecard=ints([0]),
        persp_weight=floats([1.0]),
        persp_rollup=ints([0]),
        persp_scheme=ints([0]),
        card_rollup=ints([0]),
        card_scheme=ints([0]),
        calculated=calculated,
    )


def bind(kpi: int, text: str, rows: dict[str, Any]) -> evaluate.Calculated:
    tree = parse(text)
    bound = [leaf.number if leaf.kind == "num" else rows[leaf.code] for leaf in leaves(tree)]
    return evaluate.Calculated(kpi, tree, bound)


REVENUE = {(0, 0): 100.0, (0, 1): 300.0, (0, 2): 100.0, (0, 3): 0.0}
COST = {(1, 0): 50.0, (1, 1): 270.0, (1, 2): 100.0, (1, 3): 0.0}


def margin_inputs() -> evaluate.Inputs:
    return inputs(
        [MONTHLY] * 3,
        ["sum", "sum", "average"],
        REVENUE | COST,
        [bind(2, "(revenue - cost) / revenue * 100", {"revenue": 0, "cost": 1})],
    )


def test_a_calculated_kpi_is_computed_per_month() -> None:
    month = evaluate.evaluate(margin_inputs()).views["month"]
    assert month.actual[2, :3].tolist() == [50.0, 10.0, 0.0]


def test_a_coarser_period_takes_the_formula_of_the_aggregated_inputs() -> None:
    views = evaluate.evaluate(margin_inputs()).views
    assert views["quarter"].actual[2, 0] == pytest.approx(16.0)  # not the mean 20 %
    assert views["ytd"].actual[2, 2] == pytest.approx(16.0)
    assert views["year"].actual[2, 0] == pytest.approx(16.0)


def test_a_calculated_kpi_is_worked_out_in_decimal_so_it_lands_on_its_target() -> None:
    # In binary, (100 - 43) / 100 * 100 is 56.99999999999999: a margin that misses 57 %.
    inp = inputs(
        [MONTHLY] * 3,
        ["sum", "sum", "average"],
        {(0, 0): 100.0, (1, 0): 43.0, (0, 1): 0.1, (1, 1): 0.0},
        [bind(2, "(revenue - cost) / revenue * 100", {"revenue": 0, "cost": 1})],
    )
    month = evaluate.evaluate(inp).views["month"]
    assert month.actual[2, :2].tolist() == [57.0, 100.0]


def test_a_division_by_zero_is_flagged_per_kpi_and_period_but_not_overdue() -> None:
    views = evaluate.evaluate(margin_inputs()).views
    month = views["month"]
    assert np.isnan(month.actual[2, 3])
    assert month.quality[2].tolist() == [0, 0, 0, evaluate.DIVISION_BY_ZERO] + [0] * 8
    assert month.overdue[2, 3] == 0 and month.overdue[2, 4] == 1
    assert views["quarter"].quality[2].tolist() == [0, evaluate.DIVISION_BY_ZERO, 0, 0]
    assert evaluate.QUALITY[evaluate.DIVISION_BY_ZERO] == "division by zero"


def test_a_calculated_kpi_may_use_another_in_any_order() -> None:
    inp = inputs(
        [MONTHLY] * 4,
        ["sum", "sum", "sum", "average"],
        REVENUE | COST,
        [
            bind(3, "profit / revenue * 100", {"profit": 2, "revenue": 0}),
            bind(2, "revenue - cost", {"revenue": 0, "cost": 1}),
        ],
    )
    quarter = evaluate.evaluate(inp).views["quarter"]
    assert quarter.actual[2, 0] == 80.0
    assert quarter.actual[3, 0] == pytest.approx(16.0)


def test_a_quarterly_formula_aggregates_its_monthly_inputs_first() -> None:
    inp = inputs(
        [MONTHLY, MONTHLY, QUARTERLY],
        ["sum", "sum", "last"],
        REVENUE | COST,
        [bind(2, "cost / revenue", {"revenue": 0, "cost": 1})],
    )
    views = evaluate.evaluate(inp).views
    assert views["quarter"].actual[2, 0] == pytest.approx(420 / 500)
    assert np.isnan(views["month"].actual[2]).all()  # a quarterly KPI has no months


def test_prev_and_ytd_read_the_previous_period_and_the_year_so_far() -> None:
    inp = inputs(
        [MONTHLY] * 3,
        ["sum", "last", "last"],
        REVENUE,
        [bind(1, "prev(revenue)", {"revenue": 0}), bind(2, "ytd(revenue)", {"revenue": 0})],
    )
    views = evaluate.evaluate(inp).views
    assert views["month"].actual[1, :4].tolist()[1:] == [100.0, 300.0, 100.0]
    assert views["month"].actual[2, :4].tolist() == [100.0, 400.0, 500.0, 500.0]
    assert views["quarter"].actual[1, 1] == 500.0  # the previous quarter
    assert views["quarter"].actual[2, :2].tolist() == [500.0, 500.0]


def test_an_input_that_is_not_loaded_gives_no_value() -> None:
    inp = inputs(
        [MONTHLY] * 2, ["sum", "sum"], REVENUE, [bind(1, "revenue + x", {"revenue": 0, "x": -1})]
    )
    assert np.isnan(evaluate.evaluate(inp).views["month"].actual[1]).all()


def test_kpis_in_a_cycle_get_no_value_rather_than_an_error() -> None:
    inp = inputs(
        [MONTHLY] * 3,
        ["sum"] * 3,
        REVENUE,
        [bind(1, "x + 1", {"x": 2}), bind(2, "x + 1", {"x": 1})],
    )
    month = evaluate.evaluate(inp).views["month"]
    assert np.isnan(month.actual[1:]).all() and month.actual[0, 0] == 100.0


def test_a_roll_up_sums_the_rows_of_the_child_kpis() -> None:
    inp = inputs(
        [MONTHLY] * 3,
        ["sum"] * 3,
        {(1, 0): 5.0, (2, 0): 7.0, (1, 1): 6.0, (2, 1): 1.0},
        [bind(0, "sum_children(orders)", {"orders": [1, 2]})],
    )
    assert evaluate.evaluate(inp).views["quarter"].actual[0, 0] == 19.0


def test_an_input_from_outside_is_computed_but_not_rolled_up() -> None:
    inp = inputs(
        [MONTHLY] * 2,
        ["sum"] * 2,
        REVENUE,
        [bind(1, "revenue * 2", {"revenue": 0})],
        objective=[-1, 0],
    )
    result = evaluate.evaluate(inp)
    month = result.views["month"]
    assert month.actual[1, 0] == 200.0
    objective = result.offsets["objective"]
    assert month.expected[objective, 0] == 1  # the calculated KPI only, not its hidden input


def test_without_formulas_no_value_is_flagged() -> None:
    inp = inputs([MONTHLY], ["sum"], {(0, 0): 1.0}, [])
    for view in evaluate.evaluate(inp).views.values():
        assert view.quality.shape == view.actual.shape and not view.quality.any()
