"""The demo's initiatives for a day, from story.yaml: dates, milestones and monthly progress
counted from the last complete month, so that the story reads the same whatever the day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fourfold.core import initiatives as rules
from fourfold.core import periods

from .window import Window


def _month(window: Window, offset: int) -> periods.Period:
    return periods.parse_period(periods.month_key(window.last_month + offset))


def _progress(spec: dict[str, Any], window: Window, start: dt.date, end: dt.date) -> dict[str, Any]:
    """One entry at the end of every month from the start to the last complete month."""
    out: dict[str, Any] = {}
    budget = spec.get("budget")
    for offset in range(spec["start"], 1):
        month = _month(window, offset)
        expected = rules.expected_share(start, end, month.end)
        complete = min(100.0, round(spec["pace"] * expected * 100))
        entry: dict[str, Any] = {"complete": int(complete)}
        if budget:
            entry["spent"] = int(round(budget * spec["spend"] * complete / 100, -3))
        out[month.key] = entry
    return out


def _milestones(spec: dict[str, Any], window: Window) -> list[dict[str, Any]]:
    out = []
    for m in spec.get("milestones", []):
        due = _month(window, m["due"]).end
        entry: dict[str, Any] = {"name": m["name"], "due": due}
        if "done" in m and (done := due + dt.timedelta(days=m["done"])) < window.today:
            entry["done"] = done
        if m.get("owner"):
            entry["owner"] = m["owner"]
        if m.get("depends_on"):
            entry["depends_on"] = m["depends_on"]
        out.append(entry)
    return out


def build(story: dict[str, list[dict[str, Any]]], window: Window) -> dict[str, list[Any]]:
    """The `initiatives:` of each unit, by unit code."""
    made: dict[str, list[Any]] = {}
    for unit, specs in story.items():
        for spec in specs:
            start, end = _month(window, spec["start"]).start, _month(window, spec["end"]).end
            item: dict[str, Any] = {"code": spec["code"], "name": spec["name"]}
            for key in ("description", "owner", "collaborators", "serves", "moves"):
                if spec.get(key):
                    item[key] = spec[key]
            item.update(start=start, end=end)
            if spec.get("budget"):
                item["budget"] = spec["budget"]
            item["milestones"] = _milestones(spec, window)
            item["progress"] = _progress(spec, window, start, end)
            made.setdefault(unit, []).append(item)
    return made
