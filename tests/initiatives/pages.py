"""A small organization with initiatives for the page tests, loaded from a scorecard file."""

from __future__ import annotations

import html as entities
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from django.contrib.auth.models import User

from fourfold.accounts.models import Role
from fourfold.files.load import load
from tests.web import cards

CARD = (
    cards.HEADER
    + """\
  - code: acme
    name: Acme Corp
    perspectives:
      - code: fin
        name: Financial
        objectives:
          - code: grow
            name: Grow revenue
            kpis:
"""
    + cards.kpi(
        "revenue",
        targets="{2026-01: {target: 700, red_flag: 500}, 2026-06: {target: 700, red_flag: 500}}",
        values="{2026-01: 600, 2026-02: 650, 2026-03: 640, 2026-04: 690, 2026-05: 720}",
    )
    + """\
          - code: keep
            name: Keep customers
            kpis: []
    initiatives:
      - code: crm
        name: Roll out the new CRM
        owner: ivy@example.com
        serves: [grow]
        moves: [revenue]
        start: 2026-01-01
        end: 2026-12-31
        budget: 250000
        milestones:
          - {name: Pilot live, due: 2026-03-31, done: 2026-04-10, owner: ivy@example.com}
          - {name: All regions, due: 2026-05-31, depends_on: [Pilot live], owner: ivy@example.com}
          - {name: Old CRM off, due: 2026-12-15, depends_on: [All regions]}
        progress: {2026-03: {complete: 20, spent: 40000}, 2026-06: {complete: 45, spent: 110000}}
      - code: lean
        name: Lean warehouse
        owner: ada@example.com
        serves: [grow, keep]
        start: 2026-02-01
        end: 2026-10-31
        progress: {2026-06: {complete: 60}}
      - code: academy
        name: Sales academy
        start: 2026-09-01
        end: 2027-08-31
"""
)


def organization() -> dict[str, User]:
    """Ada views everything; Ivy owns the CRM initiative and has no role; Eve edits acme."""
    people = {
        name: User.objects.create_user(
            name, email=f"{name}@example.com", password="x", first_name=name.capitalize()
        )
        for name in ("ada", "ivy", "eve")
    }
    load(CARD, actor=None, source_name="initiatives.yaml")
    Role.objects.create(user=people["ada"], kind=Role.Kind.VIEWER, unit=None)
    Role.objects.create(user=people["eve"], kind=Role.Kind.EDITOR, unit=None)
    return people


class _Rows(HTMLParser):
    """The text of each cell of the table rows that carry `attr`, by its value."""

    def __init__(self, attr: str) -> None:
        super().__init__()
        self.attr = attr
        self.rows: dict[str, list[str]] = {}
        self.key: str | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "tr" and self.attr in found:
            self.key = found[self.attr] or ""
            self.rows[self.key] = []
        elif tag in ("td", "th") and self.key is not None:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.key is not None and self.cell is not None:
            self.rows[self.key].append(" ".join(" ".join(self.cell).split()))
            self.cell = None
        elif tag == "tr":
            self.key = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def table_rows(html: bytes | str, attr: str) -> dict[str, list[str]]:
    text = html.decode() if isinstance(html, bytes) else html
    parser = _Rows(attr)
    parser.feed(text)
    return parser.rows


def svg_of(html: bytes | str, within: str = 'class="gantt-wrap"') -> ET.Element:
    """The first inline SVG after `within` on a page, parsed."""
    text = html.decode() if isinstance(html, bytes) else html
    start = text.index("<svg", text.index(within))
    return ET.fromstring(text[start : text.index("</svg>", start) + len("</svg>")])


def words(html: bytes | str) -> str:
    """The page's text, its tags dropped and its spaces folded."""
    text = html.decode() if isinstance(html, bytes) else html
    return " ".join(entities.unescape(re.sub(r"<[^>]+>", " ", text)).split())
