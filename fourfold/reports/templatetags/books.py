"""The briefing books' sections for the Report menu of any page."""

from __future__ import annotations

from django import template

from fourfold.reports.books import SECTION_NAMES, SECTIONS

register = template.Library()


@register.simple_tag
def book_sections() -> list[tuple[str, str]]:
    """(value, label) of every section of a book, in its order."""
    return [(name, SECTION_NAMES[name]) for name in SECTIONS]
