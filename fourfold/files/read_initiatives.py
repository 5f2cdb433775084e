"""The `initiatives:` of a unit in the scorecard file, read and checked with their places."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fourfold.core import initiatives as rules
from fourfold.core.periods import PeriodError

from .spec import EMAIL, USERNAME, Document, InitiativeSpec, MilestoneSpec, Problem, Reader
from .yamlsource import Node

FIELDS = (
    "code",
    "name",
    "description",
    "owner",
    "collaborators",
    "serves",
    "moves",
    "start",
    "end",
    "budget",
    "archived",
    "milestones",
    "progress",
)
MILESTONE_FIELDS = ("name", "due", "done", "owner", "depends_on")


def read(reader: Reader, node: Node, place: str, fiscal: int) -> list[InitiativeSpec] | None:
    """The unit's initiatives, or None when it lists none (`initiatives:` absent)."""
    if node.get("initiatives") is None:
        return None
    items = reader.items(node, "initiatives", place)
    return reader.each(
        items,
        f"{place}, initiatives",
        lambda n, p, i: _initiative(reader, n, p, i, fiscal),
    )


def _date(reader: Reader, node: Node, key: str, place: str, *, required: bool) -> dt.date | None:
    value = node.get(key)
    if value is None:
        if required:
            reader.problem(node, None, place, f"'{key}' is required")
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        reader.problem(
            node, key, place, f"'{key}' must be a date such as 2026-03-31, not {value!r}"
        )
        return None


def _texts(reader: Reader, node: Node, key: str, place: str, what: str) -> list[str]:
    out = []
    for i, value in enumerate(reader.items(node, key, place)):
        if isinstance(value, str | int) and not isinstance(value, bool):
            out.append(str(value))
        else:
            reader.problem(node, key, place, f"{key} item {i + 1} must be {what}")
    return out


def _people(reader: Reader, node: Node, key: str, place: str) -> list[str]:
    found = []
    for value in _texts(reader, node, key, place, "an email address"):
        if EMAIL.match(value):
            found.append(value.lower())
        elif "@" not in value and USERNAME.match(value):
            found.append(value)
        else:
            reader.problem(node, key, place, f"'{value}' in '{key}' is not an email address")
    return found


def _initiative(
    reader: Reader, node: Node, place: str, index: int, fiscal: int
) -> InitiativeSpec | None:
    code = reader.code(node, "code", place) or ""
    place = f"initiative {code}" if code else place
    reader.only(node, FIELDS, place)
    name = reader.text(node, "name", place, required=True) or ""
    start = _date(reader, node, "start", place, required=True)
    end = _date(reader, node, "end", place, required=True)
    if start and end and (problem := rules.dates_problem(start, end)):
        reader.problem(node, "end", place, problem)
    budget = reader.number(node, "budget", place)
    if problem := rules.amount_problem("budget", budget):
        reader.problem(node, "budget", place, problem)
    if start is None or end is None:
        return None
    spec = InitiativeSpec(
        code=code,
        name=name,
        line=node.line,
        start=start,
        end=end,
        description=reader.text(node, "description", place) or "",
        owner=reader.email(node, "owner", place),
        collaborators=_people(reader, node, "collaborators", place),
        serves=_texts(reader, node, "serves", place, "an objective code"),
        moves=_texts(reader, node, "moves", place, "a KPI code"),
        budget=None if budget is None else float(budget),
        archived=reader.flag(node, "archived", place),
        order=index,
    )
    spec.milestones = reader.each(
        reader.items(node, "milestones", place),
        f"{place}, milestones",
        lambda n, p, i: _milestone(reader, n, p, i),
    )
    _check_milestones(reader, spec, place)
    spec.progress = _progress(reader, node, place, fiscal)
    # Returned even when wrong, so that its references are checked too: any problem keeps
    # the whole file from loading.
    return spec if code else None


def _milestone(reader: Reader, node: Node, place: str, index: int) -> MilestoneSpec | None:
    name = reader.text(node, "name", place, required=True)
    place = f"milestone '{name}'" if name else place
    reader.only(node, MILESTONE_FIELDS, place)
    due = _date(reader, node, "due", place, required=True)
    done = _date(reader, node, "done", place, required=False)
    owner = reader.email(node, "owner", place)
    depends = _texts(reader, node, "depends_on", place, "a milestone name")
    if not name or due is None:
        return None
    return MilestoneSpec(name, due, node.line, done, owner, depends, index)


def _check_milestones(reader: Reader, spec: InitiativeSpec, place: str) -> None:
    seen: dict[str, int] = {}
    for milestone in spec.milestones:
        if milestone.name in seen:
            reader.problems.append(
                Problem(
                    milestone.line,
                    f"{place}, milestone '{milestone.name}'",
                    f"the name is already used on line {seen[milestone.name]}",
                )
            )
        seen[milestone.name] = milestone.line
    for milestone in spec.milestones:
        for other in milestone.depends_on:
            if other not in seen:
                reader.problems.append(
                    Problem(
                        milestone.line,
                        f"{place}, milestone '{milestone.name}'",
                        f"it depends on '{other}', which is not a milestone of the initiative",
                    )
                )
    problem = rules.cycle_problem({m.name: m.depends_on for m in spec.milestones})
    if problem:
        reader.problems.append(Problem(spec.line, f"{place}, milestones", problem))


def _progress(
    reader: Reader, node: Node, place: str, fiscal: int
) -> dict[str, tuple[float, float | None]]:
    raw = node.get("progress")
    if raw is None:
        return {}
    if not isinstance(raw, Node):
        reader.problem(
            node,
            "progress",
            place,
            "'progress' must map periods to entries, such as "
            "{2026-03: {complete: 20, spent: 40000}}",
        )
        return {}
    out: dict[str, tuple[float, float | None]] = {}
    for key, value in raw.items():
        where = f"{place}, progress {key}"
        try:
            period = rules.progress_period(key, fiscal).key
        except PeriodError as exc:
            reader.problem(raw, key, where, str(exc))
            continue
        if not isinstance(value, Node):
            reader.problem(
                raw, key, where, f"an entry is a mapping such as {{complete: 20}}, got {value!r}"
            )
            continue
        reader.only(value, ("complete", "spent"), where)
        complete: Any = reader.number(value, "complete", where)
        spent: Any = reader.number(value, "spent", where)
        if complete is None:
            if "complete" not in value:
                reader.problem(value, None, where, "'complete' is required")
            continue
        bad = rules.complete_problem(float(complete)) or rules.amount_problem(
            "amount spent", None if spent is None else float(spent)
        )
        if bad:
            reader.problem(raw, key, where, bad)
            continue
        out[period] = (float(complete), None if spent is None else float(spent))
    return out


def check_references(reader: Reader, document: Document, objectives: dict[str, str]) -> None:
    """Codes are unique; what initiatives serve and move exists (in the file or already)."""
    kpis = set(reader.known.kpis) | {kpi.code for _, _, kpi in document.kpis()}
    seen: dict[str, int] = {}
    for _, initiative in document.initiatives():
        place = f"initiative {initiative.code}"
        if initiative.code in seen:
            message = f"the code is already used on line {seen[initiative.code]}"
            reader.problems.append(Problem(initiative.line, place, message))
        seen[initiative.code] = initiative.line
        for code in initiative.serves:
            if code not in objectives:
                reader.problems.append(
                    Problem(
                        initiative.line, place, f"it serves '{code}', which is not an objective"
                    )
                )
        for code in initiative.moves:
            if code not in kpis:
                reader.problems.append(
                    Problem(initiative.line, place, f"it moves '{code}', which is not a KPI")
                )
