"""Whether a KPI may take a formula, checked against the database as the scorecard file is.

The rules live in one place each: the grammar in `fourfold.core.formulas.parse`, the inputs
(unknown codes, inputs coarser than the KPI, roll-ups without child KPIs, cycles, a KPI that
uses itself) in `fourfold.files.calculated.check`, which the file loader runs on a whole
file. `formula_problems` runs both on ONE KPI as a change would leave it (the Design form's,
or any other writer's), with every other KPI and unit as the database holds them. A KPI that
holds measured values cannot become calculated, as `fourfold load` refuses it too.
"""

from __future__ import annotations

from django.db.models import Count, Max, Min

from fourfold.accounts.access import Access
from fourfold.core import formulas
from fourfold.files import calculated
from fourfold.files.spec import (
    Document,
    Known,
    KnownKpi,
    KpiSpec,
    ObjectiveSpec,
    PerspectiveSpec,
    Reader,
    UnitSpec,
)
from fourfold.strategy.models import Unit

from .models import KPI, KPI_UNIT, Measurement

UNIT_OF_KPI = f"{KPI_UNIT}__code"


def formula_problems(
    formula: str,
    *,
    code: str,
    unit: str,
    frequency: str,
    access: Access,
    kpi_id: int | None = None,
) -> list[str]:
    """Why `formula` cannot be the formula of KPI `code`, reported `frequency`, of unit `unit`:
    an empty list when it can. `kpi_id` is the KPI being changed, None for a new one. A
    message names the formula's column where the loader's does: "column 9: unknown KPI code
    'revenu'; did you mean 'revenue'?". The formula may name only the KPIs `access` may see
    (a calculated KPI shows its inputs' figures to whoever sees it); to its author the others
    do not exist, and no suggestion names them."""
    try:
        formulas.parse(formula)
    except formulas.FormulaError as exc:
        return [str(exc)]
    units: dict[str, str | None] = dict(Unit.objects.values_list("code", "parent__code"))
    facts: dict[str, KnownKpi] = {}
    hidden: set[str] = set()
    for pk, other, freq, text, archived, owner, unit_id in KPI.objects.values_list(
        "pk", "code", "frequency", "formula", "archived", UNIT_OF_KPI, KPI.UNIT_ID
    ):
        if pk == kpi_id:
            continue  # the KPI itself is as the change leaves it, in the document below
        facts[other] = KnownKpi(owner, freq, text, archived)
        if not access.can_view(unit_id):
            hidden.add(other)
    spec = KpiSpec(code, code, "", 0, frequency=frequency, formula=formula.strip())
    objective = ObjectiveSpec("", "", 0, kpis=[spec])
    perspective = PerspectiveSpec("", "", 0, objectives=[objective])
    holder = UnitSpec(unit, unit, 0, parent=units.get(unit), perspectives=[perspective])
    reader = Reader(Known(units=units, kpi_facts=facts, hidden=frozenset(hidden)))
    calculated.check(reader, Document(None, {}, [holder]))
    where = f"formula of KPI {code}"
    out = []
    for problem in reader.problems:
        column = problem.place.removeprefix(where).lstrip(", ")
        out.append(f"{column}: {problem.message}" if column else problem.message)
    if kpi_id is not None and (held := measured(kpi_id)):
        out.append(held)
    return out


def measured(kpi_id: int) -> str | None:
    """Why a KPI that holds measured values cannot become calculated; None if it holds none."""
    found = Measurement.objects.filter(kpi_id=kpi_id).aggregate(
        count=Count("pk"), first=Min("period"), last=Max("period")
    )
    count = found["count"]
    if not count:
        return None
    span = found["first"] if count == 1 else f"{found['first']} to {found['last']}"
    return (
        f"this KPI holds {count} measured value{'s' if count != 1 else ''} ({span}) and a "
        "calculated KPI takes none: its values are computed from the formula. To calculate it, "
        "archive this KPI (its values stay in its history) and add a calculated KPI with a new "
        "code"
    )


def used_by(code: str) -> list[str]:
    """The live calculated KPIs whose formulas take KPI `code` as an input, directly or as a
    child unit's KPI of a roll-up (`sum_children(orders)` takes `north.orders`)."""
    out = []
    for other, formula in (
        KPI.objects.filter(archived=False).exclude(formula="").values_list("code", "formula")
    ):
        try:
            leaves = formulas.leaves(formulas.parse(formula))
        except formulas.FormulaError:
            continue
        for leaf in leaves:
            if leaf.kind in formulas.REFERENCES and leaf.code == code:
                out.append(other)
                break
            if leaf.kind in formulas.CHILDREN and code.endswith(f".{leaf.code}"):
                out.append(other)
                break
    return sorted(out)
