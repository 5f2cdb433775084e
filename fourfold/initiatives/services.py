"""Every change to an initiative, its milestones, progress and notes: checked, atomic, audited.

Each function takes the acting user, checks the whole change first (raising `Invalid` with
every problem by field, in the scorecard file's words), then writes it inside one transaction
with an audit entry. Progress is never overwritten silently: the entry it replaces is kept in
ProgressVersion. Who may call which is the access policy's (`Access.can_edit_initiatives`,
`Access.can_enter_progress`): the pages and the API ask it before they call these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from fourfold.audit.models import record
from fourfold.core import initiatives as rules
from fourfold.core import periods
from fourfold.core.periods import PeriodError
from fourfold.editing.checks import Check, Invalid, person
from fourfold.measures.models import KPI
from fourfold.strategy.models import Objective, Organization, Unit

from .models import Initiative, Milestone, StatusNote
from .progress import (
    ProgressEntry,
    Written,
    enter_progress,
    progress_problems,
    remove_progress,
)

# Progress lives in .progress; its names are importable from here too, as the pages use them.
__all__ = [
    "Invalid",
    "ProgressEntry",
    "Written",
    "enter_progress",
    "progress_problems",
    "remove_progress",
]

Actor = Any
Data = Mapping[str, Any]


# -- reading the fields ------------------------------------------------------------------------


def _date(check: Check, field: str, value: Any, *, required: bool = False) -> dt.date | None:
    if value is None or value == "":
        if required:
            check.add(field, f"'{field}' is required")
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        day = dt.date.fromisoformat(str(value).strip())
    except ValueError:
        check.add(field, f"'{field}' must be a date such as 2026-03-31, not {value!r}")
        return None
    if (limit := periods.day_outside_limits(day, timezone.localdate())) is not None:
        check.add(field, f"'{field}': {limit}")
        return None
    return day


def _codes(check: Check, field: str, value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, Iterable):
        check.add(field, f"'{field}' must be a list of codes")
        return []
    return [str(v).strip() for v in value if str(v).strip()]


def _rows_by_code(check: Check, field: str, model: Any, codes: list[str], what: str) -> list[Any]:
    found = {row.code: row for row in model.objects.filter(code__in=codes)}
    for code in codes:
        if code not in found:
            check.add(field, f"it {what} '{code}', which is not {_article(model)}")
    return [found[c] for c in dict.fromkeys(codes) if c in found]


def _article(model: Any) -> str:
    return "a KPI" if model is KPI else "an objective"


def _people(check: Check, data: Data) -> tuple[Any, list[Any]]:
    wanted = {"owner": check.person("owner", data.get("owner"))}
    raw = data.get("collaborators") or []
    names = [check.person("collaborators", v) for v in (raw if isinstance(raw, list) else [raw])]
    for i, name in enumerate(names):
        wanted[f"collaborators.{i}"] = name
    found = check.people(wanted)
    collaborators = [found[f"collaborators.{i}"] for i in range(len(names))]
    return found["owner"], [c for c in collaborators if c is not None]


def _fields(check: Check, data: Data, initiative: Initiative | None) -> dict[str, Any]:
    """The initiative's fields from `data`, defaulting to its current ones for an update."""

    def given(name: str) -> bool:
        return initiative is None or name in data

    out: dict[str, Any] = {}
    if initiative is None or "code" in data:
        code = check.code("code", data.get("code"))
        taken = Initiative.objects.filter(code=code)
        if initiative is not None:
            taken = taken.exclude(pk=initiative.pk)
        if code and taken.exists():
            check.add("code", f"there is already an initiative '{code}'")
        out["code"] = code
    if given("name"):
        out["name"] = check.text("name", data.get("name"), required=True)
    if given("description"):
        out["description"] = check.text("description", data.get("description"))
    start = _date(
        check, "start", data.get("start", getattr(initiative, "start", None)), required=True
    )
    end = _date(check, "end", data.get("end", getattr(initiative, "end", None)), required=True)
    if start and end and (problem := rules.dates_problem(start, end)):
        check.add("end", problem)
    out["start"], out["end"] = start, end
    if given("budget"):
        budget = check.number("budget", data.get("budget"))
        if problem := rules.amount_problem("budget", budget):
            check.add("budget", problem)
        out["budget"] = budget
    if "archived" in data:
        out["archived"] = bool(data["archived"])
    if given("owner") or "collaborators" in data:
        owner, collaborators = _people(check, data)
        if given("owner"):
            out["owner"] = owner
        if initiative is None or "collaborators" in data:
            out["collaborators"] = collaborators
    for name, model, what in (("serves", Objective, "serves"), ("moves", KPI, "moves")):
        if initiative is None or name in data:
            codes = _codes(check, name, data.get(name))
            out[name] = _rows_by_code(check, name, model, codes, what)
    return out


def _set(initiative: Initiative, fields: dict[str, Any]) -> dict[str, Any]:
    """Write the fields that differ; the changed ones, as the audit log keeps them."""
    many = {k: fields.pop(k) for k in ("collaborators", "serves", "moves") if k in fields}
    new = initiative.pk is None
    changed: dict[str, Any] = {}
    for name, value in fields.items():
        if new or getattr(initiative, name) != value:
            setattr(initiative, name, value)
            changed[name] = person(value) if name == "owner" else _plain(value)
    if new:
        initiative.save()
    elif changed:
        initiative.save(update_fields=list(changed))
    for name, rows in many.items():
        manager = getattr(initiative, name)
        before = set() if new else set(manager.values_list("pk", flat=True))
        if before != {r.pk for r in rows}:
            manager.set(rows)
            changed[name] = [person(r) if name == "collaborators" else r.code for r in rows]
    return changed


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


# -- initiatives ------------------------------------------------------------------------------


def create_initiative(actor: Actor, unit: Unit, data: Data) -> Initiative:
    check = Check()
    fields = _fields(check, data, None)
    check.done()
    with transaction.atomic():
        last = Initiative.objects.filter(unit=unit).aggregate(n=Max("order"))["n"]
        initiative = Initiative(unit=unit, order=0 if last is None else last + 1)
        after = _set(initiative, fields)
        record(
            actor,
            "initiative.create",
            f"Added initiative {initiative.code} to unit {unit.code}",
            unit=unit.code,
            after=after,
        )
    return initiative


def update_initiative(actor: Actor, initiative: Initiative, data: Data) -> Initiative:
    check = Check()
    fields = _fields(check, data, initiative)
    check.done()
    with transaction.atomic():
        after = _set(initiative, fields)
        if after:
            record(
                actor,
                "initiative.update",
                f"Changed initiative {initiative.code}",
                initiative=initiative.code,
                after=after,
            )
    return initiative


def delete_initiative(actor: Actor, initiative: Initiative) -> None:
    """Delete it with its milestones, progress and notes; the audit entry keeps what it was."""
    with transaction.atomic():
        kept = {
            "name": initiative.name,
            "unit": initiative.unit.code,
            "start": initiative.start.isoformat(),
            "end": initiative.end.isoformat(),
            "progress": {
                p.period: [p.complete, p.spent] for p in initiative.progress.order_by("period")
            },
        }
        code = initiative.code
        initiative.delete()
        record(actor, "initiative.delete", f"Deleted initiative {code}", initiative=code, **kept)


# -- milestones -------------------------------------------------------------------------------


def _milestone_fields(
    check: Check, initiative: Initiative, data: Data, milestone: Milestone | None
) -> dict[str, Any]:
    def given(name: str) -> bool:
        return milestone is None or name in data

    out: dict[str, Any] = {}
    if given("name"):
        name = check.text("name", data.get("name"), required=True)
        taken = initiative.milestones.filter(name=name)
        if milestone is not None:
            taken = taken.exclude(pk=milestone.pk)
        if name and taken.exists():
            check.add("name", f"initiative {initiative.code} already has a milestone '{name}'")
        out["name"] = name
    if given("due"):
        out["due"] = _date(check, "due", data.get("due"), required=True)
    if given("done"):
        out["done"] = _date(check, "done", data.get("done"))
    if given("owner"):
        out["owner"] = check.people({"owner": check.person("owner", data.get("owner"))})["owner"]
    if "depends_on" in data:
        names = _codes(check, "depends_on", data.get("depends_on"))
        others = {m.name: m for m in initiative.milestones.all()}
        own = out.get("name") or (milestone.name if milestone else "")
        # The changed milestone first, so that a circle is told starting from it.
        graph = {own: names}
        for n, m in others.items():
            if m != milestone:
                graph.setdefault(n, [d.name for d in m.depends_on.all()])
        for name in names:
            if name not in others and name != own:
                check.add("depends_on", f"it depends on '{name}', which is not a milestone")
        if problem := rules.cycle_problem(graph):
            check.add("depends_on", problem)
        out["depends_on"] = [others[n] for n in names if n in others]
    return out


def save_milestone(
    actor: Actor, initiative: Initiative, data: Data, milestone: Milestone | None = None
) -> Milestone:
    """Add a milestone (`milestone` None) or change one."""
    check = Check()
    fields = _milestone_fields(check, initiative, data, milestone)
    check.done()
    with transaction.atomic():
        depends = fields.pop("depends_on", None)
        new = milestone is None
        if milestone is None:
            last = initiative.milestones.aggregate(n=Max("order"))["n"]
            milestone = Milestone(initiative=initiative, order=0 if last is None else last + 1)
        changed = {k: v for k, v in fields.items() if new or getattr(milestone, k) != v}
        for name, value in changed.items():
            setattr(milestone, name, value)
        if new or changed:
            milestone.save()
        if depends is not None and (
            new or {m.pk for m in depends} != {m.pk for m in milestone.depends_on.all()}
        ):
            milestone.depends_on.set(depends)
            changed["depends_on"] = [m.name for m in depends]
        if new or changed:
            shown = {k: person(v) if k == "owner" else _plain(v) for k, v in changed.items()}
            verb = "Added" if new else "Changed"
            record(
                actor,
                "milestone.create" if new else "milestone.update",
                f"{verb} milestone '{milestone.name}' of initiative {initiative.code}",
                initiative=initiative.code,
                after=shown,
            )
    return milestone


def complete_milestone(actor: Actor, milestone: Milestone, on: dt.date | None = None) -> Milestone:
    """Mark a milestone done on a day (default: today)."""
    day = on or timezone.localdate()
    return save_milestone(actor, milestone.initiative, {"done": day}, milestone)


def delete_milestone(actor: Actor, milestone: Milestone) -> None:
    with transaction.atomic():
        code, name = milestone.initiative.code, milestone.name
        milestone.delete()
        record(
            actor,
            "milestone.delete",
            f"Deleted milestone '{name}' of initiative {code}",
            initiative=code,
        )


# -- notes ------------------------------------------------------------------------------------


def add_note(
    actor: Actor, initiative: Initiative, text: str, *, period: str = "", on: dt.date | None = None
) -> StatusNote:
    check = Check()
    body = check.text("text", text, required=True)
    key = ""
    if period:
        try:
            key = rules.progress_period(period, Organization.get().fiscal_year_start).key
        except PeriodError as exc:
            check.add("period", str(exc))
    check.done()
    with transaction.atomic():
        user = actor if actor is not None and actor.is_authenticated else None
        note = StatusNote.objects.create(
            initiative=initiative,
            period=key,
            date=on or timezone.localdate(),
            text=body,
            author=user,
        )
        record(
            actor,
            "initiative.note",
            f"Note on initiative {initiative.code}",
            initiative=initiative.code,
        )
    return note
