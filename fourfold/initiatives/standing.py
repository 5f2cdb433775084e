"""How initiatives stand in a period, read for the pages in a fixed number of queries, and
their timeline rows. The score itself is fourfold.core.initiatives' rule; this only loads."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from fourfold.core import gantt
from fourfold.core import initiatives as rule
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


@dataclass
class Line:
    """An initiative as the pages show it."""

    initiative: Initiative
    standing: Standing
    milestones: list[Milestone] = field(default_factory=list)
    overdue: int = 0

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


def with_parts(initiatives: QuerySet[Initiative]) -> QuerySet[Initiative]:
    """Initiatives with their owner, milestones (and what they depend on) and progress."""
    milestones = Milestone.objects.select_related("owner").prefetch_related(
        Prefetch("depends_on", queryset=Milestone.objects.only("pk", "initiative_id"))
    )
    return initiatives.select_related("owner", "unit").prefetch_related(
        Prefetch("milestones", queryset=milestones),
        Prefetch("progress", queryset=Progress.objects.order_by("period")),
    )


def standings(
    initiatives: Sequence[Initiative], period: Period, fiscal_start: int
) -> list[Standing]:
    """Each initiative's standing in `period`, scored together on whole arrays."""
    out: list[Standing] = []
    for initiative in initiatives:
        entries = list(initiative.progress.all())
        parsed: list[Period] = []
        kept: list[Progress] = []
        for entry in entries:
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


def lines(
    initiatives: Sequence[Initiative], period: Period, fiscal_start: int, today: dt.date
) -> list[Line]:
    out = []
    for initiative, standing in zip(
        initiatives, standings(initiatives, period, fiscal_start), strict=True
    ):
        milestones = list(initiative.milestones.all())
        late = sum(1 for m in milestones if m.done is None and m.due < today)
        out.append(Line(initiative, standing, milestones, late))
    return out


def _milestone(m: Milestone) -> gantt.Milestone:
    return gantt.Milestone(
        key=str(m.pk),
        name=m.name,
        due=m.due,
        done=m.done,
        depends_on=tuple(str(d.pk) for d in m.depends_on.all()),
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
            milestones=tuple(_milestone(m) for m in line.milestones),
        )
        for line in found
    ]


def detail_rows(line: Line) -> list[gantt.Row]:
    """An initiative's own timeline: its bar, then one row per milestone."""
    head = timeline_rows([line], {})[0]
    rows = [gantt.Row(**{**head.__dict__, "milestones": ()})]
    rows.extend(
        gantt.Row(key=f"m{m.pk}", label=m.name, milestones=(_milestone(m),))
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
