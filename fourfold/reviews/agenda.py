"""The agenda of a unit's review for a period, gathered from the data in a few queries and
ordered by `fourfold.core.agenda`: scores and the previous period's statuses from the scoring
engine, overdue values from its coverage (the freshness rule on whole arrays), the fiscal
year's forecasts, the initiatives' scores and the unit's open action items."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from fourfold.core import agenda as rules
from fourfold.core import periods
from fourfold.core.schemes import DEFAULT
from fourfold.forecasts import services as forecasts
from fourfold.scoring import cache
from fourfold.scoring import initiatives as initiative_scores
from fourfold.scoring.engine import Scores
from fourfold.scoring.readout import applies
from fourfold.strategy.models import Organization, Unit

from .models import ActionItem, Review


@dataclass(frozen=True)
class Line:
    """An agenda item with what it links to: the page of its KPI, objective, initiative or
    action, and that thing's id (the others None)."""

    item: rules.Item
    url: str
    kpi_id: int | None = None
    objective_id: int | None = None
    initiative_id: int | None = None
    action_id: int | None = None


@dataclass(frozen=True)
class Agenda:
    unit: Unit
    period: str
    today: dt.date
    lines: list[Line]

    @property
    def items(self) -> list[rules.Item]:
        return [line.item for line in self.lines]

    @property
    def minutes(self) -> int:
        return rules.total_minutes(self.items)


def _at(url: str, period: str) -> str:
    return f"{url}?{urlencode({'period': period})}"


def _nodes(
    scores: Scores, unit: str, period: str, actions: list[ActionItem]
) -> tuple[list[rules.Node], dict[str, int]]:
    """The unit's objectives and KPIs in the scorecard's order with their statuses, and the
    id of each by `kind:code`."""
    located = scores.locate(period)
    if located is None or unit not in scores.card_of:
        return [], {}
    view_name, column = located
    view = scores.result.views[view_name]
    index, offsets = scores.index, scores.result.offsets
    about = Counter(
        key
        for a in actions
        for key in (f"kpi:{a.kpi_id}" if a.kpi_id else "", f"objective:{a.objective_id}")
        if key and not key.endswith("None")
    )

    def node(kind: str, row: int, info: dict[str, object]) -> rules.Node:
        scheme = scores.inputs.schemes[int(scores.result.node_scheme[row])]
        status = int(view.status[row, column])
        before = int(view.status[row, column - 1]) if column > 0 else rules.NONE
        score = float(view.score[row, column])
        return rules.Node(
            kind=kind,
            code=str(info["code"]),
            name=str(info["name"]),
            status=status,
            status_name=scheme.statuses[status].name if status >= 0 else "",
            score=round(score, 2) if score == score else None,
            previous=before,
            previous_name=scheme.statuses[before].name if before >= 0 else "",
            previous_period=view.keys[column - 1] if column > 0 else "",
            overdue=int(view.overdue[row, column]) if kind == "kpi" else 0,
            open_actions=about[f"{kind}:{info['id']}"],
        )

    nodes: list[rules.Node] = []
    ids: dict[str, int] = {}
    card = scores.card_of[unit]
    for p in scores.children.get(("scorecard", card), []):
        for o in scores.children.get(("perspective", p), []):
            objective = index.objective[o]
            nodes.append(node("objective", offsets["objective"] + o, objective))
            ids[f"objective:{objective['code']}"] = int(objective["id"])
            for k in scores.children.get(("objective", o), []):
                kpi = index.kpi[k]
                if applies(kpi["frequency"], view_name):
                    nodes.append(node("kpi", k, kpi))
                    ids[f"kpi:{kpi['code']}"] = int(kpi["id"])
    return nodes, ids


def _with_chances(
    scores: Scores,
    nodes: list[rules.Node],
    ids: dict[str, int],
    unit: str,
    year: str,
    today: dt.date,
) -> list[rules.Node]:
    """The KPIs with their forecast's chance of meeting the fiscal year's target."""
    kpi_ids = [ids[f"kpi:{n.code}"] for n in nodes if n.kind == "kpi"]
    if not kpi_ids:
        return nodes
    found = forecasts.forecast(kpi_ids, year, today=today, unit=unit, fan=False, scores=scores)
    out = []
    for n in nodes:
        made = found.get(ids[f"kpi:{n.code}"]) if n.kind == "kpi" else None
        if made is not None and made.probability is not None:
            n = rules.Node(**{**n.__dict__, "probability": made.probability, "year": year})
        out.append(n)
    return out


def open_actions(unit: Unit, review: Review | None = None) -> list[ActionItem]:
    """The unit's action items not done, but those of `review` itself, the earliest due first."""
    query = ActionItem.objects.filter(unit=unit, status=ActionItem.Status.OPEN)
    if review is not None:
        query = query.exclude(review=review)
    return list(query.select_related("owner").order_by("due_date", "pk"))


def build(unit: Unit, period: str, *, today: dt.date, review: Review | None = None) -> Agenda:
    """The agenda of a review of `unit` for `period` held on `today` (for a stored review,
    leaving its own actions out). Raises periods.PeriodError for a key that is no period."""
    fs = Organization.get().fiscal_year_start
    parsed = periods.parse_period(period, fs)
    key = parsed.key
    actions = open_actions(unit, review)
    scores = cache.scores(unit=unit.code, today=today)
    nodes, ids = _nodes(scores, unit.code, key, actions)
    year = periods.year_of(parsed.last_month, fs)
    nodes = _with_chances(scores, nodes, ids, unit.code, year, today)
    found = initiative_scores.rows([unit.code], key, fiscal_start=fs).get(unit.code, [])
    known = (
        {code: (pk, name) for code, pk, name in unit.initiatives.values_list("code", "pk", "name")}
        if found
        else {}
    )
    names = [s.name for s in DEFAULT.statuses]
    initiatives = [
        rules.Initiative(
            code=r["code"],
            name=known[r["code"]][1] if r["code"] in known else r["code"],
            status=names.index(r["status"]) if r["status"] in names else rules.NONE,
            status_name=r["status"] or "",
            best=len(names) - 1,
            complete=r["actual"],
            expected=r["target"],
        )
        for r in found
    ]
    named = {a.pk: a for a in actions}
    items = rules.build(
        key,
        today,
        [rules.Action(a.pk, a.title, _owner(a), a.due_date) for a in actions],
        nodes,
        initiatives,
    )
    lines = []
    for item in items:
        if item.kind == "action":
            action = named[int(item.code)]
            url = reverse("action", args=[unit.code, action.pk])
            lines.append(Line(item, url, action_id=action.pk))
        elif item.kind == "initiative":
            url = _at(reverse("initiative", args=[unit.code, item.code]), key)
            lines.append(Line(item, url, initiative_id=known[item.code][0]))
        else:
            url = _at(reverse(item.kind, args=[unit.code, item.code]), key)
            pk = ids[f"{item.kind}:{item.code}"]
            lines.append(
                Line(
                    item,
                    url,
                    kpi_id=pk if item.kind == "kpi" else None,
                    objective_id=pk if item.kind == "objective" else None,
                )
            )
    return Agenda(unit, key, today, lines)


def _owner(action: ActionItem) -> str:
    owner = action.owner
    if owner is None:
        return ""
    return owner.get_full_name() or owner.get_username()
