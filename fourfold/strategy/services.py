"""Alignment: which objectives of units above an objective serves, checked, written, audited."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q

from fourfold.audit.models import record
from fourfold.core.alignment import cycle
from fourfold.core.hierarchy import Hierarchy
from fourfold.editing.checks import Check

from .models import Alignment, Objective, Unit


@dataclass(frozen=True)
class Aligned:
    """One objective above, by primary key (forms) or code (API, command line)."""

    objective: int | str
    contributes: bool = False
    weight: float | None = None  # None: the objective's own weight


def unit_of(objective: Objective) -> Unit:
    return objective.perspective.scorecard.unit


def problems(objective: Objective, entries: Sequence[Aligned], field: str = "aligned_to") -> Check:
    """Every problem of these alignments for this objective, in a `Check` by field."""
    check = Check()
    unit = unit_of(objective)
    found = _found(entries)
    tree = Hierarchy.of(Unit.objects.values_list("pk", "parent_id"))
    above = set(tree.ancestors(unit.pk))
    seen: set[int] = set()
    for entry in entries:
        target = found.get(entry.objective)
        if target is None or target.archived:
            check.add(field, f"it is aligned to '{entry.objective}', which is not an objective")
        elif target.pk in seen:
            check.add(field, f"it is aligned to '{target.code}' twice")
        elif unit_of(target).pk not in above:
            check.add(
                field,
                f"it is aligned to '{target.code}' of unit {unit_of(target).code}, "
                f"which is not above unit {unit.code}",
            )
        if target is not None:
            seen.add(target.pk)
        if entry.weight is not None and not 0 <= entry.weight <= 1e6:
            check.add(field, f"the weight of '{entry.objective}' must be from 0 to 1000000")
    if not check.errors:
        serves: dict[int, list[int]] = defaultdict(list)
        for child, parent in Alignment.objects.exclude(child=objective).values_list(
            "child_id", "parent_id"
        ):
            serves[child].append(parent)
        serves[objective.pk] = sorted(seen)
        loop = cycle(serves)
        if loop is not None:
            names = dict(Objective.objects.filter(pk__in=loop).values_list("pk", "code"))
            check.add(field, "these alignments form a cycle: " + " → ".join(names[p] for p in loop))
    return check


def _found(entries: Sequence[Aligned]) -> dict[int | str, Objective]:
    """The objectives the entries name, under the key each one used (a number or a code)."""
    pks = [e.objective for e in entries if isinstance(e.objective, int)]
    codes = [e.objective for e in entries if isinstance(e.objective, str)]
    out: dict[int | str, Objective] = {}
    rows = Objective.objects.filter(Q(pk__in=pks) | Q(code__in=codes))
    for o in rows.select_related("perspective__scorecard__unit"):
        out[o.pk] = out[o.code] = o
    return out


def write(objective: Objective, entries: Sequence[Aligned]) -> tuple[list[Any], list[Any]]:
    """Replace the objective's alignments (already checked); what they were and are, shown."""
    before = shown(objective)
    found = _found(entries)
    current = {a.parent_id: a for a in Alignment.objects.filter(child=objective)}
    for order, entry in enumerate(entries):
        parent = found[entry.objective]
        row = current.pop(parent.pk, None) or Alignment(child=objective, parent=parent)
        fields = {"contributes": entry.contributes, "weight": entry.weight, "order": order}
        if row.pk is None or any(getattr(row, k) != v for k, v in fields.items()):
            for name, value in fields.items():
                setattr(row, name, value)
            row.save()
    if current:
        Alignment.objects.filter(pk__in=[a.pk for a in current.values()]).delete()
    return before, shown(objective)


def shown(objective: Objective) -> list[Any]:
    """The alignments as the audit log keeps them: codes, with how they count."""
    return [
        {"objective": code, "contributes": contributes, "weight": weight}
        for code, contributes, weight in Alignment.objects.filter(child=objective).values_list(
            "parent__code", "contributes", "weight"
        )
    ]


def set_alignments(actor: Any, objective: Objective, entries: Sequence[Aligned]) -> Objective:
    """Align an objective to objectives of units above; contributing ones take its score."""
    problems(objective, entries).done()
    with transaction.atomic():
        before, after = write(objective, entries)
        if before != after:
            record(
                actor,
                "objective.alignment",
                f"Changed the alignment of {objective.code}",
                unit=unit_of(objective).code,
                before={"aligned_to": before},
                after={"aligned_to": after},
            )
    return objective
