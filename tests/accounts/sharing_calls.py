"""The access matrix's actions of scheduled books and share links, pages and API (added to
PAGES in `actions.py` and to API in `api_calls.py`)."""

from __future__ import annotations

from django.contrib.auth.models import User

from fourfold.sharing.models import BookSchedule, Delivery, ShareLink

from .actions import Action, Call, Wrote, exists, get, post

SCHEDULE = {
    "fmt": "xlsx",
    "when": "cron",
    "cron": "0 7 1 * *",
    "timezone": "Europe/Paris",
    "every": "month",
    "subject": "Made in the matrix",
    "enabled": "on",
}


def _schedule_form(unit: str) -> dict[str, str]:
    return {**SCHEDULE, "template": f"{{{unit}_template}}", "recipients": f"{{{unit}_reader}}"}


def _tested(unit: str) -> Wrote:
    return lambda _: Delivery.objects.filter(
        schedule__template__unit__code=unit, test=True
    ).exists()


def _gone(unit: str) -> Wrote:
    return lambda _: not BookSchedule.objects.filter(template__unit__code=unit).exists()


def _revoked(unit: str) -> Wrote:
    return lambda _: ShareLink.objects.filter(unit__code=unit, revoked_at__isnull=False).exists()


def _linked(_: User) -> bool:
    return ShareLink.objects.filter(note="made in the matrix").exists()


def _pages(unit: str) -> dict[str, Action]:
    U = unit.upper()
    at = f"/units/{unit}/schedules"
    return {
        f"books sent {U}": get(f"{at}/"),
        f"new schedule form {U}": get(f"{at}/new/"),
        f"schedule a book of {U}": post(
            f"{at}/new/",
            _schedule_form(unit),
            exists(BookSchedule, subject="Made in the matrix", template__unit__code=unit),
        ),
        f"schedule of {U}": get(f"{at}/{{{unit}_schedule}}/"),
        f"schedule form of {U}": get(f"{at}/{{{unit}_schedule}}/edit/"),
        f"change a schedule of {U}": post(
            f"{at}/{{{unit}_schedule}}/edit/",
            {**_schedule_form(unit), "cron": "0 8 1 * *"},
            exists(BookSchedule, cron="0 8 1 * *", template__unit__code=unit),
        ),
        f"send a test of a schedule of {U}": post(
            f"{at}/{{{unit}_schedule}}/test/", {}, _tested(unit)
        ),
        f"remove a schedule of {U}": post(f"{at}/{{{unit}_schedule}}/delete/", {}, _gone(unit)),
        f"share links of {U}": get(f"/units/{unit}/shares/"),
        f"make a share link of {U}": post(
            f"/units/{unit}/shares/",
            {"what": "scorecard", "fmt": "pdf", "days": "7", "note": "made in the matrix"},
            _linked,
        ),
        f"revoke a share link of {U}": post(
            f"/units/{unit}/shares/{{{unit}_share}}/revoke/", {}, _revoked(unit)
        ),
    }


PAGES: dict[str, Action] = {
    **_pages("a"),
    **_pages("b"),
    # Whoever has the link, signed in or not, as whatever role: it shows what its maker sees.
    "open a share link of A": get("/shared/{a_token}/"),
}


def _calls(unit: str) -> dict[str, Call]:
    new = {
        "unit": unit,
        "template": "Matrix book",
        "format": "xlsx",
        "cron": "0 7 1 * *",
        "subject": "Made in the matrix",
        "recipients": ["viewer"] if unit == "a" else ["pat"],
    }
    one = f"schedules/{{{unit}_schedule}}"
    return {
        f"GET schedules?unit={unit}": Call("get", f"schedules?unit={unit}"),
        f"POST schedules in {unit}": Call(
            "post", "schedules", new, 201, exists(BookSchedule, subject="Made in the matrix")
        ),
        f"GET {one}": Call("get", one),
        f"PATCH {one}": Call(
            "patch", one, {"cron": "0 8 1 * *"}, 200, exists(BookSchedule, cron="0 8 1 * *")
        ),
        f"DELETE {one}": Call("delete", one, None, 204, _gone(unit)),
        f"POST {one}/test": Call("post", f"{one}/test", {}, 200, _tested(unit)),
        f"GET share-links?unit={unit}": Call("get", f"share-links?unit={unit}"),
        f"POST share-links in {unit}": Call(
            "post", "share-links", {"unit": unit, "note": "made in the matrix"}, 201, _linked
        ),
        f"POST share-links/{unit}/revoke": Call(
            "post", f"share-links/{{{unit}_share}}/revoke", {}, 200, _revoked(unit)
        ),
    }


API: dict[str, Call] = {
    **_calls("a"),
    **_calls("b"),
    "POST share-links in a (read-only token)": Call(
        "post", "share-links", {"unit": "a", "note": "made in the matrix"}, 201, _linked, "read"
    ),
}
