"""My KPIs: what a person owns or contributes to, what is due or overdue, what waits for them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from fourfold.accounts.access import Access
from fourfold.core import freshness, periods
from fourfold.core.entries import FREQUENCY_KIND as NATIVE
from fourfold.measures.models import KPI, KPI_ORDER, KPI_UNIT, Measurement, Target
from fourfold.strategy.models import Organization
from fourfold.web.periods import label

from .models import ApprovalRule, PendingValue

WINDOW_MONTHS = 12
SHOWN = 4
# The KPIs of the units one edits or reports for are listed up to this many; beyond, the page
# offers a unit's entry grid instead of reading every value of the organization.
OTHERS_LISTED = 100


@dataclass
class Missing:
    key: str
    label: str


@dataclass
class MyKpi:
    id: int
    code: str
    name: str
    unit_code: str
    unit_name: str
    frequency: str
    roles: list[str]
    last_period: str = ""
    last_value: float | None = None
    due: list[Missing] = field(default_factory=list)
    overdue: list[Missing] = field(default_factory=list)
    owned: bool = False
    requires_approval: bool = False

    @property
    def entry_month(self) -> str:
        """The month to open the grid at: the oldest missing period's last month."""
        missing = self.overdue or self.due
        return missing[0].key if missing else ""

    @property
    def overdue_shown(self) -> list[Missing]:
        return self.overdue[-SHOWN:]

    @property
    def overdue_more(self) -> int:
        return max(0, len(self.overdue) - SHOWN)


@dataclass
class Mine:
    kpis: list[MyKpi]  # the ones the person owns or reports
    to_approve: list[PendingValue]
    waiting: list[PendingValue]
    # The other KPIs they may enter as an editor, administrator or contributor of a unit:
    # listed when there are at most OTHERS_LISTED, else only counted as "more".
    others: list[MyKpi] = field(default_factory=list)
    more_others: bool = False

    @property
    def overdue(self) -> int:
        return sum(1 for k in self.kpis if k.overdue)

    @property
    def due(self) -> int:
        return sum(1 for k in self.kpis if k.due and not k.overdue)

    @property
    def others_overdue(self) -> int:
        return sum(1 for k in self.others if k.overdue)


def _pending(query: Q) -> QuerySet[PendingValue]:
    return (
        PendingValue.objects.filter(query, status=PendingValue.Status.PENDING)
        .select_related(f"kpi__{KPI_UNIT}", "entered_by")
        .order_by("entered_at", "pk")
    )


COLUMNS = (
    "pk",
    "code",
    "name",
    "frequency",
    "grace_days",
    "owner_id",
    "contributor_id",
    f"{KPI_UNIT}__code",
    f"{KPI_UNIT}__name",
    f"{KPI_UNIT}_id",
)


def mine(access: Access, today: dt.date, fiscal: int | None = None) -> Mine:
    user: Any = access.user
    fiscal = Organization.get().fiscal_year_start if fiscal is None else fiscal
    entered = KPI.objects.filter(archived=False, formula="")
    yours = Q(owner=user) | Q(contributor=user)
    others = entered.exclude(yours)
    if not access.is_admin:  # the units one edits or reports for; none, no query at all
        units = access.editable | access.enterable_units
        others = others.in_units(units)
    other_rows = list(others.order_by(*KPI_ORDER).values_list(*COLUMNS)[: OTHERS_LISTED + 1])
    more_others = len(other_rows) > OTHERS_LISTED
    rows = list(entered.filter(yours).order_by(*KPI_ORDER).values_list(*COLUMNS))
    if not more_others:
        rows += other_rows
    kpis: list[MyKpi] = []
    grace: dict[int, int] = {}
    for pk, code, name, frequency, grace_days, owner, contributor, u_code, u_name, u_id in rows:
        roles = [r for r, who in (("owner", owner), ("contributor", contributor)) if who == user.pk]
        if not roles:
            roles = ["editor" if access.can_edit(u_id) else "unit contributor"]
        kpi = MyKpi(pk, code, name, u_code, u_name, frequency, roles)
        kpi.owned = owner == user.pk
        kpis.append(kpi)
        grace[pk] = grace_days
    ids = [k.id for k in kpis]
    reported: dict[int, set[str]] = {i: set() for i in ids}
    first_month: dict[int, int] = {}
    parsed: dict[str, periods.Period | None] = {}

    def period_of(text: str) -> periods.Period | None:
        if text not in parsed:
            try:
                parsed[text] = periods.parse_period(text, fiscal)
            except periods.PeriodError:
                parsed[text] = None
        return parsed[text]

    by_id = {k.id: k for k in kpis}
    for kpi_id, text, value in Measurement.objects.filter(kpi_id__in=ids).values_list(
        "kpi_id", "period", "value"
    ):
        found = period_of(text)
        if found is None:
            continue
        reported[kpi_id].add(found.key)
        start = periods.month_ordinal(found.first_month)
        first_month[kpi_id] = min(first_month.get(kpi_id, start), start)
        kpi = by_id[kpi_id]
        if not kpi.last_period or (found.last_month, found.key) > (
            period_of(kpi.last_period).last_month,  # type: ignore[union-attr]
            kpi.last_period,
        ):
            kpi.last_period, kpi.last_value = found.key, value
    for kpi_id, text in Target.objects.filter(kpi_id__in=ids).values_list("kpi_id", "period"):
        found = period_of(text)
        if found is not None:
            start = periods.month_ordinal(found.first_month)
            first_month[kpi_id] = min(first_month.get(kpi_id, start), start)
    this_month = periods.month_ordinal(f"{today:%Y-%m}")
    window_start = this_month - WINDOW_MONTHS
    for kpi in kpis:
        if kpi.id not in first_month:
            continue  # nothing is expected before a KPI's first value or target
        late = freshness.missing(
            NATIVE[kpi.frequency],
            first_month[kpi.id],
            reported[kpi.id],
            grace[kpi.id],
            today,
            fiscal,
            window_start,
        )
        for found, overdue in late:
            (kpi.overdue if overdue else kpi.due).append(Missing(found.last_month, label(found)))
    owned = [k.id for k in kpis if k.owned]
    for kpi_id in ApprovalRule.objects.filter(kpi_id__in=owned).values_list("kpi_id", flat=True):
        by_id[kpi_id].requires_approval = True
    approve_query = access.approvable()
    return Mine(
        kpis=[k for k in kpis if k.owned or "contributor" in k.roles],
        to_approve=list(_pending(approve_query)),
        waiting=list(_pending(Q(entered_by=user))),
        others=[k for k in kpis if not (k.owned or "contributor" in k.roles)],
        more_others=more_others,
    )
