"""`fourfold load`: create or update the whole definition from a scorecard file."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction

from fourfold.accounts.access import Access
from fourfold.audit.models import record
from fourfold.core import scoring
from fourfold.measures import intake, kept
from fourfold.measures.models import KPI, KPI_UNIT, Measurement, Scheme, Target
from fourfold.measures.services import TargetEntry, ValueEntry
from fourfold.revisions import capture as revisions
from fourfold.strategy.models import (
    Alignment,
    Link,
    Objective,
    Organization,
    Perspective,
    Scorecard,
    Unit,
)

from . import load_initiatives, phased, yamlsource
from .effective import effective_from
from .read import read_document
from .spec import Document, Known, KnownKpi, Problem


class LoadError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class LoadResult:
    created: Counter[str] = field(default_factory=Counter)
    changed: Counter[str] = field(default_factory=Counter)
    archived: Counter[str] = field(default_factory=Counter)
    new: set[tuple[type, Any]] = field(default_factory=set)

    @property
    def nothing_changed(self) -> bool:
        return not (self.created or self.changed or self.archived)

    def summary(self) -> str:
        if self.nothing_changed:
            return "Nothing changed."
        parts = []
        for label, counter in (
            ("created", self.created),
            ("changed", self.changed),
            ("archived", self.archived),
        ):
            if counter:
                parts.append(
                    label + " " + ", ".join(f"{n} {k}" for k, n in sorted(counter.items()))
                )
        return "; ".join(parts) + "."


def known_from_database() -> Known:
    return Known(
        fiscal_year_start=Organization.get().fiscal_year_start,
        schemes={s.name: s.to_core() for s in Scheme.objects.all()},
        units=dict(Unit.objects.values_list("code", "parent__code")),
        objectives=dict(
            Objective.objects.values_list("code", "perspective__scorecard__unit__code")
        ),
        aligned=_aligned_codes(),
        kpis=set(KPI.objects.values_list("code", flat=True)),
        kpi_facts={
            code: KnownKpi(unit, frequency, formula, archived)
            for code, frequency, formula, archived, unit in KPI.objects.values_list(
                "code",
                "frequency",
                "formula",
                "archived",
                f"{KPI_UNIT}__code",
            )
        },
    )


def _aligned_codes() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for child, parent in Alignment.objects.values_list("child__code", "parent__code"):
        out.setdefault(child, []).append(parent)
    return out


def _measured_but_calculated(document: Document) -> list[Problem]:
    """A KPI that has measured values cannot become calculated: its values would be hidden."""
    calculated = {sk.code: sk for _, _, sk in document.kpis() if sk.formula}
    if not calculated:
        return []
    measured = (
        Measurement.objects.filter(kpi__code__in=calculated)
        .values_list("kpi__code", flat=True)
        .distinct()
    )
    return [
        Problem(
            calculated[code].formula_line,
            f"KPI {code}",
            "it has measured values in the database; a calculated KPI cannot have any",
        )
        for code in sorted(set(measured))
    ]


def _stored_data_misfits(document: Document) -> list[Problem]:
    """Targets and values in the database that the file leaves as they are must still fit their
    KPI once the file changes its frequency, direction, scheme or tolerance: DESIGN.md refuses
    a red flag on the wrong side of the target, and a target of 0 for a percent scheme, when
    they are defined, and such a change defines them anew (`fourfold.measures.kept`)."""
    specs = {sk.code: sk for _, _, sk in document.kpis()}
    stored = {s.name: s.to_core() for s in Scheme.objects.all()}
    schemes = {**scoring.BUILTIN, **stored, **document.schemes}
    redefined = {n for n, s in document.schemes.items() if stored.get(n, s) != s}
    changed: dict[int, kept.Definition] = {}
    codes: dict[int, str] = {}
    # Every KPI, not those of the file by code: an IN of 20,000 codes is too many for SQLite.
    for pk, code, frequency, direction, scheme, tolerance in KPI.objects.values_list(
        "pk", "code", "frequency", "direction", "scheme__name", "tolerance"
    ):
        sk = specs.get(code)
        if sk is None:
            continue
        now = (frequency, direction, scheme, tolerance)
        if now != (sk.frequency, sk.direction, sk.scheme, sk.tolerance) or sk.scheme in redefined:
            changed[pk] = kept.Definition(
                sk.frequency, sk.direction, schemes.get(sk.scheme), sk.tolerance, frequency
            )
            codes[pk] = code
    if not changed:
        return []
    found = kept.misfits(
        changed,
        Organization.get().fiscal_year_start,
        restated=lambda kpi_id, period: period in specs[codes[kpi_id]].targets,
    )
    return [
        Problem(
            specs[codes[m.kpi_id]].line,
            f"KPI {codes[m.kpi_id]}",
            f"its target for {m.period} in the database no longer fits: {m.reason}; "
            f"give it a new target for {m.period} in the file"
            if m.target
            else f"{m.reason}: archive it and add a KPI with a new code instead",
        )
        for m in found
    ]


def parse(text: str) -> Document:
    """Read and check a scorecard file; raise LoadError with every problem found."""
    try:
        data = yamlsource.load(text)
    except yamlsource.YamlError as exc:
        place = f"column {exc.column}" if exc.line else "the file"
        raise LoadError([Problem(exc.line, place, str(exc))]) from exc
    document, problems = read_document(data, known_from_database())
    if document is not None:
        problems = _measured_but_calculated(document) + _stored_data_misfits(document)
        problems += phased.problems(document, _fiscal(document))
    if document is None or problems:
        raise LoadError(problems)
    return document


def _fiscal(document: Document) -> int:
    if document.organization is not None:
        return int(document.organization["fiscal_year_start"])
    return Organization.get().fiscal_year_start


def load(text: str, *, actor: AbstractBaseUser | None, source_name: str) -> LoadResult:
    document = parse(text)
    with transaction.atomic():
        try:
            result = _Writer(actor, source_name).write(document)
        except intake.Refused as refused:
            # The reader checks what the intake does, with lines; this is the net below it.
            raise LoadError(
                [Problem(0, source_name, p.message) for p in refused.problems]
            ) from refused
        if not result.nothing_changed:
            # Recording the change keeps it as a version (fourfold.revisions), from the
            # periods the file's `effective_from` say, with the file as its reason.
            reason = f"fourfold load {source_name}"
            with revisions.changes(effective=effective_from(document), reason=reason):
                record(actor, "load", f"Loaded {source_name}: {result.summary()}", file=source_name)
    return result


def _assign(obj: models.Model, result: LoadResult, label: str, /, **fields: Any) -> None:
    """Set fields and save only what differs, so that loading twice changes nothing."""
    if obj.pk is None:
        for name, value in fields.items():
            setattr(obj, name, value)
        obj.save()
        result.created[label] += 1
        result.new.add((type(obj), obj.pk))
        return
    changed = [name for name, value in fields.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, fields[name])
        obj.save(update_fields=changed)
        if (type(obj), obj.pk) not in result.new:  # a second pass on a new object is no change
            result.changed[label] += 1


class _Writer:
    def __init__(self, actor: AbstractBaseUser | None, source_name: str) -> None:
        self.actor = actor
        self.source_name = source_name
        self.result = LoadResult()
        self.users: dict[str, Any] = {}

    def user(self, email: str | None) -> Any:
        """The person a file names by email address, or by user name when they have none;
        someone not known yet is created, without a password."""
        if email is None:
            return None
        if email not in self.users:
            User = get_user_model()
            if "@" in email:
                user = User.objects.filter(email__iexact=email).order_by("pk").first()
            else:
                user = User.objects.filter(username=email).first()
            if user is None:
                user = User(username=email, email=email if "@" in email else "")
                user.set_unusable_password()
                user.save()
                self.result.created["users"] += 1
                self.result.new.add((User, user.pk))
            self.users[email] = user
        return self.users[email]

    def name_people(self, people: dict[str, str]) -> None:
        """Give the people the file lists their names (first name: all but the last word)."""
        for who, full in people.items():
            first, _, last = full.rpartition(" ")
            if not first:
                first, last = last, ""
            _assign(self.user(who), self.result, "users", first_name=first, last_name=last)

    def write(self, doc: Document) -> LoadResult:
        r = self.result
        if doc.organization is not None:
            _assign(Organization.get(), r, "organization", **doc.organization)
        self.name_people(doc.people)
        schemes = {s.name: s for s in Scheme.objects.all()}
        for name, spec in doc.schemes.items():
            obj = schemes.get(name) or Scheme(name=name)
            _assign(
                obj,
                r,
                "schemes",
                type=spec.type,
                statuses=[{"name": s.name, "color": s.color} for s in spec.statuses],
                mins=[float(m) for m in spec.mins],
            )
            schemes[name] = obj
        for name, builtin in scoring.BUILTIN.items():
            if name not in schemes:
                schemes[name] = Scheme.objects.create(
                    name=name,
                    type=builtin.type,
                    statuses=[{"name": s.name, "color": s.color} for s in builtin.statuses],
                )
        units = {u.code: u for u in Unit.objects.all()}
        for spec_unit in doc.units:
            unit = units.get(spec_unit.code) or Unit(code=spec_unit.code)
            _assign(
                unit,
                r,
                "units",
                name=spec_unit.name,
                owner=self.user(spec_unit.owner),
                order=spec_unit.order,
            )
            units[unit.code] = unit
        for spec_unit in doc.units:
            parent = units[spec_unit.parent] if spec_unit.parent else None
            _assign(units[spec_unit.code], r, "units", parent=parent)
        objectives = {o.code: o for o in Objective.objects.all()}
        kpis = {k.code: k for k in KPI.objects.all()}
        touched: list[tuple[Objective, list[str]]] = []
        for spec_unit in doc.units:
            card = Scorecard.objects.filter(unit=units[spec_unit.code]).first()
            card = card or Scorecard(unit=units[spec_unit.code])
            _assign(
                card,
                r,
                "scorecards",
                rollup=spec_unit.rollup,
                scheme=schemes[spec_unit.scheme] if spec_unit.scheme else None,
            )
            existing = {p.code: p for p in card.perspectives.all()}
            for sp in spec_unit.perspectives:
                persp = existing.pop(sp.code, None) or Perspective(scorecard=card, code=sp.code)
                _assign(
                    persp,
                    r,
                    "perspectives",
                    name=sp.name,
                    order=sp.order,
                    weight=sp.weight,
                    rollup=sp.rollup,
                    scheme=schemes[sp.scheme] if sp.scheme else None,
                    archived=False,
                )
                for so in sp.objectives:
                    objective = objectives.get(so.code) or Objective(code=so.code)
                    _assign(
                        objective,
                        r,
                        "objectives",
                        perspective=persp,
                        name=so.name,
                        description=so.description,
                        owner=self.user(so.owner),
                        order=so.order,
                        weight=so.weight,
                        rollup=so.rollup,
                        scheme=schemes[so.scheme] if so.scheme else None,
                        archived=False,
                    )
                    objectives[so.code] = objective
                    touched.append((objective, so.drives))
                    for sk in so.kpis:
                        self.kpi(kpis, sk, objective, schemes)
            for persp in existing.values():
                _assign(persp, r, "perspectives archived", archived=True)
        self.align_and_link(doc, objectives, touched)
        self.archive_missing(doc, units)
        load_initiatives.write(doc, r, _assign, self.user, self.actor, units)
        self.data(doc, kpis)
        return r

    def kpi(
        self, kpis: dict[str, KPI], sk: Any, obj: Objective, schemes: dict[str, Scheme]
    ) -> None:
        kpi = kpis.get(sk.code) or KPI(code=sk.code)
        _assign(
            kpi,
            self.result,
            "KPIs",
            objective=obj,
            name=sk.name,
            description=sk.description,
            unit=sk.unit,
            owner=self.user(sk.owner),
            contributor=self.user(sk.contributor),
            direction=sk.direction,
            frequency=sk.frequency,
            aggregation=sk.aggregation,
            scheme=schemes[sk.scheme],
            weight=sk.weight,
            kind=sk.kind,
            grace_days=sk.grace_days,
            tolerance=sk.tolerance,
            formula=sk.formula,
            order=sk.order,
            archived=False,
        )
        kpis[sk.code] = kpi

    def align_and_link(
        self,
        doc: Document,
        objectives: dict[str, Objective],
        touched: list[tuple[Objective, list[str]]],
    ) -> None:
        self.align(doc, objectives)
        ids = [obj.pk for obj, _ in touched]
        current = set(Link.objects.filter(cause_id__in=ids).values_list("cause_id", "effect_id"))
        wanted = {(obj.pk, objectives[code].pk) for obj, drives in touched for code in drives}
        if current - wanted:
            for cause, effect in current - wanted:
                Link.objects.filter(cause_id=cause, effect_id=effect).delete()
            self.result.archived["links removed"] += len(current - wanted)
        if wanted - current:
            Link.objects.bulk_create(Link(cause_id=c, effect_id=e) for c, e in wanted - current)
            self.result.created["links"] += len(wanted - current)

    def align(self, doc: Document, objectives: dict[str, Objective]) -> None:
        """Each objective's alignments as the file lists them, in its order."""
        ids = [objectives[so.code].pk for _, _, so in doc.objectives()]
        current = {(a.child_id, a.parent_id): a for a in Alignment.objects.filter(child_id__in=ids)}
        wanted = set()
        for _, _, so in doc.objectives():
            child = objectives[so.code]
            for order, entry in enumerate(so.aligned_to):
                parent = objectives[entry.objective]
                wanted.add((child.pk, parent.pk))
                row = current.get((child.pk, parent.pk)) or Alignment(child=child, parent=parent)
                _assign(
                    row,
                    self.result,
                    "alignments",
                    contributes=entry.contributes,
                    weight=entry.weight,
                    order=order,
                )
        gone = [a.pk for key, a in current.items() if key not in wanted]
        if gone:
            Alignment.objects.filter(pk__in=gone).delete()
            self.result.archived["alignments removed"] += len(gone)

    def archive_missing(self, doc: Document, units: dict[str, Unit]) -> None:
        """Objectives and KPIs of the file's units that the file no longer names are archived."""
        unit_ids = [units[u.code].pk for u in doc.units]
        objective_codes = {so.code for _, _, so in doc.objectives()}
        kpi_codes = {sk.code for _, _, sk in doc.kpis()}
        gone = Objective.objects.filter(
            perspective__scorecard__unit_id__in=unit_ids, archived=False
        ).exclude(code__in=objective_codes)
        if n := gone.update(archived=True):
            self.result.archived["objectives"] += n
        gone_kpis = (
            KPI.objects.in_units(unit_ids).filter(archived=False).exclude(code__in=kpi_codes)
        )
        if n := gone_kpis.update(archived=True):
            self.result.archived["KPIs"] += n

    def data(self, doc: Document, kpis: dict[str, KPI]) -> None:
        """The file's targets and values, through the intake as every channel's; the reader
        has checked them with their lines, so a refusal here is a bug, not a user's error."""
        reason = f"loaded from {self.source_name}"
        access = Access.trusted(self.actor)
        targets = [
            TargetEntry(
                kpis[sk.code].pk,
                period,
                tuple(fields[f] for f in Target.FIELDS),
                phase=sk.phases.get(period, ""),
            )
            for _, _, sk in doc.kpis()
            for period, fields in sk.targets.items()
        ]
        # The parts phased targets imply, each with the reason "phased from P".
        targets += phased.entries(doc, _fiscal(doc), kpis)
        # The reader checked every target and value with the intake's rules, with their lines.
        count = intake.submit_targets(
            targets, actor=self.actor, access=access, channel="load", reason=reason,
            checked=True, file=self.source_name,
        )  # fmt: skip
        self.result.created["targets"] += count.created
        self.result.changed["targets"] += count.changed
        values = [
            ValueEntry(kpis[sk.code].pk, period, value, comment)
            for _, _, sk in doc.kpis()
            for period, (value, comment) in sk.values.items()
        ]
        done = intake.submit_values(
            values, actor=self.actor, access=access, channel="load",
            detail=self.source_name, reason=reason, checked=True,
        )  # fmt: skip
        count = done.written
        if done.held:
            self.result.created["values waiting for approval"] += len(done.held)
        self.result.created["values"] += count.created
        self.result.changed["values"] += count.changed
        for counter in (self.result.created, self.result.changed):
            for key in [k for k, n in counter.items() if n == 0]:
                del counter[key]
