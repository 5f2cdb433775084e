"""What `fourfold dump --as-of` reads: the definition, targets and values as they stood.

The same questions as fourfold.files.dump.Tables, answered from the versions that stood at
the moment (each object's definition for its latest periods) and the targets and values
entered by then. Initiatives are left out: their milestones and progress are not versioned,
so the file says nothing of them and loading it leaves initiatives as they are.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q

from fourfold.measures.models import (
    KPI,
    Measurement,
    MeasurementVersion,
    Scheme,
    Target,
    TargetVersion,
)
from fourfold.strategy.models import (
    Objective,
    Organization,
    Perspective,
    Scorecard,
    Unit,
)

from . import snapshot


def latest(found: snapshot.Snapshot) -> dict[str, dict[int, dict[str, Any]]]:
    """Each object's definition for its latest periods, without those removed."""
    return {
        kind: {pk: state[-1]["fields"] for pk, state in objects.items() if state[-1]["fields"]}
        for kind, objects in found.timelines.items()
    }


def _ordered(items: dict[int, dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    return sorted(items.items(), key=lambda kv: (kv[1].get("order", 0), kv[0]))


class AsOf:
    initiatives = False

    def __init__(self, moment: dt.datetime) -> None:
        self.moment = moment
        self.objects = latest(snapshot.read(moment))
        people = {
            f.get(name)
            for kind in ("unit", "objective", "kpi")
            for f in self.objects.get(kind, {}).values()
            for name in ("owner_id", "contributor_id")
        } - {None}
        self.people = get_user_model().objects.in_bulk(list(people))
        self.scheme_of = {s.pk: s for s in self.schemes()}

    def _of(self, kind: str) -> dict[int, dict[str, Any]]:
        return self.objects.get(kind, {})

    def _people(self, obj: Any, *names: str) -> Any:
        for name in names:
            setattr(obj, name, self.people.get(getattr(obj, f"{name}_id")))
        return obj

    def _scheme(self, obj: Any) -> Any:
        obj.scheme = self.scheme_of.get(obj.scheme_id)
        return obj

    def organization(self) -> Organization:
        orgs = sorted(self._of("organization").items())
        return Organization(pk=orgs[0][0], **orgs[0][1]) if orgs else Organization()

    def schemes(self) -> list[Scheme]:
        found = [Scheme(pk=pk, **f) for pk, f in self._of("scheme").items()]
        return sorted(found, key=lambda s: s.name)

    def targets(self) -> list[Target]:
        fields = ("kpi_id", "period", *Target.FIELDS, "phase", "reason")
        rows = _at(Target, TargetVersion, "changed_at", self.moment, fields)
        return sorted(
            (Target(**dict(zip(fields, r, strict=True))) for r in rows), key=lambda t: t.period
        )

    def values(self) -> list[tuple[int, str, float, str]]:
        fields = ("kpi_id", "period", "value", "comment")
        rows = _at(Measurement, MeasurementVersion, "entered_at", self.moment, fields)
        return sorted(rows, key=lambda r: r[1])

    def kpis(self) -> list[KPI]:
        return [
            self._people(self._scheme(KPI(pk=pk, **f)), "owner", "contributor")
            for pk, f in _ordered(self._of("kpi"))
            if not f["archived"]
        ]

    def objectives(self) -> list[Objective]:
        return [
            self._people(self._scheme(Objective(pk=pk, **f)), "owner")
            for pk, f in _ordered(self._of("objective"))
            if not f["archived"]
        ]

    def perspectives(self) -> list[Perspective]:
        return [
            self._scheme(Perspective(pk=pk, **f))
            for pk, f in _ordered(self._of("perspective"))
            if not f["archived"]
        ]

    def _code(self, kind: str, pk: int) -> str:
        return str(self._of(kind).get(pk, {}).get("code", ""))

    def links(self) -> list[tuple[int, int, str]]:
        found = [
            (f["cause_id"], f["effect_id"], self._code("objective", f["effect_id"]))
            for f in self._of("link").values()
        ]
        return sorted(found, key=lambda r: r[2])

    def alignments(self) -> list[tuple[int, int, str, bool, float | None]]:
        found = sorted(
            self._of("alignment").items(), key=lambda kv: (kv[1]["child_id"], kv[1]["order"], kv[0])
        )
        return [
            (
                f["child_id"],
                f["parent_id"],
                self._code("objective", f["parent_id"]),
                f["contributes"],
                f["weight"],
            )
            for _, f in found
        ]

    def scorecards(self) -> list[Scorecard]:
        return [self._scheme(Scorecard(pk=pk, **f)) for pk, f in self._of("scorecard").items()]

    def units(self) -> list[Unit]:
        units = {pk: Unit(pk=pk, **f) for pk, f in self._of("unit").items()}
        for unit in units.values():
            unit.parent = units.get(unit.parent_id) if unit.parent_id else None
            self._people(unit, "owner")
        return sorted(units.values(), key=lambda u: (u.order, u.code))


def _at(
    model: Any, version: Any, at: str, moment: dt.datetime, fields: tuple[str, ...]
) -> list[tuple[Any, ...]]:
    """Rows of a kept table as they stood: the current ones written by then, else the
    version valid then."""
    found = {
        (r[0], r[1]): r for r in model.objects.filter(**{f"{at}__lte": moment}).values_list(*fields)
    }
    older = version.objects.filter(
        Q(**{f"{at}__lte": moment}) & Q(superseded_at__gt=moment)
    ).order_by(at)
    for r in older.values_list(*fields):
        found.setdefault((r[0], r[1]), r)
    return list(found.values())
