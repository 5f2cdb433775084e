"""Values and targets in CSV or XLSX, all rows or none: read → plan → (preview) → commit.

Reading is `sheets`; here the cells are parsed (KPI codes, periods, numbers: what only a file
can get wrong), then checked by the intake service's rules, which every channel shares, and
written through it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import numpy.typing as npt
from django.db import transaction

from fourfold.accounts.access import Access
from fourfold.core import periods
from fourfold.core.entries import TARGET_FIELDS, KpiFacts, Problem, scheme_problem
from fourfold.measures import intake
from fourfold.measures.models import Measurement, Target
from fourfold.measures.services import TargetEntry, ValueEntry, WriteCount
from fourfold.memory import gc_paused
from fourfold.strategy.models import Organization

from .decimals import POINT, Decimals, decide
from .limits import ImportFileError
from .sheets import (
    FIELDS,
    IGNORE,
    OPTIONAL,
    REQUIRED,
    SERIES,
    Cell,
    CellColumns,
    RowProblem,
    Rows,
    UnknownColumns,
    _name,
    _period_text,
    number,
    parse_mapping,
    read,
    read_bytes,
)

__all__ = [
    "FIELDS",
    "IGNORE",
    "OPTIONAL",
    "REQUIRED",
    "SERIES",
    "Cell",
    "Committed",
    "ImportFileError",
    "Plan",
    "RowProblem",
    "Rows",
    "UnknownColumns",
    "_name",
    "commit",
    "number",
    "parse_mapping",
    "plan",
    "read",
    "read_bytes",
]

# KPIs per query when reading the comments already written (SQLite allows 32,766 parameters).
COMMENT_CHUNK = 10_000


@dataclass
class Plan:
    values: list[ValueEntry] = field(default_factory=list)
    targets: list[TargetEntry] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    kpis: dict[int, KpiFacts] = field(default_factory=dict)
    # Who the plan was checked for: commit writes it for them alone.
    access: Access | None = None
    # The file's decimal mark, as the preview says.
    decimals: Decimals = field(default_factory=Decimals)

    def summary(self) -> str:
        return f"{len(self.values)} values and {len(self.targets)} targets."


@dataclass
class _Parsed:
    """The cells read as KPIs, periods and numbers; rows are indexes into `rows.cells`."""

    problems: list[RowProblem] = field(default_factory=list)
    value_rows: list[int] = field(default_factory=list)
    value_kpis: list[int] = field(default_factory=list)
    value_periods: list[str] = field(default_factory=list)
    value_numbers: list[float] = field(default_factory=list)
    value_comments: list[str] | None = None  # None: the file has no comment column
    target_rows: list[int] = field(default_factory=list)
    target_kpis: list[int] = field(default_factory=list)
    target_periods: list[str] = field(default_factory=list)
    target_numbers: list[tuple[float, float | None]] = field(default_factory=list)


def plan(rows: Rows, *, access: Access) -> Plan:
    """Check every row; what would be written is in the plan only if no row is wrong.

    The cells are parsed column by column (each KPI code and period text once); only when some
    cell is wrong, or unusual, are they gone through one by one to word every problem. Then
    the intake's rules, the same for every channel, check what the parsed rows would write.
    """
    # A KPI this user may not see is, to the file's checks, no KPI at all.
    facts = {c: f for c, f in intake.all_kpi_facts().items() if access.can_view(f.unit_id)}
    fiscal = Organization.get().fiscal_year_start
    with gc_paused():
        decimals = decide(_number_cells(rows))
        # The bulk parsing reads a point as float() does: with decimal commas, row by row.
        bulk = _parse_in_bulk(rows, facts, fiscal) if decimals.mark == POINT else None
        parsed = bulk or _parse_each_row(rows, facts, fiscal, decimals)
        found = _plan(rows, parsed, facts, access, fiscal)
        found.decimals = decimals
        return found


def _number_cells(rows: Rows) -> Iterator[tuple[int, Any]]:
    """The cells that hold numbers, with their rows, in the file's order."""
    cells = rows.cells
    if isinstance(cells, CellColumns):
        columns = [
            c for c in (cells.actual, cells.target, cells.red_flag) if str in set(map(type, c))
        ]
        for at, row in enumerate(cells.rows):
            for column in columns:
                yield row, column[at]
        return
    for cell in cells:
        yield cell.row, cell.actual
        yield cell.row, cell.target
        yield cell.row, cell.red_flag


def _plan(
    rows: Rows, parsed: _Parsed, facts: dict[str, KpiFacts], access: Access, fiscal: int
) -> Plan:
    by_id = {f.id: f for f in facts.values()}
    comments = parsed.value_comments
    kpi_ids, keys = parsed.value_kpis, parsed.value_periods
    if comments is None:
        # A file without comments leaves the comments already written alone.
        kept = _comments(set(kpi_ids))
        pairs = zip(kpi_ids, keys, strict=True)
        comments = [kept.get(pair, "") for pair in pairs] if kept else [""] * len(keys)
    values = list(map(ValueEntry, kpi_ids, keys, parsed.value_numbers, comments))
    problems = list(parsed.problems)
    cells = rows.cells
    refused_rows: set[int] = set()
    numbers = parsed.value_numbers
    for found in intake.check_value_columns(kpi_ids, keys, numbers, access, facts=by_id):
        at = parsed.value_rows[found.index]
        refused_rows.add(at)
        problems.append(_placed(cells[at], found))
    targets, kept_flags = _targets(rows, parsed, refused_rows)
    target_rows = [i for i in parsed.target_rows if i not in refused_rows]
    for found in intake.check_targets(targets, access, facts=by_id):
        at = target_rows[found.index]
        kept_flag = kept_flags.get(found.index)
        entry = targets[found.index]
        kpi = by_id[entry.kpi_id]
        full = dict(zip(TARGET_FIELDS, entry.fields, strict=True))
        if (
            kept_flag is not None
            and found.message == scheme_problem(kpi, full)  # the scheme's own refusal
            and scheme_problem(kpi, {**full, "red_flag": None}) is None
        ):
            # Fine without the red flag kept from before: that one does not fit any more.
            where = cells[at].column or "target"
            found = Problem(
                found.index,
                "target",
                f"KPI {kpi.code} keeps its red flag {kept_flag:g} for {entry.period}, which the "
                f"new target {entry.fields[0]:g} does not allow ({found.message}); add a red_flag "
                "column with the red flag that goes with it",
            )
            problems.append(RowProblem(cells[at].row, found.message, where))
            continue
        problems.append(_placed(cells[at], found))
    if problems:
        problems.sort(key=lambda p: p.row)
        return Plan(problems=problems)
    used = set(kpi_ids) | {t.kpi_id for t in targets}
    return Plan(values, targets, [], {pk: by_id[pk] for pk in used}, access)


def _placed(cell: Cell, found: Problem) -> RowProblem:
    return RowProblem(cell.row, found.message, cell.column)


def _targets(
    rows: Rows, parsed: _Parsed, refused_rows: set[int]
) -> tuple[list[TargetEntry], dict[int, float]]:
    """The targets the rows set, each keeping the fields the file does not carry (its red flag
    when the file has no red_flag column, as it keeps comments); the red flags kept, by index."""
    if not parsed.target_rows:
        return [], {}
    ids = set(parsed.target_kpis)
    existing = {(t.kpi_id, t.period): t for t in Target.objects.filter(kpi_id__in=ids)}
    out: list[TargetEntry] = []
    kept_flags: dict[int, float] = {}
    for at, pk, key, (target_n, flag_n) in zip(
        parsed.target_rows,
        parsed.target_kpis,
        parsed.target_periods,
        parsed.target_numbers,
        strict=True,
    ):
        if at in refused_rows:
            continue
        old = existing.get((pk, key))
        fields = {f: (getattr(old, f) if old else None) for f in Target.FIELDS}
        if not rows.has_red_flag and old is not None and old.red_flag is not None:
            flag_n = old.red_flag
            kept_flags[len(out)] = flag_n
        fields.update(target=target_n, red_flag=flag_n)
        out.append(TargetEntry(pk, key, tuple(fields[f] for f in Target.FIELDS)))
    return out, kept_flags


def _comments(kpi_ids: set[int]) -> dict[tuple[int, str], str]:
    """The comments written so far on these KPIs' values (only those that say something)."""
    ids = sorted(kpi_ids)
    found: dict[tuple[int, str], str] = {}
    for start in range(0, len(ids), COMMENT_CHUNK):
        rows = (
            Measurement.objects.filter(kpi_id__in=ids[start : start + COMMENT_CHUNK])
            .exclude(comment="")
            .values_list("kpi_id", "period", "comment")
        )
        found.update(((k, p), c) for k, p, c in rows)
    return found


def _parse_each_row(
    rows: Rows, kpis: dict[str, KpiFacts], fiscal: int, decimals: Decimals | None = None
) -> _Parsed:
    """The cells, row after row, each problem worded for the row and column where it is."""
    parsed: dict[str, periods.Period | str] = {}
    seen: dict[tuple[str, str], int] = {}
    result = _Parsed(value_comments=[] if rows.has_comment else None)
    number = (decimals or Decimals()).number

    for index, cell in enumerate(rows.cells):
        number_, column = cell.row, cell.column

        def problem(message: str, at: str = column, row: int = number_) -> None:
            result.problems.append(RowProblem(row, message, at))

        if cell.error:
            problem(cell.error)
            continue
        if cell.code is None:
            problem("the kpi cell is empty", "")
            continue
        kpi = kpis.get(str(cell.code))
        if kpi is None:
            problem(f"there is no KPI '{cell.code}'", "")
            continue
        if cell.period is None:
            problem("the period cell is empty")
            continue
        text = _period_text(cell.period)
        period = parsed.get(text)
        if period is None:
            try:
                period = periods.parse_period(text, fiscal)
            except periods.PeriodError as exc:
                period = str(exc)
            parsed[text] = period
        if isinstance(period, str):
            problem(period)
            continue
        key = (kpi.code, period.key)
        if key in seen:
            problem(f"KPI {kpi.code} {period.key} is already on row {seen[key]}")
            continue
        seen[key] = number_
        try:
            actual_n = None if cell.actual is None else number(cell.actual, "actual")
            target_n = None if cell.target is None else number(cell.target, "target")
            flag_n = None if cell.red_flag is None else number(cell.red_flag, "red_flag")
        except ValueError as exc:
            problem(str(exc))
            continue
        if actual_n is None and target_n is None:
            problem("the actual is empty" if flag_n is None else "a red_flag needs a target")
            continue
        if flag_n is not None and target_n is None:
            problem("a red_flag needs a target in the same row")
            continue
        if actual_n is not None:
            result.value_rows.append(index)
            result.value_kpis.append(kpi.id)
            result.value_periods.append(period.key)
            result.value_numbers.append(actual_n)
            if result.value_comments is not None:
                result.value_comments.append("" if cell.comment is None else str(cell.comment))
        if target_n is not None:
            result.target_rows.append(index)
            result.target_kpis.append(kpi.id)
            result.target_periods.append(period.key)
            result.target_numbers.append((target_n, flag_n))
    return result


# The types a period cell may hold for the parsing in bulk: equal values of these types are
# written alike by _period_text (True == 1 is why bool is not among them).
PERIOD_TYPES = frozenset({str, int, float, dt.date, dt.datetime})


def _parse_in_bulk(rows: Rows, kpis: dict[str, KpiFacts], fiscal: int) -> _Parsed | None:
    """The parsing of _parse_each_row column by column, for files where every cell is fine.

    None as soon as a cell is wrong or unusual (an error found while reading, a code that is no
    KPI's, a period or a number that needs the careful reading, a KPI and period twice): the
    caller then goes through the rows one by one, which words each problem.
    """
    cells = rows.cells
    n = len(cells)
    if isinstance(cells, CellColumns):
        columns = [cells.code, cells.period, cells.actual, cells.target, cells.red_flag]
        comment_column = cells.comment
    elif any(cell.error for cell in cells):
        return None
    else:
        columns = [[getattr(cell, f) for cell in cells] for f in ("code", "period", *SERIES)]
        comment_column = [cell.comment for cell in cells]
    if n == 0:
        return None
    codes, raw_periods, actual_column, target_column, flag_column = columns
    found: dict[str, KpiFacts] = {}
    for code in dict.fromkeys(codes):
        known = kpis.get(code) if type(code) is str else None
        if known is None:
            return None
        found[code] = known
    parsed: dict[Any, periods.Period] = {}
    for raw in dict.fromkeys(raw_periods):
        if type(raw) not in PERIOD_TYPES:
            return None
        try:
            parsed[raw] = periods.parse_period(_period_text(raw), fiscal)
        except periods.PeriodError:
            return None
    actuals, targets, flags = map(_floats, (actual_column, target_column, flag_column))
    if actuals is None or targets is None or flags is None:
        return None

    # Each distinct KPI and period once, then the rows as indexes into them.
    kpi_list = list(found.values())
    kpi_index = {code: i for i, code in enumerate(found)}
    keys = list(dict.fromkeys(p.key for p in parsed.values()))
    key_index = {key: j for j, key in enumerate(keys)}
    period_index = {raw: key_index[p.key] for raw, p in parsed.items()}
    k = np.array([kpi_index[code] for code in codes], dtype=np.int64)
    p = np.array([period_index[raw] for raw in raw_periods], dtype=np.int64)
    pairs = np.sort(k * len(keys) + p)
    if (pairs[1:] == pairs[:-1]).any():
        return None  # a KPI and period twice
    has_actual, _ = _present(actuals)
    has_target, _ = _present(targets)
    has_flag, _ = _present(flags)
    if (~has_actual & ~has_target).any() or (has_flag & ~has_target).any():
        return None

    pks = [kpi.id for kpi in kpi_list]
    result = _Parsed()
    if has_target.any():
        chosen = np.flatnonzero(has_target)
        result.target_rows = chosen.tolist()
        result.target_kpis = [pks[i] for i in k[chosen].tolist()]
        result.target_periods = [keys[j] for j in p[chosen].tolist()]
        result.target_numbers = [(cast(float, targets[i]), flags[i]) for i in result.target_rows]
    comments = comment_column if rows.has_comment else None
    if has_actual.all():
        result.value_rows = list(range(n))
    else:
        chosen = np.flatnonzero(has_actual)
        k, p = k[chosen], p[chosen]
        result.value_rows = chosen.tolist()
        actuals = [actuals[i] for i in result.value_rows]
        comments = [comments[i] for i in result.value_rows] if comments is not None else None
    result.value_kpis = [pks[i] for i in k.tolist()]
    result.value_periods = [keys[j] for j in p.tolist()]
    result.value_numbers = cast(list[float], actuals)
    if comments is not None:
        result.value_comments = ["" if c is None else str(c) for c in comments]
    return result


def _floats(column: list[Any]) -> list[float | None] | None:
    """A column's cells as numbers, exactly as `number` reads them; None when some cell needs
    `number`'s careful reading (a thousands separator, a decimal comma, text that is no number,
    a number that is not finite) or is unusual (True, a date)."""
    types = set(map(type, column))
    if not types <= {str, int, float, type(None)}:
        return None
    present = [v for v in column if v is not None] if type(None) in types else column
    if not present:
        return cast(list[float | None], column)
    try:
        # float() refuses commas and inner spaces: the only text that `number` rewrites.
        numbers = list(map(float, present))
    except (ValueError, OverflowError):
        return None
    if not np.isfinite(np.array(numbers, dtype=np.float64)).all():
        return None
    if len(numbers) == len(column):
        return cast(list[float | None], numbers)
    it = iter(numbers)
    return [None if v is None else next(it) for v in column]


def _present(column: list[float | None]) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float64]]:
    """Which cells hold a number, and the numbers (NaN where a cell is empty)."""
    n, missing = len(column), column.count(None)
    if missing == 0:
        return np.ones(n, dtype=np.bool_), np.array(column, dtype=np.float64)
    if missing == n:
        return np.zeros(n, dtype=np.bool_), np.full(n, np.nan)
    values = np.array([np.nan if v is None else v for v in column], dtype=np.float64)
    return ~np.isnan(values), values


# Writing


@dataclass(frozen=True)
class Committed:
    values: intake.Submitted
    targets: WriteCount

    @property
    def summary(self) -> str:
        values, targets = self.values.written, self.targets
        text = (
            f"{values.created} values created, {values.changed} changed, "
            f"{values.unchanged} unchanged; {targets.created} targets created, "
            f"{targets.changed} changed, {targets.unchanged} unchanged."
        )
        if self.values.waits:
            text += f" {len(self.values.waits)} values wait for their owner's approval."
        return text


def commit(
    plan: Plan, *, actor: Any, channel: str, source_name: str, reason: str = ""
) -> Committed:
    """Write the plan, checked for `plan.access`, in one transaction through the intake."""
    if plan.access is None or plan.problems:
        raise ValueError("only a plan without problems can be committed")
    reason = reason or f"imported from {source_name}"
    with transaction.atomic():
        done = intake.submit_values(
            plan.values,
            actor=actor,
            access=plan.access,
            channel=channel,
            detail=source_name,
            reason=reason,
            checked=True,
        )
        targets = intake.submit_targets(
            plan.targets,
            actor=actor,
            access=plan.access,
            channel=channel,
            reason=reason,
            checked=True,
            file=source_name,
        )
    return Committed(done, targets)
