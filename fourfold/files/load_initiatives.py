"""Write the file's initiatives: fields, milestones, and progress through the services.

A unit that says `initiatives:` holds exactly those: its other initiatives are archived and
an initiative's milestones not named are removed. A unit without the key keeps its own.
Progress entries are written with their history (`services.enter_progress`); entries the
file does not name are left as they are, as values are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fourfold.initiatives import services
from fourfold.initiatives.models import Initiative, Milestone
from fourfold.measures.models import KPI
from fourfold.strategy.models import Objective, Unit

from .spec import Document, InitiativeSpec

if TYPE_CHECKING:
    from .load import LoadResult

Assign = Callable[..., None]


def write(
    doc: Document,
    result: LoadResult,
    assign: Assign,
    user: Callable[[str | None], Any],
    actor: Any,
    units: dict[str, Unit],
) -> None:
    listed = [(u, units[u.code]) for u in doc.units if u.initiatives is not None]
    if not listed:
        return
    codes = {i.code for _, i in doc.initiatives()}
    found = {i.code: i for i in Initiative.objects.filter(code__in=codes)}
    objectives = {
        o.code: o
        for o in Objective.objects.filter(
            code__in={c for _, i in doc.initiatives() for c in i.serves}
        )
    }
    kpis = {
        k.code: k
        for k in KPI.objects.filter(code__in={c for _, i in doc.initiatives() for c in i.moves})
    }
    for spec_unit, unit in listed:
        for spec in spec_unit.initiatives or ():
            initiative = found.get(spec.code) or Initiative(code=spec.code)
            assign(
                initiative,
                result,
                "initiatives",
                unit=unit,
                name=spec.name,
                description=spec.description,
                owner=user(spec.owner),
                start=spec.start,
                end=spec.end,
                budget=spec.budget,
                order=spec.order,
                archived=spec.archived,
            )
            _many(initiative, result, "collaborators", [user(p) for p in spec.collaborators])
            _many(initiative, result, "serves", [objectives[c] for c in spec.serves])
            _many(initiative, result, "moves", [kpis[c] for c in spec.moves])
            _milestones(initiative, spec, result, assign, user)
            written = services.enter_progress(
                actor,
                initiative,
                [services.ProgressEntry(p, c, s) for p, (c, s) in spec.progress.items()],
                reason="loaded from the scorecard file",
            )
            if written.created:
                result.created["progress entries"] += written.created
            if written.changed:
                result.changed["progress entries"] += written.changed
    gone = Initiative.objects.filter(unit__in=[unit for _, unit in listed], archived=False).exclude(
        code__in=codes
    )
    if n := gone.update(archived=True):
        result.archived["initiatives"] += n


def _many(initiative: Initiative, result: LoadResult, name: str, rows: list[Any]) -> None:
    manager = getattr(initiative, name)
    if set(manager.values_list("pk", flat=True)) != {r.pk for r in rows}:
        manager.set(rows)
        if (Initiative, initiative.pk) not in result.new:
            result.changed["initiatives"] += 1


def _milestones(
    initiative: Initiative,
    spec: InitiativeSpec,
    result: LoadResult,
    assign: Assign,
    user: Callable[[str | None], Any],
) -> None:
    existing = {m.name: m for m in initiative.milestones.all()}
    kept: dict[str, Milestone] = {}
    for ms in spec.milestones:
        milestone = existing.pop(ms.name, None) or Milestone(initiative=initiative, name=ms.name)
        assign(
            milestone,
            result,
            "milestones",
            due=ms.due,
            done=ms.done,
            owner=user(ms.owner),
            order=ms.order,
        )
        kept[ms.name] = milestone
    for ms in spec.milestones:
        milestone = kept[ms.name]
        wanted = {kept[n].pk for n in ms.depends_on}
        if set(milestone.depends_on.values_list("pk", flat=True)) != wanted:
            milestone.depends_on.set([kept[n] for n in ms.depends_on])
            if (Milestone, milestone.pk) not in result.new:
                result.changed["milestones"] += 1
    if existing:
        Milestone.objects.filter(pk__in=[m.pk for m in existing.values()]).delete()
        result.archived["milestones removed"] += len(existing)
