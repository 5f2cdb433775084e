"""How initiatives stand in a period, read for the pages in a fixed number of queries, and
their timeline rows. The score itself is fourfold.core.initiatives' rule; this only loads."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import QuerySet

from fourfold.core import gantt
from fourfold.core import initiatives as rule
from fourfold.core.numbers import DASH, grouped
from fourfold.core.periods import Period, PeriodError
from fourfold.core.schemes import DEFAULT
from fourfold.web.templatetags.fourfold import status_color

from .models import Initiative, Milestone, Progress

NO_PROGRESS = "No progress yet"


@dataclass
class Standing:
    """An initiative in a period: its last progress entry at or before it, score, status."""

    entry: Progress | None = None
    score: float | None = None
    status: int = -1  # DEFAULT's statuses, worst first; -1 without a score
    expected: float | None = None  # share of the work planned by the period's last day

    @property
    def scored(self) -> bool:
        return self.status >= 0

    @property
    def status_name(self) -> str:
        return DEFAULT.statuses[self.status].name.capitalize() if self.scored else NO_PROGRESS

    @property
    def status_key(self) -> str:
        return DEFAULT.statuses[self.status].name if self.scored else "none"

    @property
    def color(self) -> str:
        return status_color(DEFAULT.statuses[self.status].color if self.scored else None)

    @property
    def complete(self) -> float | None:
        return self.entry.complete if self.entry else None

    @property
    def spent(self) -> float | None:
        return self.entry.spent if self.entry else None


@dataclass(frozen=True)
class Shown:
    """An initiative's figures as a row of the list writes them, formatted once in Python:
    a page of 200 rows spent most of its time in template filters."""

    start: str
    end: str
    start_iso: str
    end_iso: str
    complete: str
    expected: str
    bar: str
    plan: str
    spent: str
    budget: str
    share: str
    score: str


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}"


@dataclass
class Line:
    """An initiative as the pages show it."""

    initiative: Initiative
    standing: Standing
    milestones: list[Milestone] = field(default_factory=list)
    overdue: int = 0
    after: dict[int, list[int]] = field(default_factory=dict)
    progress: list[Progress] = field(default_factory=list)
    href: str = ""

    @property
    def budget_share(self) -> float | None:
        """Spent as a percentage of the budget, or None without both."""
        budget, spent = self.initiative.budget, self.standing.spent
        if not budget or spent is None:
            return None
        return spent / budget * 100

    @property
    def over_budget(self) -> bool:
        """Spending ahead of the work by more than the rule lets pass uncapped."""
        share, complete = self.budget_share, self.standing.complete
        return share is not None and complete is not None and share - complete > rule.COST_SLACK

    @property
    def bar(self) -> float:
        return min(max(self.standing.complete or 0.0, 0.0), 100.0)

    @cached_property
    def shown(self) -> Shown:
        i, s = self.initiative, self.standing
        return Shown(
            start=gantt.date_text(i.start),
            end=gantt.date_text(i.end),
            start_iso=i.start.isoformat(),
            end_iso=i.end.isoformat(),
            complete=_pct(s.complete),
            expected=_pct(s.expected),
            bar=f"{self.bar:.1f}",
            plan="" if s.expected is None else f"{s.expected:.1f}",
            spent=grouped(s.spent),
            budget=grouped(i.budget) if i.budget else "",
            share=_pct(self.budget_share),
            score=DASH if s.score is None else f"{s.score:.2f}",
        )


@dataclass
class Loaded:
    """An initiative with its milestones (and what each waits for) and its progress."""

    initiative: Initiative
    milestones: list[Milestone]
    after: dict[int, list[int]]  # a milestone's pk: the pks of those it depends on
    progress: list[Progress]


def load(rows: QuerySet[Initiative]) -> list[Loaded]:
    """The initiatives of `rows` with their parts, in four queries however many they are.

    Plain pairs of the dependencies' table rather than a prefetch: a prefetched many-to-many
    builds a manager per milestone, most of the time of a page of 200 initiatives."""
    initiatives = list(rows.select_related("owner", "unit"))
    chosen = rows.values("pk")
    milestones: dict[int, list[Milestone]] = defaultdict(list)
    for m in Milestone.objects.filter(initiative__in=chosen).select_related("owner"):
        milestones[m.initiative_id].append(m)
    after: dict[int, list[int]] = defaultdict(list)
    pairs = Milestone.depends_on.through.objects.filter(from_milestone__initiative__in=chosen)
    for later, earlier in pairs.order_by("pk").values_list("from_milestone_id", "to_milestone_id"):
        after[later].append(earlier)
    progress: dict[int, list[Progress]] = defaultdict(list)
    for entry in Progress.objects.filter(initiative__in=chosen).order_by("period"):
        progress[entry.initiative_id].append(entry)
    return [
        Loaded(i, milestones[i.pk], {m.pk: after[m.pk] for m in milestones[i.pk]}, progress[i.pk])
        for i in initiatives
    ]


def standings(found: Sequence[Loaded], period: Period, fiscal_start: int) -> list[Standing]:
    """Each initiative's standing in `period`, scored together on whole arrays."""
    out: list[Standing] = []
    for item in found:
        parsed: list[Period] = []
        kept: list[Progress] = []
        for entry in item.progress:
            try:
                parsed.append(rule.progress_period(entry.period, fiscal_start))
            except PeriodError:
                continue  # the file and the forms refuse such periods; never stop a page
            kept.append(entry)
        at = rule.latest_entry(parsed, period.end)
        out.append(Standing(kept[at] if at is not None else None))
    if not out:
        return out

    def nan(value: float | None) -> float:
        return math.nan if value is None else value

    initiatives = [item.initiative for item in found]
    score, status, expected, _ = rule.score_v(
        [nan(s.complete) for s in out],
        [nan(s.spent) for s in out],
        [nan(i.budget) for i in initiatives],
        [i.start.toordinal() for i in initiatives],
        [i.end.toordinal() for i in initiatives],
        period.end.toordinal(),
    )
    for i, s in enumerate(out):
        if math.isfinite(score[i]):
            s.score, s.status = float(score[i]), int(status[i])
        if math.isfinite(expected[i]):
            s.expected = float(expected[i]) * 100
    return out


def lines(found: Sequence[Loaded], period: Period, fiscal_start: int, today: dt.date) -> list[Line]:
    out = []
    for item, standing in zip(found, standings(found, period, fiscal_start), strict=True):
        late = sum(1 for m in item.milestones if m.done is None and m.due < today)
        out.append(
            Line(item.initiative, standing, item.milestones, late, item.after, item.progress)
        )
    return out


def _milestone(m: Milestone, after: dict[int, list[int]]) -> gantt.Milestone:
    return gantt.Milestone(
        key=str(m.pk),
        name=m.name,
        due=m.due,
        done=m.done,
        depends_on=tuple(str(pk) for pk in after.get(m.pk, ())),
    )


def timeline_rows(found: Iterable[Line], href: dict[int, str]) -> list[gantt.Row]:
    """One row per initiative, its milestones on it."""
    return [
        gantt.Row(
            key=line.initiative.code,
            label=line.initiative.name,
            start=line.initiative.start,
            end=line.initiative.end,
            complete=line.standing.complete,
            status=line.standing.status_name,
            color=line.standing.color,
            scored=line.standing.scored,
            href=href.get(line.initiative.pk, ""),
            milestones=tuple(_milestone(m, line.after) for m in line.milestones),
        )
        for line in found
    ]


def detail_rows(line: Line) -> list[gantt.Row]:
    """An initiative's own timeline: its bar, then one row per milestone."""
    head = timeline_rows([line], {})[0]
    rows = [gantt.Row(**{**head.__dict__, "milestones": ()})]
    rows.extend(
        gantt.Row(key=f"m{m.pk}", label=m.name, milestones=(_milestone(m, line.after),))
        for m in line.milestones
    )
    return rows


def legend() -> list[tuple[str, str]]:
    """The bars' colours: the statuses of the rule's scheme, best first, and no score."""
    named = [(s.name.capitalize(), status_color(s.color)) for s in reversed(DEFAULT.statuses)]
    return [*named, (NO_PROGRESS, status_color(None))]


def by_objective(initiatives: Iterable[Initiative]) -> dict[int, list[Initiative]]:
    out: dict[int, list[Initiative]] = defaultdict(list)
    for initiative in initiatives:
        for objective in initiative.serves.all():
            out[objective.pk].append(initiative)
    return out
