"""The `initiatives:` of each unit, as `fourfold dump` writes them back."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from fourfold.initiatives.models import Initiative, Milestone, Progress


def _number(value: float) -> int | float:
    return int(value) if value.is_integer() and abs(value) < 1e15 else value


def _person(user: Any) -> str:
    return str(user.email or user.get_username())


def by_unit(live_objectives: set[int], named: dict[str, str]) -> dict[int, list[dict[str, Any]]]:
    """Each unit's initiatives (archived ones say so), in their order; what they serve is
    limited to the objectives the file holds, so that it loads into a new database. The
    people they name who have a name are added to `named` (the file's `people:`)."""

    def person(user: Any) -> str:
        if user.get_full_name():
            named[_person(user)] = user.get_full_name()
        return _person(user)

    initiatives = list(
        Initiative.objects.select_related("owner")
        .prefetch_related("collaborators", "serves", "moves")
        .order_by("unit_id", "order", "start", "code")
    )
    if not initiatives:
        return {}
    milestones: dict[int, list[Milestone]] = defaultdict(list)
    for m in (
        Milestone.objects.select_related("owner")
        .prefetch_related("depends_on")
        .order_by("initiative_id", "order", "due", "pk")
    ):
        milestones[m.initiative_id].append(m)
    progress: dict[int, dict[str, Any]] = defaultdict(dict)
    for initiative_id, period, complete, spent in Progress.objects.order_by("period").values_list(
        "initiative_id", "period", "complete", "spent"
    ):
        entry: dict[str, Any] = {"complete": _number(complete)}
        if spent is not None:
            entry["spent"] = _number(spent)
        progress[initiative_id][period] = entry
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for i in initiatives:
        item: dict[str, Any] = {"code": i.code, "name": i.name}
        if i.description:
            item["description"] = i.description
        if i.owner:
            item["owner"] = person(i.owner)
        collaborators = sorted(person(u) for u in i.collaborators.all())
        if collaborators:
            item["collaborators"] = collaborators
        item["serves"] = sorted(o.code for o in i.serves.all() if o.pk in live_objectives)
        moves = sorted(k.code for k in i.moves.all() if not k.archived)
        if moves:
            item["moves"] = moves
        item["start"], item["end"] = i.start, i.end
        if i.budget is not None:
            item["budget"] = _number(i.budget)
        if i.archived:
            item["archived"] = True
        if milestones.get(i.pk):
            item["milestones"] = [_milestone(m, person) for m in milestones[i.pk]]
        if progress.get(i.pk):
            item["progress"] = progress[i.pk]
        out[i.unit_id].append(item)
    return out


def _milestone(m: Milestone, person: Callable[[Any], str]) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": m.name, "due": m.due}
    if m.done:
        entry["done"] = m.done
    if m.owner:
        entry["owner"] = person(m.owner)
    depends = [d.name for d in m.depends_on.all()]
    if depends:
        entry["depends_on"] = sorted(depends)
    return entry
