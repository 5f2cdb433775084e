"""One way in: every value and target, from every channel, goes through here.

`submit_values` and `submit_targets` check the rows with the one set of rules
(`fourfold.core.entries`), ask the access policy, hold values for approval where the KPI
requires it, write with history in one transaction, record one audit entry and, once the
transaction commits, send `values_changed` / `targets_changed` with what changed. Whatever
reacts to data (alerts, forecasts, caches) listens to those two signals and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from fourfold.accounts.access import Access
from fourfold.audit.models import record
from fourfold.core import entries as rules
from fourfold.core import periods
from fourfold.core.entries import KpiFacts, Problem
from fourfold.retry import atomically
from fourfold.strategy.models import Organization

from .models import KPI, Measurement, Scheme, Source, Target
from .services import TargetEntry, ValueEntry, WriteCount, record_values, set_targets

# Sent on commit, with `changed` (a Changed) and `channel`.
values_changed = Signal()
targets_changed = Signal()

# Each channel and the source its rows are recorded with.
CHANNELS = {
    "load": Source.FILE,
    "import": Source.FILE,
    "upload": Source.FILE,
    "grid": Source.MANUAL,
    "targets page": Source.MANUAL,
    "api": Source.API,
    "connector": Source.CONNECTOR,
    "cascade": Source.MANUAL,
}
APPROVAL = "approval"


class Refused(Exception):
    """Some rows cannot be written; nothing was. `problems` say which (by index) and why."""

    def __init__(self, problems: list[Problem], total: int) -> None:
        self.problems = problems
        self.total = total
        n = len(problems)
        super().__init__(
            f"{n} of {total} {'row is' if n == 1 else 'rows are'} wrong, so nothing was written: "
            + "; ".join(f"row {p.index + 1}: {p.message}" for p in problems[:5])
        )


@dataclass(frozen=True)
class Changed:
    """What a write changed: each KPI and period whose value or target was created or changed
    (worked out when a listener asks: an import may have changed a million)."""

    channel: str
    actor: Any
    count: WriteCount

    @cached_property
    def pairs(self) -> frozenset[tuple[int, str]]:
        return frozenset(self.count.keys())

    @cached_property
    def kpi_ids(self) -> frozenset[int]:
        return frozenset(k for k, _ in self.pairs)

    @cached_property
    def periods(self) -> frozenset[str]:
        return frozenset(p for _, p in self.pairs)


@dataclass
class Submitted:
    written: WriteCount
    held: list[Any] = field(default_factory=list)  # PendingValue rows made now
    # The same values sent again while they still wait: nothing new, but they wait.
    waiting: list[Any] = field(default_factory=list)

    @property
    def waits(self) -> list[Any]:
        return [*self.held, *self.waiting]


def kpi_facts(*, ids: Sequence[int] = (), codes: Sequence[str] = ()) -> dict[int, KpiFacts]:
    """The live KPIs with these ids or codes, with their schemes, in one query (two with the
    schemes), keyed by id."""
    rows = KPI.objects.filter(archived=False)
    wanted: set[Any] = set(ids) if ids else set(codes)
    # Beyond what one IN (...) may name on SQLite, read every live KPI and keep those wanted.
    if len(wanted) <= 10_000:
        rows = rows.filter(pk__in=wanted) if ids else rows.filter(code__in=wanted)
    schemes = {s.pk: s.to_core() for s in Scheme.objects.all()}
    return {
        pk: KpiFacts(pk, code, name, unit, owner, freq, direction, formula, schemes[s], tol)
        for pk, code, name, unit, owner, freq, direction, formula, s, tol in rows.values_list(
            "pk",
            "code",
            "name",
            KPI.UNIT_ID,
            "owner_id",
            "frequency",
            "direction",
            "formula",
            "scheme_id",
            "tolerance",
        )
        if (pk if ids else code) in wanted
    }


def all_kpi_facts() -> dict[str, KpiFacts]:
    """Every live KPI by code (for a file naming KPIs by code)."""
    schemes = {s.pk: s.to_core() for s in Scheme.objects.all()}
    rows = KPI.objects.filter(archived=False).values_list(
        "pk", "code", "name", KPI.UNIT_ID, "owner_id", "frequency", "direction", "formula",
        "scheme_id", "tolerance",
    )  # fmt: skip
    return {
        code: KpiFacts(pk, code, name, unit, owner, freq, direction, formula, schemes[s], tol)
        for pk, code, name, unit, owner, freq, direction, formula, s, tol in rows
    }


def _indexed(
    kpi_ids: Sequence[int], keys: Sequence[str], facts: dict[int, KpiFacts]
) -> tuple[list[KpiFacts], np.ndarray, list[periods.Period], np.ndarray, list[int]]:
    """The rows as indexes into their distinct KPIs and periods; rows of unknown KPIs apart."""
    fiscal = Organization.get().fiscal_year_start
    distinct = list(dict.fromkeys(kpi_ids))
    known = [pk for pk in distinct if pk in facts]
    position = {pk: i for i, pk in enumerate(known)}
    unknown = (
        [i for i, pk in enumerate(kpi_ids) if pk not in position]
        if len(known) < len(distinct)
        else []
    )
    # map() with a dict's own lookup: about twice as fast as a generator for a million rows.
    if unknown:
        k = np.fromiter((position.get(pk, 0) for pk in kpi_ids), np.int64, len(kpi_ids))
    else:
        k = np.fromiter(map(position.__getitem__, kpi_ids), np.int64, len(kpi_ids))
    period_keys = list(dict.fromkeys(keys))
    at = {key: j for j, key in enumerate(period_keys)}
    p = np.fromiter(map(at.__getitem__, keys), np.int64, len(keys))
    parsed = [periods.parse_period(key, fiscal) for key in period_keys]
    return [facts[pk] for pk in known], k, parsed, p, unknown


Rule = Callable[
    [list[KpiFacts], list[str | None], list[periods.Period], np.ndarray, np.ndarray, np.ndarray],
    list[Problem],
]


def _check(
    kpi_ids: Sequence[int],
    keys: Sequence[str],
    facts: dict[int, KpiFacts] | None,
    refusal: Callable[[KpiFacts], str | None],
    rule: Rule,
    numbers: np.ndarray,
) -> list[Problem]:
    """The rule's problems of these rows, and a row of a KPI gone since it was read."""
    if not kpi_ids:
        return []
    facts = kpi_facts(ids=kpi_ids) if facts is None else facts
    kpis, k, parsed, p, unknown = _indexed(kpi_ids, keys, facts)
    if not kpis:
        return [Problem(i, "kpi", "this KPI no longer exists") for i in range(len(kpi_ids))]
    problems = rule(kpis, [refusal(f) for f in kpis], parsed, k, p, numbers)
    if early := rules.period_problems(parsed, p, timezone.localdate()):
        # A row out of DESIGN's years says so, and only so; but a KPI one may not write (or
        # see) is refused for that first, so that the answer tells an outsider nothing.
        barred = {x.index for x in problems if x.field == "kpi"}
        early = [x for x in early if x.index not in barred]
        out = {x.index for x in early}
        problems = sorted([*early, *(x for x in problems if x.index not in out)], key=_index)
    if unknown:
        gone = set(unknown)
        problems = [x for x in problems if x.index not in gone]
        problems += [Problem(i, "kpi", "this KPI no longer exists") for i in unknown]
        problems.sort(key=lambda x: x.index)
    return problems


def _index(problem: Problem) -> int:
    return problem.index


def check_values(
    entries: Sequence[ValueEntry], access: Access, *, facts: dict[int, KpiFacts] | None = None
) -> list[Problem]:
    """The problems of these values for this user, by index; none when all may be written."""
    return check_value_columns(
        [e.kpi_id for e in entries],
        [e.period for e in entries],
        [e.value for e in entries],
        access,
        facts=facts,
    )


def check_value_columns(
    kpi_ids: Sequence[int],
    keys: Sequence[str],
    numbers: Sequence[float],
    access: Access,
    *,
    facts: dict[int, KpiFacts] | None = None,
) -> list[Problem]:
    """`check_values` of values given column by column (as a file's checks hold them)."""
    actual = np.array(numbers, dtype=np.float64)
    refusal = lambda f: access.value_refusal(f.id, f.code, f.unit_id)  # noqa: E731
    return _check(kpi_ids, keys, facts, refusal, rules.value_problems, actual)


def check_targets(
    entries: Sequence[TargetEntry], access: Access, *, facts: dict[int, KpiFacts] | None = None
) -> list[Problem]:
    """The problems of these targets for this user, by index."""
    fields = np.array(
        [[np.nan if v is None else v for v in e.fields] for e in entries], dtype=np.float64
    ).reshape(len(entries), len(Target.FIELDS))
    refusal = lambda f: access.target_refusal(f.code, f.unit_id)  # noqa: E731
    ids, keys = [e.kpi_id for e in entries], [e.period for e in entries]
    return _check(ids, keys, facts, refusal, rules.target_problems, fields)


def held_kpis(kpi_ids: set[int], actor: Any) -> set[int]:
    """Those of the KPIs whose values by this user wait for approval (not their owner's)."""
    from fourfold.intake.models import ApprovalRule

    if not kpi_ids:
        return set()
    user = actor.pk if actor is not None and actor.is_authenticated else None
    # The rules are few: read them all rather than name every KPI of a big file in a query.
    rules_ = ApprovalRule.objects.values_list("kpi_id", "kpi__owner_id")
    return {kpi for kpi, owner in rules_ if kpi in kpi_ids and owner is not None and owner != user}


def submit_values(
    entries: Sequence[ValueEntry],
    *,
    actor: Any,
    access: Access,
    channel: str,
    detail: str = "",
    reason: str = "",
    checked: bool = False,
    source: str | None = None,
) -> Submitted:
    """Write the values this user may write at once and hold the others for approval; all or
    nothing: a wrong row raises Refused. `checked`: the caller has just run `check_values` on
    these very entries for this access (the importer's preview), so they are not checked again.
    """
    if not checked:
        problems = check_values(entries, access)
        if problems:
            raise Refused(problems, len(entries))
    held_ids = set() if channel == APPROVAL else held_kpis({e.kpi_id for e in entries}, actor)
    direct = [e for e in entries if e.kpi_id not in held_ids] if held_ids else entries
    later = [e for e in entries if e.kpi_id in held_ids]
    source = source or CHANNELS[channel]

    def write() -> Submitted:
        written = record_values(
            direct, actor=actor, source=source, source_detail=detail[:300], reason=reason
        )
        held, waiting = _hold(later, actor, source, detail) if later else ([], [])
        written.unchanged += len(later) - len(held) - len(waiting)
        # An approval is audited once, as the approval, by its caller.
        if (written.created or written.changed) and channel != APPROVAL:
            record(
                actor,
                "values.written",
                f"{written.created} values created and {written.changed} changed ({channel}"
                + (f": {detail}" if detail else "")
                + ")",
                channel=channel,
                detail=detail,
                created=written.created,
                changed=written.changed,
            )
        if written.created or written.changed:
            changed = Changed(channel, actor, written)
            transaction.on_commit(
                lambda: values_changed.send(Changed, changed=changed, channel=channel)
            )
        return Submitted(written, held, waiting)

    # Two people writing values of the same KPIs at once may deadlock on PostgreSQL.
    return atomically(write)


def _hold(
    later: Sequence[ValueEntry], actor: Any, source: str, detail: str
) -> tuple[list[Any], list[Any]]:
    """Hold these values for approval: (held now, already waiting). A value equal to the one
    recorded holds nothing (and ends this person's pending other one); one that already waits
    holds nothing new; another replaces this person's earlier pending value."""
    from fourfold.intake.models import PendingValue

    user = actor if actor is not None and actor.is_authenticated else None
    kpi_ids, keys = {e.kpi_id for e in later}, {e.period for e in later}
    stored = {
        (k, p): (v, c or "")
        for k, p, v, c in Measurement.objects.filter(
            kpi_id__in=kpi_ids, period__in=keys
        ).values_list("kpi_id", "period", "value", "comment")
    }
    pending = list(
        PendingValue.objects.filter(
            status=PendingValue.Status.PENDING, kpi_id__in=kpi_ids, period__in=keys
        )
    )
    same = {(v.kpi_id, v.period, v.value, v.comment): v for v in pending}
    mine = {(v.kpi_id, v.period): v for v in pending if v.entered_by_id == (user and user.pk)}
    fresh, waiting, ended = [], [], []
    for e in later:
        key = (e.kpi_id, e.period)
        if stored.get(key) == (e.value, e.comment):
            if key in mine:
                ended.append(mine[key].pk)
        elif (e.kpi_id, e.period, e.value, e.comment) in same:
            waiting.append(same[(e.kpi_id, e.period, e.value, e.comment)])
        else:
            fresh.append(e)
            if key in mine:
                ended.append(mine[key].pk)
    if ended:
        PendingValue.objects.filter(pk__in=ended).update(status=PendingValue.Status.REPLACED)
    if not fresh:
        return [], waiting
    now = timezone.now()
    held = PendingValue.objects.bulk_create(
        PendingValue(
            kpi_id=e.kpi_id,
            period=e.period,
            value=e.value,
            comment=e.comment,
            source=source,
            source_detail=detail[:300],
            entered_by=user,
            entered_at=now,
        )
        for e in fresh
    )
    codes = dict(KPI.objects.filter(pk__in={e.kpi_id for e in fresh}).values_list("pk", "code"))
    record(
        actor,
        "value.submitted",
        f"{len(held)} values wait for approval: "
        + ", ".join(f"{codes[e.kpi_id]} {e.period} = {e.value:g}" for e in fresh[:20]),
        values=[[codes[e.kpi_id], e.period, e.value] for e in fresh],
    )
    return held, waiting


def submit_targets(
    entries: Sequence[TargetEntry],
    *,
    actor: Any,
    access: Access,
    channel: str,
    reason: str = "",
    checked: bool = False,
    **details: Any,
) -> WriteCount:
    """Set targets, all or none (a wrong row raises Refused); `details` go into the audit."""
    if not checked:
        problems = check_targets(entries, access)
        if problems:
            raise Refused(problems, len(entries))
    with transaction.atomic():
        count = set_targets(entries, actor=actor, source=CHANNELS[channel], reason=reason)
        if count.created or count.changed:
            record(
                actor,
                "targets.written",
                f"{count.created} targets created and {count.changed} changed ({channel})",
                channel=channel,
                reason=reason,
                created=count.created,
                changed=count.changed,
                **details,
            )
            changed = Changed(channel, actor, count)
            transaction.on_commit(
                lambda: targets_changed.send(Changed, changed=changed, channel=channel)
            )
    return count
