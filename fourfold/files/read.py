"""Turn a parsed scorecard file into a checked Document, or the list of its problems."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from fourfold.core import formulas, periods, phasing, scoring
from fourfold.core.entries import LIMIT, actual_problem, limit_problem
from fourfold.core.hierarchy import Hierarchy

from . import alignment, calculated, read_initiatives
from .spec import (
    DIRECTIONS,
    FREQUENCIES,
    FREQUENCY_KIND,
    KINDS,
    ROLLUPS,
    TARGET_FIELDS,
    TARGET_KINDS,
    Document,
    Known,
    KpiSpec,
    ObjectiveSpec,
    PerspectiveSpec,
    Problem,
    Reader,
    UnitSpec,
)
from .yamlsource import Items, Node

ROLLUP_FIELDS = ("rollup", "scheme", "weight")
Parent = UnitSpec | PerspectiveSpec | ObjectiveSpec
T = TypeVar("T")


def read_document(data: Any, known: Known) -> tuple[Document | None, list[Problem]]:
    reader = Reader(known)
    if not isinstance(data, Node):
        what = "it is empty" if data is None else f"it holds {_kind(data)}"
        line = getattr(data, "line", 1)
        return None, [Problem(line, "the file", f"{what}; expected 'organization' and 'units'")]
    reader.only(data, ("organization", "people", "schemes", "units"), "the file")
    organization = _organization(reader, data)
    fiscal = organization["fiscal_year_start"] if organization else known.fiscal_year_start
    schemes = _schemes(reader, data)
    all_schemes = {**scoring.BUILTIN, **known.schemes, **schemes}
    context = _Context(reader, fiscal, all_schemes)
    units = reader.each(reader.items(data, "units", "the file"), "units", context.unit)
    document = Document(organization, schemes, units, _people(reader, data))
    _check_references(reader, document)
    calculated.check(reader, document)
    reader.problems.sort(key=lambda p: p.line)
    return (None if reader.problems else document), reader.problems


def _organization(reader: Reader, data: Node) -> dict[str, Any] | None:
    value = data.get("organization")
    if value is None:
        return None
    node = reader.mapping(value, data, "organization", "organization")
    if node is None:
        return None
    reader.only(node, ("name", "fiscal_year_start"), "organization")
    start = node.get("fiscal_year_start", 1)
    if isinstance(start, bool) or not isinstance(start, int) or not 1 <= start <= 12:
        reader.problem(
            node,
            "fiscal_year_start",
            "organization",
            f"'fiscal_year_start' must be a month number from 1 to 12, got {start!r}",
        )
        start = 1
    name = reader.text(node, "name", "organization") or "My organization"
    return {"name": name, "fiscal_year_start": start}


def _people(reader: Reader, data: Node) -> dict[str, str]:
    """`people:`, each `{email: ..., name: ...}`: the names the file's people go by."""
    out: dict[str, str] = {}
    if data.get("people") is None:
        return out

    def person(node: Node, place: str, _: int) -> None:
        reader.only(node, ("email", "name"), place)
        who = reader.email(node, "email", place)
        name = reader.text(node, "name", place, required=True)
        if "email" not in node:
            reader.problem(node, None, place, "'email' is required (or the person's user name)")
        if who is None or not name:
            return
        if who in out:
            reader.problem(node, "email", place, f"{who} is listed twice")
        elif len(name) > 300:
            reader.problem(node, "name", place, "a name has at most 300 characters")
        else:
            out[who] = " ".join(name.split())

    reader.each(reader.items(data, "people", "the file"), "people", person)
    return out


def _schemes(reader: Reader, data: Node) -> dict[str, scoring.Scheme]:
    value = data.get("schemes")
    if value is None:
        return {}
    node = reader.mapping(value, data, "schemes", "schemes")
    if node is None:
        return {}
    out = {}
    for name, spec in node.items():
        place = f"scheme {name}"
        if name in scoring.BUILTIN:
            reader.problem(node, name, place, f"'{name}' is a built-in scheme; choose another name")
            continue
        if not isinstance(spec, Node):
            reader.problem(node, name, place, "expected the scheme's type and bands")
            continue
        try:
            out[name] = scoring.scheme_from_spec(name, spec)
        except scoring.SchemeError as exc:
            reader.problem(node, name, place, str(exc))
    return out


class _Context:
    def __init__(self, reader: Reader, fiscal: int, schemes: dict[str, scoring.Scheme]) -> None:
        self.r = reader
        self.fiscal = fiscal
        self.schemes = schemes

    def scheme(self, node: Node, place: str, *, default: str | None) -> str | None:
        name = self.r.text(node, "scheme", place)
        if name is None:
            return default
        if name not in self.schemes:
            self.r.problem(node, "scheme", place, f"there is no scheme named '{name}'")
        return name

    def _head(self, node: Node, place: str, kind: str, fields: tuple[str, ...]) -> tuple[str, str]:
        """An item's code and the place its problems name; fields other than code, name and
        `fields` are reported."""
        code = self.r.code(node, "code", place) or ""
        place = f"{kind} {code}" if code else place
        self.r.only(node, ("code", "name", *fields), place)
        return code, place

    def _named(self, node: Node, code: str, place: str) -> dict[str, Any]:
        """The fields every item of the file starts with: code, name and line."""
        name = self.r.text(node, "name", place, required=True) or ""
        return {"code": code, "name": name, "line": node.line}

    def _rollup(self, node: Node, place: str) -> dict[str, Any]:
        """How the scores of a unit's, perspective's or objective's children combine."""
        return {
            "rollup": self.r.choice(node, "rollup", ROLLUPS, place, "weighted_mean"),
            "scheme": self.scheme(node, place, default=None),
        }

    def _children(
        self,
        node: Node,
        place: str,
        parent: Parent,
        key: str,
        read: Callable[[Node, str, int], T | None],
    ) -> list[T]:
        """The items under `key`, once the parent's roll-up is checked against its scheme."""
        if parent.rollup == "share_met" and parent.scheme is not None:
            self._needs_percent(node, place, parent.scheme)
        return self.r.each(self.r.items(node, key, place), f"{place}, {key}", read)

    def unit(self, node: Node, place: str, index: int) -> UnitSpec | None:
        r = self.r
        code, place = self._head(
            node,
            place,
            "unit",
            ("parent", "owner", "perspectives", "initiatives", "effective_from", *ROLLUP_FIELDS),
        )
        unit = UnitSpec(
            **self._named(node, code, place),
            parent=r.text(node, "parent", place),
            owner=r.email(node, "owner", place),
            **self._rollup(node, place),
            order=index,
            effective_from=self._effective(node, place),
        )
        unit.perspectives = self._children(node, place, unit, "perspectives", self.perspective)
        unit.initiatives = read_initiatives.read(r, node, place, self.fiscal)
        return unit if code else None

    def perspective(self, node: Node, place: str, index: int) -> PerspectiveSpec | None:
        code, place = self._head(node, place, "perspective", ("objectives", *ROLLUP_FIELDS))
        perspective = PerspectiveSpec(
            **self._named(node, code, place),
            weight=self.r.number(node, "weight", place, minimum=0) or 1.0,
            **self._rollup(node, place),
            order=index,
        )
        perspective.objectives = self._children(
            node, place, perspective, "objectives", self.objective
        )
        return perspective if code else None

    def objective(self, node: Node, place: str, index: int) -> ObjectiveSpec | None:
        r = self.r
        own = (
            "description",
            "owner",
            "drives",
            "aligned_to",
            "contributes",
            "kpis",
            "effective_from",
        )
        code, place = self._head(node, place, "objective", (*own, *ROLLUP_FIELDS))
        drives = []
        for i, target in enumerate(r.items(node, "drives", place)):
            if isinstance(target, str | int) and not isinstance(target, bool):
                drives.append(str(target))
            else:
                r.problem(node, "drives", place, f"drives item {i + 1} must be an objective code")
        objective = ObjectiveSpec(
            **self._named(node, code, place),
            description=r.text(node, "description", place) or "",
            owner=r.email(node, "owner", place),
            **self._rollup(node, place),
            weight=_weight(r, node, place),
            drives=drives,
            aligned_to=alignment.read(r, node, place),
            order=index,
            effective_from=self._effective(node, place),
        )
        objective.kpis = self._children(
            node, place, objective, "kpis", lambda n, p, i: self.kpi(n, p, i, objective.code)
        )
        return objective if code else None

    def _effective(self, node: Node, place: str) -> str | None:
        """The period from which the item's changes apply, as its first month's key."""
        value = node.get("effective_from")
        if value is None:
            return None
        try:
            found = periods.parse_period(str(value), self.fiscal)
        except periods.PeriodError as exc:
            self.r.problem(node, "effective_from", place, f"'effective_from' {exc}")
            return None
        if found.kind == "ytd":
            self.r.problem(
                node, "effective_from", place, "'effective_from' must be a month, quarter or year"
            )
            return None
        return found.months[0]

    def _needs_percent(self, node: Node, place: str, scheme: str) -> None:
        found = self.schemes.get(scheme)
        if found is not None and found.type != "percent_of_target":
            self.r.problem(
                node, "scheme", place, "a share_met roll-up needs a percent_of_target scheme"
            )

    def kpi(self, node: Node, place: str, index: int, objective: str) -> KpiSpec | None:
        r = self.r
        code, place = self._head(
            node,
            place,
            "KPI",
            ("description", "unit", "owner", "contributor", "direction", "frequency")
            + ("aggregation", "scheme", "weight", "type", "grace_days", "tolerance", "formula")
            + ("targets", "values", "effective_from"),
        )
        kpi = KpiSpec(
            **self._named(node, code, place),
            objective=objective,
            description=r.text(node, "description", place) or "",
            unit=r.text(node, "unit", place) or "",
            owner=r.email(node, "owner", place),
            contributor=r.email(node, "contributor", place),
            direction=r.choice(node, "direction", DIRECTIONS, place, "increase"),
            frequency=r.choice(node, "frequency", FREQUENCIES, place, "monthly"),
            aggregation=r.choice(node, "aggregation", periods.AGGREGATIONS, place, "sum"),
            scheme=self.scheme(node, place, default="default") or "default",
            weight=_weight(r, node, place),
            kind=r.choice(node, "type", ("", *KINDS), place, ""),
            grace_days=_grace(r, node, place),
            tolerance=r.number(node, "tolerance", place),
            order=index,
            effective_from=self._effective(node, place),
        )
        if kpi.tolerance is not None and kpi.tolerance <= 0:
            r.problem(node, "tolerance", place, "'tolerance' must be above 0")
        self._formula(node, place, kpi)
        scheme = self.schemes.get(kpi.scheme)
        if scheme is not None:
            self._targets(node, place, kpi, scheme)
            self._values(node, place, kpi, scheme)
        return kpi if code else None

    def _formula(self, node: Node, place: str, kpi: KpiSpec) -> None:
        r = self.r
        if node.get("formula") is None:
            return
        kpi.formula_line = node.line_of("formula")
        if isinstance(node.get("formula"), Items):
            r.problem(
                node,
                "formula",
                place,
                "a formula that starts with '[' must be quoted, e.g. formula: \"[2fa] * 100\"",
            )
            return
        text = r.text(node, "formula", place)
        if text is None:
            return
        try:
            formulas.parse(text)
        except formulas.FormulaError as exc:
            r.problems.append(
                Problem(
                    kpi.formula_line, f"formula of KPI {kpi.code}, column {exc.column}", exc.message
                )
            )
            return
        kpi.formula = text.strip()
        if node.get("values") is not None:
            r.problem(
                node,
                "values",
                place,
                "a calculated KPI takes no values: they are computed from its formula",
            )

    def _period(self, node: Node, key: str, place: str, kinds: tuple[str, ...]) -> str | None:
        try:
            period = periods.parse_period(key, self.fiscal)
        except periods.PeriodError as exc:
            self.r.problem(node, key, place, str(exc))
            return None
        if period.kind not in kinds:
            self.r.problem(
                node,
                key,
                place,
                f"a {period.kind} does not fit here ({' or '.join(kinds)} expected)",
            )
            return None
        if (outside := periods.outside_limits(period, date.today())) is not None:
            self.r.problem(node, key, place, outside)
            return None
        return period.key

    def _by_period(self, node: Node, place: str, field: str) -> Node | None:
        """A KPI's `targets` or `values`: a mapping by period, or None when absent or wrong."""
        raw = node.get(field)
        if raw is None or isinstance(raw, Node):
            return raw
        example = (
            "{2026-01: {target: 100, red_flag: 90}}" if field == "targets" else "{2026-01: 104}"
        )
        self.r.problem(
            node,
            field,
            place,
            f"'{field}' must map periods to {field}, such as {example}; got {_kind(raw)}",
        )
        return None

    def _targets(self, node: Node, place: str, kpi: KpiSpec, scheme: scoring.Scheme) -> None:
        r = self.r
        targets = self._by_period(node, place, "targets")
        if targets is None:
            return
        for key, value in targets.items():
            where = f"{place}, target {key}"
            if not isinstance(value, Node):
                r.problem(
                    targets,
                    key,
                    where,
                    f"a target is a mapping such as {{target: 100, red_flag: 90}} or "
                    f"{{low: 20, high: 30}}, got {_kind(value)}",
                )
            entry = value if isinstance(value, Node) else None
            period = self._period(targets, key, where, TARGET_KINDS[kpi.frequency])
            if entry is None or period is None:
                continue
            r.only(entry, (*TARGET_FIELDS, "phase"), where)
            fields = {name: r.number(entry, name, where) for name in TARGET_FIELDS}
            if any(name in entry and fields[name] is None for name in TARGET_FIELDS):
                continue  # already reported as not a number
            beyond = [(n, v) for n, v in fields.items() if v is not None and not abs(v) <= LIMIT]
            if beyond:
                r.problem(
                    targets, key, where, limit_problem(beyond[0][0].replace("_", " "), beyond[0][1])
                )
                continue
            try:
                scoring.check_target(
                    scheme,
                    kpi.direction,
                    target=fields["target"],
                    red_flag=fields["red_flag"],
                    low=fields["low"],
                    high=fields["high"],
                    tolerance=kpi.tolerance,
                )
            except scoring.TargetError as exc:
                r.problem(targets, key, where, str(exc))
                continue
            kpi.targets[period] = fields
            kpi.target_lines[period] = targets.line_of(key)
            if "phase" in entry:
                self._phase(entry, where, kpi, period)

    def _phase(self, entry: Node, where: str, kpi: KpiSpec, period: str) -> None:
        """A target's `phase:`, as far as the file alone tells (the history is asked later)."""
        phase = self.r.text(entry, "phase", where)
        if phase is None:
            return
        problem = phasing.fit_problem(phase, kpi.aggregation, kpi.direction)
        if problem is None:
            try:
                phasing.parts(periods.parse_period(period, self.fiscal), kpi.frequency)
            except phasing.PhaseError as exc:
                problem = str(exc)
        if problem:
            self.r.problem(entry, "phase", where, problem)
            return
        kpi.phases[period] = phase

    def _values(self, node: Node, place: str, kpi: KpiSpec, scheme: scoring.Scheme) -> None:
        r = self.r
        values = self._by_period(node, place, "values")
        if values is None:
            return
        kind = FREQUENCY_KIND[kpi.frequency]
        for key, value in values.items():
            where = f"{place}, value {key}"
            period = self._period(values, key, where, (kind,))
            comment = ""
            if isinstance(value, Node):
                r.only(value, ("actual", "comment"), where)
                comment = r.text(value, "comment", where) or ""
                actual = r.number(value, "actual", where)
                if actual is None and "actual" not in value:
                    r.problem(value, None, where, "'actual' is required")
            else:
                actual = r.number(values, key, where) if value is not None else None
                if value is None:
                    r.problem(values, key, where, "the value is empty")
            if period is None or actual is None:
                continue
            problem = actual_problem(kpi.code, scheme, float(actual))
            if problem is not None:
                r.problem(values, key, where, problem)
                continue
            kpi.values[period] = (float(actual), comment)


def _kind(value: Any) -> str:
    """What a wrong value is, for a message: a list, a mapping, or the value itself."""
    if isinstance(value, Items | list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return repr(value)


def _weight(reader: Reader, node: Node, place: str) -> float:
    value = reader.number(node, "weight", place, minimum=0)
    return 1.0 if value is None else float(value)


def _grace(reader: Reader, node: Node, place: str) -> int:
    value = reader.number(node, "grace_days", place, minimum=0)
    if value is None:
        return 15
    if value != int(value):
        reader.problem(node, "grace_days", place, "'grace_days' must be a whole number of days")
        return 15
    return int(value)


def _check_references(reader: Reader, document: Document) -> None:
    """Codes are unique, parents exist, alignments point up the tree, links resolve."""
    known = reader.known
    units: dict[str, str | None] = dict(known.units)
    seen: dict[str, int] = {}
    for unit in document.units:
        _once(reader, seen, unit.code, unit.line, "unit")
        units[unit.code] = unit.parent
    for unit in document.units:
        if unit.parent is not None and unit.parent not in units:
            reader.problems.append(
                Problem(unit.line, f"unit {unit.code}", f"its parent '{unit.parent}' is not a unit")
            )
    tree = Hierarchy(units)
    for unit in document.units:
        above = tree.ancestors(unit.code)
        # The walk up ended on a unit whose parent it had passed already: a cycle above.
        if above and units.get(above[0]) in {unit.code, *above}:
            reader.problems.append(
                Problem(unit.line, f"unit {unit.code}", "its parents form a cycle")
            )

    objective_unit: dict[str, str] = dict(known.objectives)
    seen = {}
    for unit, _, objective in document.objectives():
        _once(reader, seen, objective.code, objective.line, "objective")
        objective_unit[objective.code] = unit.code
    # Objectives of the file's units that the file no longer names: loading archives them, so
    # nothing may drive them or be aligned to them.
    file_units = {unit.code for unit in document.units}
    archiving = {
        code
        for code, unit_code in known.objectives.items()
        if unit_code in file_units and code not in seen
    }
    codes: dict[str, int] = {}
    for unit in document.units:
        pseen: dict[str, int] = {}
        for perspective in unit.perspectives:
            if perspective.code in pseen:
                reader.problems.append(
                    Problem(
                        perspective.line,
                        f"perspective {perspective.code}",
                        f"unit {unit.code} already has it on line {pseen[perspective.code]}",
                    )
                )
            pseen[perspective.code] = perspective.line
    for _, _, objective in document.objectives():
        place = f"objective {objective.code}"
        for effect in objective.drives:
            if effect not in objective_unit:
                reader.problems.append(
                    Problem(
                        objective.line, place, f"it drives '{effect}', which is not an objective"
                    )
                )
            elif effect in archiving:
                reader.problems.append(
                    Problem(
                        objective.line,
                        place,
                        f"it drives '{effect}', which the file no longer names (loading it "
                        "archives that objective)",
                    )
                )
            elif effect == objective.code:
                reader.problems.append(
                    Problem(objective.line, place, "an objective cannot drive itself")
                )
        for kpi in objective.kpis:
            _once(reader, codes, kpi.code, kpi.line, "KPI")
    alignment.check(reader, document, objective_unit, archiving, units)
    read_initiatives.check_references(reader, document, objective_unit)


def _once(reader: Reader, seen: dict[str, int], code: str, line: int, kind: str) -> None:
    """Report a code that the file already used for its kind of item; remember this one."""
    if code in seen:
        message = f"the code is already used on line {seen[code]}"
        reader.problems.append(Problem(line, f"{kind} {code}", message))
    seen[code] = line
