"""The bodies of alert messages: an email, Slack's Block Kit, a Teams Adaptive Card (1.2,
in the envelope of a Workflows webhook) and the signed JSON of a generic webhook. Each
message groups its events per unit."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

from fourfold.core import alerting

FREQUENCY_WORDS = {"instant": "Alert", "daily": "Daily digest", "weekly": "Weekly digest"}


@dataclass
class Item:
    condition: str
    title: str
    detail: str
    period: str
    url: str
    key: str


@dataclass
class Message:
    to_name: str
    frequency: str
    organization: str
    groups: list[tuple[str, list[Item]]]  # (unit name, its items), in the units' order
    base_url: str

    @property
    def count(self) -> int:
        return sum(len(items) for _, items in self.groups)

    @property
    def subject(self) -> str:
        n = self.count
        head = FREQUENCY_WORDS[self.frequency]
        if n == 1:
            return f"Fourfold: {self.groups[0][1][0].title}"[:300]
        units = ", ".join(name for name, _ in self.groups[:3])
        more = "…" if len(self.groups) > 3 else ""
        return f"Fourfold {head.lower()}: {n} alerts in {units}{more}"[:300]


def email(m: Message) -> tuple[str, str]:
    context = {"m": m, "names": alerting.CONDITION_NAMES}
    return render_to_string("alerts/email.txt", context), render_to_string(
        "alerts/email.html", context
    )


def _link(item: Item) -> str:
    return (
        f"<{item.url}|{_escape(item.title)}>"
        if item.url.startswith("http")
        else _escape(item.title)
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack(m: Message) -> dict[str, Any]:
    """Block Kit: a header, then a section per unit listing its alerts (Slack caps a
    message at 50 blocks; the rest is summed up)."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": m.subject[:150]}}
    ]
    for unit, items in m.groups[:45]:
        lines = "\n".join(f"• {_link(i)}" for i in items[:20])
        if len(items) > 20:
            lines += f"\n• and {len(items) - 20} more"
        blocks.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": f"*{_escape(unit)}*\n{lines}"[:3000]},
            }
        )
    if len(m.groups) > 45:
        blocks.append(
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": f"and {len(m.groups) - 45} more units"}],
            }
        )
    return {"text": m.subject, "blocks": blocks}


def teams(m: Message) -> dict[str, Any]:
    """An Adaptive Card 1.2 in the message envelope that a Teams Workflows webhook takes."""
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "size": "Medium", "weight": "Bolder", "text": m.subject, "wrap": True}
    ]
    for unit, items in m.groups:
        body.append(
            {
                "type": "TextBlock",
                "weight": "Bolder",
                "text": unit,
                "wrap": True,
                "spacing": "Medium",
            }
        )
        for i in items:
            text = f"[{i.title}]({i.url})" if i.url.startswith("http") else i.title
            body.append({"type": "TextBlock", "text": f"- {text}", "wrap": True, "spacing": "None"})
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.2",
        "body": body,
    }
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


def webhook(m: Message, delivery_key: str, now: dt.datetime) -> dict[str, Any]:
    """The generic JSON: what a program needs, the timestamp inside the signed body too."""
    return {
        "type": "fourfold.alerts",
        "delivery": delivery_key,
        "timestamp": int(now.timestamp()),
        "frequency": m.frequency,
        "organization": m.organization,
        "subject": m.subject,
        "units": [
            {
                "unit": unit,
                "alerts": [
                    {
                        "condition": i.condition,
                        "title": i.title,
                        "detail": i.detail,
                        "period": i.period or None,
                        "url": i.url,
                        "key": i.key,
                    }
                    for i in items
                ],
            }
            for unit, items in m.groups
        ],
    }


def encode(body: dict[str, Any]) -> str:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
