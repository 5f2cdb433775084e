"""What committing an import would create and change, before anything is written."""

from __future__ import annotations

from dataclasses import dataclass, field

from fourfold.core.numbers import grouped
from fourfold.measures.models import Measurement, Target

from .values import Plan


@dataclass(frozen=True)
class Change:
    kpi: str
    name: str
    period: str
    what: str  # "actual" or "target"
    old: str
    new: str


@dataclass
class Preview:
    created: list[Change] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: int = 0


def _show(value: float | None) -> str:
    return "—" if value is None else grouped(value)


def preview(plan: Plan) -> Preview:
    """What committing the plan would create and change, before anything is written."""
    out = Preview()
    kpi_ids = set(plan.kpis)
    values = {
        (k, p): (v, c)
        for k, p, v, c in Measurement.objects.filter(kpi_id__in=kpi_ids).values_list(
            "kpi_id", "period", "value", "comment"
        )
    }
    targets = {
        (k, p): (t, r)
        for k, p, t, r in Target.objects.filter(kpi_id__in=kpi_ids).values_list(
            "kpi_id", "period", "target", "red_flag"
        )
    }
    for v in plan.values:
        info = plan.kpis[v.kpi_id]
        old = values.get((v.kpi_id, v.period))
        new = _show(v.value) + (f" ({v.comment})" if v.comment else "")
        if old is None:
            out.created.append(Change(info.code, info.name, v.period, "actual", "—", new))
        elif old[0] != v.value or (old[1] or "") != v.comment:
            was = _show(old[0]) + (f" ({old[1]})" if old[1] else "")
            out.changed.append(Change(info.code, info.name, v.period, "actual", was, new))
        else:
            out.unchanged += 1
    for t in plan.targets:
        info = plan.kpis[t.kpi_id]
        target, flag = t.fields[0], t.fields[1]
        new = _show(target) + (f", red flag {_show(flag)}" if flag is not None else "")
        old_t = targets.get((t.kpi_id, t.period))
        if old_t is None:
            out.created.append(Change(info.code, info.name, t.period, "target", "—", new))
        elif old_t != (target, flag):
            flag_was = f", red flag {_show(old_t[1])}" if old_t[1] is not None else ""
            was = _show(old_t[0]) + flag_was
            out.changed.append(Change(info.code, info.name, t.period, "target", was, new))
        else:
            out.unchanged += 1
    return out
