"""Every change an editor makes to a scorecard: checked as the file loader checks, audited.

Each function takes the acting user, checks the whole change first (raising `Invalid` with
every problem by field), then writes it inside one transaction with an audit entry that holds
the changed fields before and after. Nothing is ever deleted: items are archived.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import Max

from fourfold.accounts.access import Access
from fourfold.audit.models import record
from fourfold.core import periods, scoring
from fourfold.core.hierarchy import Hierarchy
from fourfold.files.spec import DIRECTIONS, FREQUENCIES, KINDS, ROLLUPS
from fourfold.measures import kept
from fourfold.measures.calculated import formula_problems, used_by
from fourfold.measures.models import KPI, Scheme
from fourfold.revisions import capture as revisions
from fourfold.strategy.models import Link, Objective, Organization, Perspective, Scorecard, Unit

from .checks import Check, Invalid, person

__all__ = ["Invalid"]

Actor = Any
Data = Mapping[str, Any]
Item = Perspective | Objective | KPI
T = TypeVar("T")
New = TypeVar("New", Perspective, Objective, KPI)

# The field that holds an item's parent, and the path from an item to its unit.
PARENT: dict[type[models.Model], str] = {
    Perspective: "scorecard",
    Objective: "perspective",
    KPI: "objective",
}
UNIT_PATH: dict[type[models.Model], str] = {
    Perspective: "scorecard__unit",
    Objective: "perspective__scorecard__unit",
    KPI: "objective__perspective__scorecard__unit",
}


# -- helpers --------------------------------------------------------------------------------


def _shown(value: Any) -> Any:
    """A field's value as the audit log keeps it: people by email, items by code."""
    if isinstance(value, models.Model):
        if hasattr(value, "email"):
            return person(value)
        return getattr(value, "code", None) or getattr(value, "name", None) or value.pk
    return value


def _apply(obj: models.Model, values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Set the fields that differ and save only those; the changed fields before and after."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    new = obj.pk is None
    for name, value in values.items():
        old = None if new else getattr(obj, name)
        if new or old != value:
            if not new:
                before[name] = _shown(old)
            after[name] = _shown(value)
            setattr(obj, name, value)
    if new:
        obj.save()
    elif after:
        obj.save(update_fields=list(after))
    return before, after


def _save(
    actor: Actor,
    obj: models.Model,
    fields: Mapping[str, Any],
    action: str,
    summary: str,
    **detail: Any,
) -> None:
    """Write the fields that differ and audit the change: always for a new row, else when any
    field changed. The audit entry holds the changed fields before and after."""
    new = obj.pk is None
    before, after = _apply(obj, fields)
    if new or after:
        record(actor, action, summary, **detail, before=before, after=after)


def _checked(read: Callable[..., T], *args: Any) -> T:
    """What `read(check, *args)` takes from the data, or `Invalid` with every problem it found."""
    check = Check()
    fields = read(check, *args)
    check.done()
    return fields


def _label(item: models.Model) -> str:
    return "KPI" if isinstance(item, KPI) else type(item).__name__.lower()


def _unit_code(item: models.Model) -> str:
    """The code of the unit an item belongs to, through the related rows it was read with."""
    found: Any = item
    for name in UNIT_PATH[type(item)].split("__"):
        found = getattr(found, name)
    return str(found.code)


def _siblings(item: Item, parent: models.Model | None = None) -> models.QuerySet[Any]:
    """The items under this item's parent, or under `parent` (where it goes)."""
    field = PARENT[type(item)]
    if parent is None:
        return type(item).objects.filter(**{f"{field}_id": getattr(item, f"{field}_id")})
    return type(item).objects.filter(**{field: parent})


def _add(actor: Actor, unit: Unit, item: New, fields: dict[str, Any]) -> New:
    """A new perspective, objective or KPI, placed after its siblings."""
    fields["order"] = _next_order(_siblings(item, fields.get(PARENT[type(item)])))
    label = _label(item)
    summary = f"Added {label} {fields['code']} to unit {unit.code}"
    _save(actor, item, fields, f"{label.lower()}.create", summary, unit=unit.code)
    return item


def _change(actor: Actor, unit: Unit, item: Item, fields: dict[str, Any], summary: str) -> None:
    """Changed fields of an item; one that moves to another parent goes after its siblings."""
    parent = PARENT[type(item)]
    if parent in fields and fields[parent] != getattr(item, parent):
        fields["order"] = _next_order(_siblings(item, fields[parent]))
    _save(actor, item, fields, f"{_label(item).lower()}.update", summary, unit=unit.code)


def _owner(check: Check, data: Data) -> Any:
    return check.people({"owner": check.person("owner", data.get("owner"))})["owner"]


def _code_kept(check: Check, kpi: KPI | None, code: str) -> None:
    """A KPI that formulas take as an input keeps its code: they would lose it."""
    if kpi is None or not code or code == kpi.code:
        return
    users = used_by(kpi.code)
    if users:
        whose = f"KPI {users[0]} uses" if len(users) == 1 else f"KPIs {', '.join(users)} use"
        check.add(
            "code",
            f"the formula of {whose} the code '{kpi.code}': change the formula first, or it "
            "would lose its input",
        )


def _code_free(check: Check, model: type[Objective] | type[KPI], code: str, pk: int | None) -> None:
    """An objective's or KPI's code is unique in the organization."""
    if not code:
        return
    found = _others(model.objects.filter(code=code), pk)
    other = found.select_related(UNIT_PATH[model]).first()
    if other is not None:
        check.add(
            "code",
            f"the code is already used by {_label(other)} '{other.name}' "
            f"of unit {_unit_code(other)}",
        )


def _in_unit(
    check: Check, model: type[Perspective] | type[Objective], data: Data, unit: Unit
) -> Any:
    """The perspective or objective of this unit whose id was posted; a problem if none."""
    field = model.__name__.lower()
    found = model.objects.filter(pk=_pk(data.get(field)), **{UNIT_PATH[model]: unit}).first()
    if found is None:
        article = "an" if field[0] in "aeiou" else "a"
        check.add(field, f"choose {article} {field} of unit {unit.code}")
    return found


def schemes() -> dict[str, Scheme]:
    """Every scoring scheme by name, the built-in ones created when missing (as the loader does)."""
    found = {s.name: s for s in Scheme.objects.all()}
    for name, builtin in scoring.BUILTIN.items():
        if name not in found:
            found[name] = Scheme.objects.create(
                name=name,
                type=builtin.type,
                statuses=[{"name": s.name, "color": s.color} for s in builtin.statuses],
            )
    return found


def _rollup_fields(check: Check, data: Data, known: dict[str, Scheme]) -> dict[str, Any]:
    rollup = check.choice("rollup", data.get("rollup"), ROLLUPS, "weighted_mean")
    name = check.text("scheme", data.get("scheme"))
    scheme = None
    if name:
        scheme = known.get(name)
        if scheme is None:
            check.add("scheme", f"there is no scheme named '{name}'")
    if rollup == "share_met" and scheme is not None and scheme.type != "percent_of_target":
        check.add("scheme", "a share_met roll-up needs a percent_of_target scheme")
    weight = check.number("weight", data.get("weight"), minimum=0, default=1.0)
    return {"rollup": rollup, "scheme": scheme, "weight": weight}


def _pk(value: Any) -> int:
    """A posted id; anything else is 0, which names nothing."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _others(queryset: models.QuerySet[Any], pk: int | None) -> models.QuerySet[Any]:
    return queryset if pk is None else queryset.exclude(pk=pk)


def _next_order(queryset: models.QuerySet[Any]) -> int:
    top = queryset.aggregate(top=Max("order"))["top"]
    return 0 if top is None else top + 1


# -- units ----------------------------------------------------------------------------------


def create_unit(actor: Actor, parent: Unit, data: Data) -> Unit:
    """A new unit below `parent`, with its empty scorecard."""
    check = Check()
    code = check.code("code", data.get("code"))
    name = check.text("name", data.get("name"), required=True)
    owner = _owner(check, data)
    if code and (other := Unit.objects.filter(code=code).first()) is not None:
        check.add("code", f"the code is already used by unit '{other.name}'")
    check.done()
    with transaction.atomic():
        order = _next_order(Unit.objects.filter(parent=parent))
        unit = Unit(code=code, parent=parent)
        fields = {"name": name, "owner": owner, "order": order}
        summary = f"Created unit {code} below {parent.code}"
        _save(actor, unit, fields, "unit.create", summary, unit=code, parent=parent.code)
        Scorecard.objects.create(unit=unit)
    return unit


def _effective(check: Check, data: Data) -> str | None:
    """The first month of the period from which a change applies, None for every period."""
    text = str(data.get("effective_from") or "").strip()
    if not text:
        return None
    try:
        return periods.parse_period(text, Organization.get().fiscal_year_start).months[0]
    except periods.PeriodError as exc:
        check.add("effective_from", str(exc))
        return None


def update_unit(actor: Actor, unit: Unit, data: Data) -> Unit:
    check = Check()
    name = check.text("name", data.get("name"), required=True)
    owner = _owner(check, data)
    eff = _effective(check, data)
    check.done()
    scope = {("unit", unit.pk): eff} if eff else {}
    with transaction.atomic(), revisions.changes(effective=scope):
        fields = {"name": name, "owner": owner}
        _save(actor, unit, fields, "unit.update", f"Changed unit {unit.code}", unit=unit.code)
    return unit


# -- perspectives ---------------------------------------------------------------------------


def _perspective_fields(
    check: Check, card: Scorecard, data: Data, pk: int | None
) -> dict[str, Any]:
    code = check.code("code", data.get("code"))
    if code and _others(card.perspectives.filter(code=code), pk).exists():
        check.add("code", f"unit {card.unit.code} already has a perspective with the code '{code}'")
    name = check.text("name", data.get("name"), required=True)
    return {"code": code, "name": name, **_rollup_fields(check, data, schemes())}


def create_perspective(actor: Actor, unit: Unit, data: Data) -> Perspective:
    with transaction.atomic():
        card, _ = Scorecard.objects.get_or_create(unit=unit)
        fields = _checked(_perspective_fields, card, data, None)
        return _add(actor, unit, Perspective(scorecard=card), fields)


def update_perspective(actor: Actor, perspective: Perspective, data: Data) -> Perspective:
    with transaction.atomic():
        card = perspective.scorecard
        fields = _checked(_perspective_fields, card, data, perspective.pk)
        summary = f"Changed perspective {fields['code']} of unit {card.unit.code}"
        _change(actor, card.unit, perspective, fields, summary)
    return perspective


CLASSIC = (
    ("financial", "Financial"),
    ("customer", "Customer"),
    ("internal", "Internal Process"),
    ("learning", "Learning & Growth"),
)


def add_classic_perspectives(actor: Actor, unit: Unit) -> list[Perspective]:
    """The four classic perspectives of a balanced scorecard, those the unit lacks, in one go;
    each is added and audited as if added one by one."""
    with transaction.atomic():
        card, _ = Scorecard.objects.get_or_create(unit=unit)
        taken = set(card.perspectives.values_list("code", flat=True))
        missing = [(code, name) for code, name in CLASSIC if code not in taken]
        if not missing:
            raise Invalid({"": ["this scorecard already has the four classic perspectives"]})
        return [
            create_perspective(actor, unit, {"code": code, "name": name}) for code, name in missing
        ]


# -- objectives -----------------------------------------------------------------------------


def _unit_of(objective: Objective) -> Unit:
    return objective.perspective.scorecard.unit


def _objective_fields(check: Check, unit: Unit, data: Data, pk: int | None) -> dict[str, Any]:
    code = check.code("code", data.get("code"))
    _code_free(check, Objective, code, pk)
    perspective = _in_unit(check, Perspective, data, unit)
    fields = {
        "code": code,
        "name": check.text("name", data.get("name"), required=True),
        "description": check.text("description", data.get("description")),
        "perspective": perspective,
        **_rollup_fields(check, data, schemes()),
    }
    fields["owner"] = _owner(check, data)
    return fields


def create_objective(actor: Actor, unit: Unit, data: Data) -> Objective:
    with transaction.atomic():
        return _add(actor, unit, Objective(), _checked(_objective_fields, unit, data, None))


def update_objective(actor: Actor, objective: Objective, data: Data) -> Objective:
    unit = _unit_of(objective)
    eff = _checked(_effective, data)
    scope = {("objective", objective.pk): eff} if eff else {}
    with transaction.atomic(), revisions.changes(effective=scope):
        fields = _checked(_objective_fields, unit, data, objective.pk)
        _change(actor, unit, objective, fields, f"Changed objective {fields['code']}")
    return objective


def set_links(actor: Actor, objective: Objective, drives: Sequence[int]) -> Objective:
    """The objectives of its own unit that this objective drives on the strategy map."""
    unit = _unit_of(objective)
    check = Check()
    wanted = set(drives)
    effects = {
        o.pk: o.code
        for o in Objective.objects.filter(pk__in=wanted, perspective__scorecard__unit=unit)
    }
    if objective.pk in wanted:
        check.add("drives", "an objective cannot drive itself")
    for pk in sorted(wanted - set(effects) - {objective.pk}):
        check.add("drives", f"it drives '{pk}', which is not an objective of unit {unit.code}")
    check.done()
    with transaction.atomic():
        current = dict(
            Link.objects.filter(cause=objective).values_list("effect_id", "effect__code")
        )
        gone, new = set(current) - wanted, wanted - set(current)
        if not gone and not new:
            return objective
        Link.objects.filter(cause=objective, effect_id__in=gone).delete()
        Link.objects.bulk_create(Link(cause=objective, effect_id=pk) for pk in sorted(new))
        record(
            actor,
            "objective.links",
            f"Changed what objective {objective.code} drives",
            unit=unit.code,
            before={"drives": sorted(current.values())},
            after={"drives": sorted(effects.values())},
        )
    return objective


def _ancestors(unit: Unit) -> list[int]:
    """The units above this one, nearest first."""
    tree = Hierarchy.of(Unit.objects.values_list("pk", "parent_id"))
    return tree.ancestors(unit.pk)[::-1]


# -- KPIs -----------------------------------------------------------------------------------


def _kpi_fields(
    check: Check, unit: Unit, data: Data, kpi: KPI | None, access: Access
) -> dict[str, Any]:
    code = check.code("code", data.get("code"))
    _code_free(check, KPI, code, kpi.pk if kpi else None)
    _code_kept(check, kpi, code)
    objective = _in_unit(check, Objective, data, unit)
    known = schemes()
    scheme_name = check.text("scheme", data.get("scheme")) or "default"
    scheme = known.get(scheme_name)
    if scheme is None:
        check.add("scheme", f"there is no scheme named '{scheme_name}'")
    grace = check.number("grace_days", data.get("grace_days"), minimum=0, default=15)
    if grace is not None and grace != int(grace):
        check.add("grace_days", "'grace_days' must be a whole number of days")
    tolerance = check.number("tolerance", data.get("tolerance"))
    if tolerance is not None and tolerance <= 0:
        check.add("tolerance", "'tolerance' must be above 0")
    named = {f: check.person(f, data.get(f)) for f in ("owner", "contributor")}
    frequency = check.choice("frequency", data.get("frequency"), FREQUENCIES, "monthly")
    formula = _formula(check, unit, data, kpi, code, frequency, access)
    return {
        "code": code,
        "name": check.text("name", data.get("name"), required=True),
        "description": check.text("description", data.get("description")),
        "unit": check.text("unit", data.get("unit")),
        "objective": objective,
        "direction": check.choice("direction", data.get("direction"), DIRECTIONS, "increase"),
        "frequency": frequency,
        "formula": formula,
        "aggregation": check.choice(
            "aggregation", data.get("aggregation"), periods.AGGREGATIONS, "sum"
        ),
        "scheme": scheme,
        "weight": check.number("weight", data.get("weight"), minimum=0, default=1.0),
        "kind": check.choice("kind", data.get("kind") or "", ("", *KINDS)),
        "grace_days": int(grace or 0),
        "tolerance": tolerance,
        **check.people(named),
    }


def _formula(
    check: Check,
    unit: Unit,
    data: Data,
    kpi: KPI | None,
    code: str,
    frequency: str,
    access: Access,
) -> str:
    """A calculated KPI's formula, checked as the scorecard file's are, or "" for none. An
    unchanged formula of an unchanged KPI is not checked again: a later change elsewhere (an
    input archived) must not stop its other fields from being edited."""
    formula = check.text("formula", data.get("formula"))
    if not formula:
        return ""
    same = kpi is not None and (kpi.formula, kpi.code, kpi.frequency) == (formula, code, frequency)
    if not same:
        for problem in formula_problems(
            formula,
            code=code or "this KPI",
            unit=unit.code,
            frequency=frequency,
            access=access,
            kpi_id=kpi.pk if kpi else None,
        ):
            check.add("formula", problem)
    return formula


def _check_kept_data(check: Check, kpi: KPI, fields: Mapping[str, Any]) -> None:
    """A KPI's new definition must still fit the targets and values it already has."""
    if (
        fields["frequency"] == kpi.frequency
        and fields["direction"] == kpi.direction
        and fields["scheme"] == kpi.scheme
        and fields["tolerance"] == kpi.tolerance
    ):
        return
    from fourfold.strategy.models import Organization

    new = kept.Definition(
        frequency=fields["frequency"],
        direction=fields["direction"],
        scheme=fields["scheme"].to_core() if fields["scheme"] is not None else None,
        tolerance=fields["tolerance"],
        old_frequency=kpi.frequency,
    )
    found = kept.misfits({kpi.pk: new}, Organization.get().fiscal_year_start)
    if found:
        check.add(found[0].field, found[0].message)


def _access(actor: Actor) -> Access:
    """What the actor may see, for the formula's inputs; no actor is the trusted system."""
    return Access.trusted() if actor is None else Access.of(actor)


def create_kpi(actor: Actor, unit: Unit, data: Data) -> KPI:
    with transaction.atomic():
        fields = _checked(_kpi_fields, unit, data, None, _access(actor))
        return _add(actor, unit, KPI(), fields)


def update_kpi(actor: Actor, kpi: KPI, data: Data) -> KPI:
    unit = kpi.objective.perspective.scorecard.unit
    eff = _checked(_effective, data)
    with transaction.atomic(), revisions.changes(effective={("kpi", kpi.pk): eff} if eff else {}):
        fields = _checked(_kpi_fields, unit, data, kpi, _access(actor))
        _checked(_check_kept_data, kpi, fields)
        _change(actor, unit, kpi, fields, f"Changed KPI {fields['code']}")
    return kpi


# -- order and archive ----------------------------------------------------------------------


def move(actor: Actor, item: Item, step: int) -> None:
    """Move an item one place up (-1) or down (+1) among its shown siblings."""
    if step not in (-1, 1):
        raise Invalid({"": ["an item moves one place up or down"]})
    with transaction.atomic():
        siblings = list(_siblings(item).filter(archived=False).order_by("order", "pk"))
        codes = [s.code for s in siblings]
        index = next((i for i, s in enumerate(siblings) if s.pk == item.pk), None)
        if index is None or not 0 <= index + step < len(siblings):
            return
        siblings[index], siblings[index + step] = siblings[index + step], siblings[index]
        changed = [s for i, s in enumerate(siblings) if s.order != i]
        for i, s in enumerate(siblings):
            s.order = i
        type(item).objects.bulk_update(changed, ["order"])
        record(
            actor,
            f"{_label(item).lower()}.move",
            f"Moved {_label(item)} {item.code} {'up' if step < 0 else 'down'}",
            before={"order": codes},
            after={"order": [s.code for s in siblings]},
        )


def set_archived(actor: Actor, item: Item, archived: bool) -> None:
    """Archive an item (it leaves the scorecard, its data stays) or bring it back."""
    if item.archived == archived:
        return
    if archived and isinstance(item, KPI) and (users := used_by(item.code)):
        whose = f"KPI {users[0]} takes" if len(users) == 1 else f"KPIs {', '.join(users)} take"
        raise Invalid({"": [f"the formula of {whose} {item.code} as an input: change it first"]})
    if not archived:
        parent: Item | None = None
        if isinstance(item, Objective):
            parent = item.perspective
        elif isinstance(item, KPI):
            parent = item.objective
        if parent is not None and parent.archived:
            raise Invalid(
                {"": [f"restore its {_label(parent)} '{parent.name}' first: it is archived"]}
            )
    with transaction.atomic():
        item.archived = archived
        if not archived:
            # Back at the end of its siblings, not in a slot that others took meanwhile.
            item.order = _next_order(_siblings(item).filter(archived=False))
        item.save(update_fields=["archived", "order"])
        verb = "Archived" if archived else "Restored"
        record(
            actor,
            f"{_label(item).lower()}.{'archive' if archived else 'restore'}",
            f"{verb} {_label(item)} {item.code}",
            before={"archived": not archived},
            after={"archived": archived},
        )
