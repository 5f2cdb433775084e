"""The alerts' pages and API calls of the access matrix (the rest is in `actions.py` and
`api_calls.py`): `{my_sub}` is the acting user's own alert on a-cost."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from fourfold.alerts.models import Channel, Subscription

from .actions import Action, Call, Wrote, get, post


def _follows(code: str) -> Wrote:
    return lambda user: Subscription.objects.filter(user=user, kpi__code=code).exists()


def _follows_unit(code: str) -> Wrote:
    return lambda user: Subscription.objects.filter(
        user=user, kind="unit", unit__code=code
    ).exists()


def _changed(user: User) -> bool:
    return Subscription.objects.filter(user=user, periods=2).exists()


def _unfollowed(user: User) -> bool:
    return not Subscription.objects.filter(user=user, kpi__code="a-cost").exists()


def _channel(name: str) -> Wrote:
    return lambda _: Channel.objects.filter(name=name).exists()


def _removed(_: Any) -> bool:
    return not Channel.objects.filter(name="ops").exists()


CHANGE = {
    "s{my_sub}-conditions": "red",
    "s{my_sub}-periods": "2",
    "s{my_sub}-probability": "30",
    "s{my_sub}-frequency": "daily",
    "s{my_sub}-channel": "",
}
CHANNEL = {
    "name": "matrix-hook",
    "kind": "webhook",
    "unit": "{a_unit}",
    "url": "https://x.example/h",
}

ALERT_PAGES: dict[str, Action] = {
    "My alerts": get("/alerts/"),
    "follow button of a-rev": get("/alerts/follow/kpi/a-rev/"),
    "follow a-rev": post("/alerts/follow/kpi/a-rev/", {}, _follows("a-rev")),
    "follow button of b-rev": get("/alerts/follow/kpi/b-rev/"),
    "follow b-rev": post("/alerts/follow/kpi/b-rev/", {}, _follows("b-rev")),
    "follow unit top": post("/alerts/follow/unit/top/", {}, _follows_unit("top")),
    "change own alert": post("/alerts/{my_sub}/", CHANGE, _changed),
    "unfollow own alert": post("/alerts/{my_sub}/unfollow/", {}, _unfollowed),
    "alert channels": get("/manage/alerts/channels/"),
    "add an alert channel": Action(
        "post", "/manage/alerts/channels/", CHANNEL, 200, _channel("matrix-hook")
    ),
    "remove an alert channel": post("/manage/alerts/channels/{channel}/delete/", {}, _removed),
    "alert deliveries": get("/manage/alerts/deliveries/"),
}

ALERT_API: dict[str, Call] = {
    "GET alerts/subscriptions": Call("get", "alerts/subscriptions"),
    "GET alerts/channels": Call("get", "alerts/channels"),
    "POST alerts/subscriptions a-rev": Call(
        "post", "alerts/subscriptions", {"kind": "kpi", "code": "a-rev"}, 201, _follows("a-rev")
    ),
    "POST alerts/subscriptions b-rev": Call(
        "post", "alerts/subscriptions", {"kind": "kpi", "code": "b-rev"}, 201, _follows("b-rev")
    ),
    "PATCH own alert subscription": Call(
        "patch", "alerts/subscriptions/{my_sub}", {"periods": 2}, 200, _changed
    ),
    "DELETE own alert subscription": Call(
        "delete", "alerts/subscriptions/{my_sub}", None, 204, _unfollowed
    ),
    "POST alerts/channels": Call(
        "post",
        "alerts/channels",
        {"unit": "a", "name": "api-hook", "kind": "webhook", "url": "https://x.example/h"},
        201,
        _channel("api-hook"),
    ),
    "POST alerts/subscriptions a-rev (read-only token)": Call(
        "post",
        "alerts/subscriptions",
        {"kind": "kpi", "code": "a-rev"},
        201,
        _follows("a-rev"),
        "read",
    ),
    "POST alerts/channels (read-only token)": Call(
        "post",
        "alerts/channels",
        {"unit": "a", "name": "api-hook", "kind": "webhook", "url": "https://x.example/h"},
        201,
        _channel("api-hook"),
        "read",
    ),
}
