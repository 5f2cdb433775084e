"""A KPI page's History column: each period's superseded values and targets, newest first.

The items are written in Python, not by the template change by change: a value changed a few
hundred times (as under the load test's writers) made the template's loop half of the page's
CPU. The HTML is the same as the template wrote it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.utils import dateformat, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from fourfold.accounts import names
from fourfold.measures.models import MeasurementVersion, TargetVersion

from .templatetags.fourfold import num


@dataclass
class Change:
    """A superseded value or target: what it was, who replaced it, when and why."""

    at: dt.datetime
    by: str
    what: str
    old: str
    entered: str
    reason: str


def who(user: Any) -> str:
    return names.name(user) or "—"


def changes(
    values: list[MeasurementVersion], targets: list[TargetVersion]
) -> dict[str, list[Change]]:
    """The changes of each period, newest first."""
    out: dict[str, list[Change]] = defaultdict(list)
    for v in values:
        source = v.get_source_display() + (f" ({v.source_detail})" if v.source_detail else "")
        out[v.period].append(
            Change(
                v.superseded_at,
                who(v.superseded_by),
                "Value",
                num(v.value),
                f"entered by {who(v.entered_by)} on {v.entered_at:%Y-%m-%d}, {source}",
                v.reason,
            )
        )
    for t in targets:
        if t.low is not None or t.high is not None:
            old = f"{num(t.low)}–{num(t.high)}"
        else:
            old = num(t.target) + (
                f", red flag {num(t.red_flag)}" if t.red_flag is not None else ""
            )
        out[t.period].append(
            Change(
                t.superseded_at,
                who(t.superseded_by),
                "Target",
                old,
                f"set by {who(t.changed_by)} on {t.changed_at:%Y-%m-%d}",
                t.superseding_reason,
            )
        )
    for found in out.values():
        found.sort(key=lambda c: c.at, reverse=True)
    return out


ITEM = (
    '<li><time datetime="{}">{}</time> {} replaced the {} <strong>{}</strong> '
    '<span class="muted">({})</span>{}</li>'
)


def as_html(found: list[Change]) -> SafeString:
    """The list items of one period's changes, as the template's `date` filter writes the
    moments (in the current time zone) and with everything a user wrote escaped."""

    def item(change: Change) -> tuple[Any, ...]:
        at = timezone.localtime(change.at)
        reason = format_html(": “{}”", change.reason) if change.reason else ""
        return (
            dateformat.format(at, "c"),
            dateformat.format(at, "Y-m-d H:i"),
            change.by,
            change.what.lower(),
            change.old,
            change.entered,
            reason,
        )

    return format_html_join("\n", ITEM, (item(c) for c in found))
