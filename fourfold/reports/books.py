"""Briefing books: a unit's scorecard for a period, as a PDF, an XLSX or a PPTX file.

`render(spec, fmt, user=...)` is the one way a book is made, by the command line, the pages,
the API and scheduled delivery alike. A book always holds what its reader may see and no
more (`user`; None for a trusted caller), and records the moment its numbers were read, so
that `BookSpec(as_of=that moment)` makes the same book again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

SECTIONS = (
    "cover",
    "scorecard",
    "map",
    "objectives",
    "commentary",
    "initiatives",
    "actions",
    "quality",
)
SECTION_NAMES = {
    "cover": "Cover",
    "scorecard": "Scorecard",
    "map": "Strategy map",
    "objectives": "Objectives",
    "commentary": "Commentary",
    "initiatives": "Initiatives",
    "actions": "Open action items",
    "quality": "Data quality",
}
FORMATS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


class ReportError(Exception):
    """A book that cannot be made, in one sentence for the person who asked for it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class BookSpec:
    unit: str  # unit code
    period: str  # a period code
    sections: tuple[str, ...] = SECTIONS
    as_of: dt.datetime | None = None  # read the numbers as they stood then (None: now)


@dataclass(frozen=True)
class Rendered:
    content: bytes
    filename: str  # e.g. "northwind-2026-10.pdf"
    media_type: str
    read_at: dt.datetime  # the moment the numbers were read (printed on the cover)


def check_sections(sections: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The sections in the book's order, or a ReportError naming one that is not a section."""
    for name in sections:
        if name not in SECTIONS:
            raise ReportError(
                f"'{name}' is not a section of a briefing book: choose from {', '.join(SECTIONS)}"
            )
    if not sections:
        raise ReportError("a briefing book needs at least one section")
    return tuple(name for name in SECTIONS if name in sections)


def render(spec: BookSpec, fmt: str, *, user: Any | None) -> Rendered:
    """The book `spec` as a file of format `fmt` (pdf, xlsx or pptx), holding only what
    `user` may see (None: everything). Raises ReportError for an unknown unit, period,
    section or format, or a unit the user may not see."""
    from fourfold.accounts.access import Access
    from fourfold.revisions import past

    from . import gather

    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ReportError(f"'{fmt}' is not a format of a briefing book: choose pdf, xlsx or pptx")
    sections = check_sections(spec.sections)
    access = Access.trusted() if user is None else Access.of(user, writes=False)
    read_at = spec.as_of or timezone.now()
    if timezone.is_naive(read_at):
        read_at = timezone.make_aware(read_at)
    writer = importlib.import_module(f"fourfold.reports.as_{fmt}")
    # A book of a past moment reads the definitions, initiatives and milestones of then too,
    # through the same queries (fourfold.revisions.past): made again, it is the same book.
    with past.as_it_stood(spec.as_of) if spec.as_of else contextlib.nullcontext():
        book = gather.book(spec.unit, spec.period, sections, read_at, access)
        content: bytes = writer.write(book)
    return Rendered(content, f"{book.unit_code}-{book.period}.{fmt}", FORMATS[fmt], read_at)
