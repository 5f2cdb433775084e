"""The briefing books' pages and API calls of the access matrix: made by whoever sees the
unit, saved by them, changed and deleted by whoever saved them and the unit's editors."""

from __future__ import annotations

from fourfold.reports.models import BookTemplate

from .actions import Action, Call, Wrote, exists, get, post

SAVED = {"name": "Saved in the matrix", "period": "2026-01", "section": "scorecard"}
CHANGED = {"name": "Changed in the matrix", "period": "2026-02", "section": "map"}


def _gone(name: str) -> Wrote:
    return lambda _: not BookTemplate.objects.filter(name=name).exists()


def _pages(unit: str) -> dict[str, Action]:
    base = f"/units/{unit}/books/"
    one = f"{base}{{{unit}_book}}/"
    book = f"{unit}-book"
    return {
        f"books {unit.upper()}": get(base + "?period=2026-01"),
        f"make a book of {unit.upper()}": get(base + "make/?fmt=xlsx&period=2026-01"),
        f"save a book of {unit.upper()}": post(
            base, SAVED, exists(BookTemplate, name=SAVED["name"])
        ),
        f"book form {book}": get(one),
        f"change book {book}": post(one, CHANGED, exists(BookTemplate, name=CHANGED["name"])),
        f"delete book {book}": post(one + "delete/", {}, _gone(f"Board book {unit.upper()}")),
        f"make saved book {book}": get(one + "make/?fmt=xlsx"),
    }


BOOK_PAGES: dict[str, Action] = {**_pages("a"), **_pages("b")}


def _calls(unit: str) -> dict[str, Call]:
    one = f"book-templates/{{{unit}_book}}"
    new = {"unit": unit, "name": "Saved in the matrix", "sections": ["scorecard"]}
    return {
        f"GET book-templates?unit={unit}": Call("get", f"book-templates?unit={unit}"),
        f"GET book-templates/{unit}-book": Call("get", one),
        f"GET book-templates/{unit}-book/render": Call("get", f"{one}/render?fmt=xlsx"),
        f"GET books?unit={unit}": Call("get", f"books?unit={unit}&period=2026-01&fmt=xlsx"),
        f"POST book-templates in {unit}": Call(
            "post", "book-templates", new, 201, exists(BookTemplate, name=new["name"])
        ),
        f"PATCH book-templates/{unit}-book": Call(
            "patch", one, {"period": "2026-02"}, 200, exists(BookTemplate, period="2026-02")
        ),
        f"DELETE book-templates/{unit}-book": Call(
            "delete", one, None, 204, _gone(f"Board book {unit.upper()}")
        ),
    }


BOOK_CALLS: dict[str, Call] = {
    "GET book-templates": Call("get", "book-templates"),
    **_calls("a"),
    **_calls("b"),
    "POST book-templates in a (read-only token)": Call(
        "post",
        "book-templates",
        {"unit": "a", "name": "Saved in the matrix"},
        201,
        exists(BookTemplate, name="Saved in the matrix"),
        "read",
    ),
}
