"""What changed between two revisions: KPIs added and removed, weights, definitions,
targets, cause-effect links and alignments. Each change names its unit, so that a reader
sees only the parts of their units."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from fourfold.measures.models import Target, TargetVersion

from . import snapshot
from .dumped import _at, latest

# The KPI fields whose change is listed besides the weight (with their names in the file).
KPI_FIELDS = {
    "direction": "direction",
    "frequency": "frequency",
    "aggregation": "aggregation",
    "formula": "formula",
    "scheme_id": "scheme",
    "tolerance": "tolerance",
    "objective_id": "objective",
    "name": "name",
}
TARGET_FIELDS = ("target", "red_flag", "low", "high")


@dataclass(frozen=True)
class Change:
    unit: str
    kind: str  # kpi | objective | perspective | target | link | alignment
    code: str
    change: str  # added | removed | changed
    field: str = ""
    old: Any = None
    new: Any = None
    period: str = ""

    @property
    def was(self) -> str:
        return _shown(self.old)

    @property
    def now(self) -> str:
        return _shown(self.new)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def text(self) -> str:
        where = f"{self.kind} {self.code}" + (f" {self.period}" if self.period else "")
        if self.change == "changed":
            return f"{where} ({self.unit}): {self.field} {_shown(self.old)} → {_shown(self.new)}"
        return f"{where} ({self.unit}): {self.change}"


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _Side:
    """One revision's objects, with the unit and code of each."""

    def __init__(self, moment: dt.datetime) -> None:
        self.objects = latest(snapshot.read(moment))
        self.moment = moment
        o = self.objects
        unit_code = {pk: f["code"] for pk, f in o.get("unit", {}).items()}
        card_unit = {
            pk: unit_code.get(f["unit_id"], "") for pk, f in o.get("scorecard", {}).items()
        }
        self.persp_unit = {
            pk: card_unit.get(f["scorecard_id"], "") for pk, f in self.live("perspective").items()
        }
        self.obj_unit = {
            pk: self.persp_unit.get(f["perspective_id"], "")
            for pk, f in self.live("objective").items()
        }
        self.kpi_unit = {
            pk: self.obj_unit.get(f["objective_id"], "") for pk, f in self.live("kpi").items()
        }
        self.scheme_name = {pk: f["name"] for pk, f in o.get("scheme", {}).items()}

    def live(self, kind: str) -> dict[int, dict[str, Any]]:
        return {pk: f for pk, f in self.objects.get(kind, {}).items() if not f.get("archived")}

    def code(self, kind: str, pk: int) -> str:
        return str(self.objects.get(kind, {}).get(pk, {}).get("code", pk))

    def kpis(self) -> dict[str, tuple[int, dict[str, Any]]]:
        return {
            f["code"]: (pk, f)
            for pk, f in self.live("kpi").items()
            if pk in self.kpi_unit and self.kpi_unit[pk]
        }

    def shown(self, name: str, value: Any) -> Any:
        if name == "scheme_id":
            return self.scheme_name.get(value, value)
        if name == "objective_id":
            return self.code("objective", value)
        return value

    def links(self) -> dict[tuple[str, str], str]:
        return {
            (
                self.code("objective", f["cause_id"]),
                self.code("objective", f["effect_id"]),
            ): self.obj_unit.get(f["cause_id"], "")
            for f in self.objects.get("link", {}).values()
            if f["cause_id"] in self.obj_unit and f["effect_id"] in self.obj_unit
        }

    def alignments(self) -> dict[tuple[str, str], tuple[str, bool, float | None]]:
        return {
            (self.code("objective", f["child_id"]), self.code("objective", f["parent_id"])): (
                self.obj_unit.get(f["child_id"], ""),
                f["contributes"],
                f["weight"],
            )
            for f in self.objects.get("alignment", {}).values()
            if f["child_id"] in self.obj_unit and f["parent_id"] in self.obj_unit
        }

    def targets(self) -> dict[tuple[str, str], tuple[Any, ...]]:
        fields = ("kpi_id", "period", *TARGET_FIELDS)
        kpis = self.live("kpi")
        return {
            (kpis[r[0]]["code"], r[1]): r[2:]
            for r in _at(Target, TargetVersion, "changed_at", self.moment, fields)
            if r[0] in kpis
        }


def diff(a: dt.datetime, b: dt.datetime, *, units: Iterable[str] | None = None) -> list[Change]:
    """The changes from revision `a` to revision `b`; with `units`, only theirs."""
    old, new = _Side(a), _Side(b)
    out: list[Change] = []
    old_kpis, new_kpis = old.kpis(), new.kpis()
    for code in sorted(new_kpis.keys() - old_kpis.keys()):
        out.append(Change(new.kpi_unit[new_kpis[code][0]], "kpi", code, "added"))
    for code in sorted(old_kpis.keys() - new_kpis.keys()):
        out.append(Change(old.kpi_unit[old_kpis[code][0]], "kpi", code, "removed"))
    for code in sorted(old_kpis.keys() & new_kpis.keys()):
        (_, was), (pk, now) = old_kpis[code], new_kpis[code]
        for name in ("weight", *KPI_FIELDS):
            if was.get(name) != now.get(name):
                label = "weight" if name == "weight" else KPI_FIELDS[name]
                out.append(
                    Change(
                        new.kpi_unit[pk],
                        "kpi",
                        code,
                        "changed",
                        label,
                        old.shown(name, was.get(name)),
                        new.shown(name, now.get(name)),
                    )
                )
    for kind, where in (("objective", "obj_unit"), ("perspective", "persp_unit")):
        was_all, now_all = old.live(kind), new.live(kind)
        for pk in sorted(was_all.keys() & now_all.keys()):
            if was_all[pk]["weight"] != now_all[pk]["weight"]:
                out.append(
                    Change(
                        getattr(new, where).get(pk, ""),
                        kind,
                        now_all[pk]["code"],
                        "changed",
                        "weight",
                        was_all[pk]["weight"],
                        now_all[pk]["weight"],
                    )
                )
    out += _targets(old, new, new_kpis, old_kpis)
    out += _links(old, new)
    if units is not None:
        allowed = set(units)
        out = [c for c in out if c.unit in allowed]
    return out


def _targets(
    old: _Side, new: _Side, new_kpis: dict[str, Any], old_kpis: dict[str, Any]
) -> list[Change]:
    was, now = old.targets(), new.targets()
    out = []
    for code, period in sorted(was.keys() | now.keys()):
        before, after = was.get((code, period)), now.get((code, period))
        if before == after:
            continue
        side, kpis = (new, new_kpis) if code in new_kpis else (old, old_kpis)
        unit = side.kpi_unit.get(kpis[code][0], "")
        for i, name in enumerate(TARGET_FIELDS):
            b = before[i] if before else None
            a = after[i] if after else None
            if a != b:
                out.append(Change(unit, "target", code, "changed", name, b, a, period))
    return out


def _links(old: _Side, new: _Side) -> list[Change]:
    out = []
    was, now = old.links(), new.links()
    for cause, effect in sorted(now.keys() - was.keys()):
        out.append(Change(now[(cause, effect)], "link", f"{cause} → {effect}", "added"))
    for cause, effect in sorted(was.keys() - now.keys()):
        out.append(Change(was[(cause, effect)], "link", f"{cause} → {effect}", "removed"))
    a_was, a_now = old.alignments(), new.alignments()
    for child, parent in sorted(a_now.keys() | a_was.keys()):
        before, after = a_was.get((child, parent)), a_now.get((child, parent))
        code = f"{child} → {parent}"
        if before is None and after is not None:
            out.append(Change(after[0], "alignment", code, "added"))
        elif after is None and before is not None:
            out.append(Change(before[0], "alignment", code, "removed"))
        elif before is not None and after is not None and before != after:
            for i, name in ((1, "contributes"), (2, "weight")):
                if before[i] != after[i]:
                    out.append(
                        Change(after[0], "alignment", code, "changed", name, before[i], after[i])
                    )
    return out
