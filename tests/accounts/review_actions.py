"""The actions of the access matrix on reviews and action items (fourfold/reviews): a unit's
reviews, its review (ids `{a_review}`, its agenda item `{a_item}`) and an action item of it
(`{a_action}`, owned by the owner of KPI a-rev; B's by bob); `{a_first}` is its first agenda
item, dropped, before the red one."""

from __future__ import annotations

from fourfold.reviews.models import ActionItem, AgendaItem, Comment, Decision, Review, ReviewSeries

from .actions import Action, Call, exists, get, post

OWNER = {"a": "{owner}", "b": "{bob}"}


def _reviews(unit: str) -> dict[str, Action]:
    u = unit.upper()
    base = f"/units/{unit}/reviews/"
    one = f"{base}{{{unit}_review}}/"
    item = f"{one}items/{{{unit}_item}}/"  # red, second; the first is dropped
    first = f"{one}items/{{{unit}_first}}/"
    action = f"/units/{unit}/actions/{{{unit}_action}}/"
    mine = {"review__unit__code": unit}
    return {
        f"reviews {u}": get(base),
        f"plan a review of {u}": post(
            base + "new/",
            {"period": "2026-03", "held_on": "2026-04-10"},
            exists(Review, unit__code=unit, period="2026-03"),
        ),
        f"add a review series to {u}": post(
            base + "series/new/",
            {"name": "Strategy review", "cadence": "quarterly"},
            exists(ReviewSeries, unit__code=unit, name="Strategy review"),
        ),
        f"review {u}": get(one),
        f"start review {u}": post(
            one + "start/", {}, exists(Review, unit__code=unit, state="open")
        ),
        f"close review {u}": post(
            one + "close/", {}, exists(Review, unit__code=unit, state="closed")
        ),
        f"add an agenda item to review {u}": post(
            one + "items/new/",
            {"message": "Next year", "minutes": "5"},
            exists(AgendaItem, message="Next year", **mine),
        ),
        f"drop an agenda item of review {u}": post(
            item + "drop/", {}, exists(AgendaItem, dropped=True, reason="red", **mine)
        ),
        f"bring back an agenda item of review {u}": post(
            first + "restore/", {}, exists(AgendaItem, dropped=False, reason="added", **mine)
        ),
        f"move an agenda item of review {u} up": post(
            item + "up/", {}, exists(AgendaItem, position=0, reason="red", **mine)
        ),
        f"move an agenda item of review {u} down": post(
            first + "down/", {}, exists(AgendaItem, position=1, reason="added", **mine)
        ),
        f"write commentary in review {u}": post(
            item + "commentary/",
            {"analysis": "Orders slipped"},
            exists(Comment, kpi__code=f"{unit}-rev", analysis="Orders slipped"),
        ),
        f"record a decision in review {u}": post(
            item + "decisions/",
            {"text": "Cut prices", "decided_by": "The board"},
            exists(Decision, text="Cut prices", **mine),
        ),
        f"add an action in review {u}": post(
            item + "actions/",
            {"title": "Call the bank", "owner": OWNER[unit], "due_date": "2026-04-15"},
            exists(ActionItem, unit__code=unit, title="Call the bank"),
        ),
        f"action item of {u}": get(action),
        f"mark the action item of {u} done": post(
            action + "status/",
            {"status": "done"},
            exists(ActionItem, unit__code=unit, status="done"),
        ),
    }


REVIEW_PAGES: dict[str, Action] = {**_reviews("a"), **_reviews("b")}


def _review_calls(unit: str) -> dict[str, Call]:
    owner = {"a": "owner@example.com", "b": "bob@example.com"}[unit]
    one = f"reviews/{{{unit}_review}}"
    return {
        f"GET reviews of {unit}": Call("get", f"reviews?unit={unit}"),
        f"GET review of {unit}": Call("get", one),
        f"GET agenda of {unit}": Call("get", f"agenda?unit={unit}&period=2026-02"),
        f"GET actions of {unit}": Call("get", f"actions?unit={unit}"),
        f"GET commentary of {unit}-rev": Call("get", f"kpis/{unit}-rev/commentary/2026-01"),
        f"POST reviews in {unit}": Call(
            "post",
            "reviews",
            {"unit": unit, "period": "2026-03", "held_on": "2026-04-10"},
            201,
            exists(Review, unit__code=unit, period="2026-03"),
        ),
        f"POST decisions of the review of {unit}": Call(
            "post",
            f"{one}/decisions",
            {"text": "Cut prices", "decided_by": "The board"},
            201,
            exists(Decision, text="Cut prices"),
        ),
        f"POST close the review of {unit}": Call(
            "post",
            f"{one}/close",
            {},
            200,
            exists(Review, unit__code=unit, state="closed"),
        ),
        f"POST actions in {unit}": Call(
            "post",
            "actions",
            {
                "unit": unit,
                "title": "Call the bank",
                "owner": owner,
                "due_date": "2026-04-15",
                "kpi": f"{unit}-rev",
            },
            201,
            exists(ActionItem, title="Call the bank"),
        ),
        f"PATCH the action of {unit}": Call(
            "patch",
            f"actions/{{{unit}_action}}",
            {"status": "done"},
            200,
            exists(ActionItem, unit__code=unit, status="done"),
        ),
        f"PUT commentary of {unit}-rev": Call(
            "put",
            f"kpis/{unit}-rev/commentary/2026-02",
            {"analysis": "Orders slipped"},
            200,
            exists(Comment, kpi__code=f"{unit}-rev", period="2026-02", analysis="Orders slipped"),
        ),
    }


REVIEW_CALLS: dict[str, Call] = {
    **_review_calls("a"),
    **_review_calls("b"),
    "PATCH the action of a (read-only token)": Call(
        "patch",
        "actions/{a_action}",
        {"status": "done"},
        200,
        exists(ActionItem, unit__code="a", status="done"),
        "read",
    ),
}
