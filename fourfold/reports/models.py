"""Saved briefing books: which unit, which period, which sections, kept to be made again."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from .books import SECTIONS, BookSpec


def all_sections() -> list[str]:
    return list(SECTIONS)


class BookTemplate(models.Model):
    """A briefing book saved to be made again: a unit, a period (blank: the latest complete
    period of the unit's KPIs' frequency when it is made) and the sections, in order."""

    name = models.CharField(max_length=200)
    unit = models.ForeignKey(
        "strategy.Unit", on_delete=models.CASCADE, related_name="book_templates"
    )
    period = models.CharField(max_length=20, blank=True)
    sections = models.JSONField(default=all_sections)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="book_templates",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["unit_id", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="book_template_name_in_unit")
        ]

    def __str__(self) -> str:
        return self.name

    def spec(self, period: str | None = None, as_of: dt.datetime | None = None) -> BookSpec:
        """The book to make: this template's, for `period` when given, else its own period,
        else the latest complete one (as at `as_of`, else now)."""
        from .periods import latest_complete

        chosen = period or self.period or latest_complete(self.unit, as_of)
        return BookSpec(self.unit.code, chosen, self.ordered_sections(), as_of)

    def ordered_sections(self) -> tuple[str, ...]:
        """The template's sections in the book's order (all of them when it names none)."""
        kept = self.sections if isinstance(self.sections, list) else []
        return tuple(s for s in SECTIONS if s in kept) or SECTIONS
