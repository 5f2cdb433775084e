"""The alerts' API: following and changing through the same services as the pages, and bad
input refused in one sentence with nothing written."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client
from django_q.models import Schedule

from fourfold.alerts.apps import TICK_TASK, ensure_schedule
from fourfold.alerts.models import Channel, Subscription
from fourfold.api.models import ApiToken

from .conftest import Org


def call(user: Any, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    _, secret = ApiToken.issue(user, f"t{method}{path}", "write")
    kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    answer = getattr(Client(), method)(f"/api/v1/{path}", **kwargs)
    return answer.status_code, json.loads(answer.content) if answer.content else None


def test_it_follows_changes_and_unfollows(org: Org) -> None:
    status, made = call(org.ed, "post", "alerts/subscriptions", {"kind": "kpi", "code": "a-rev"})
    assert status == 201
    assert made["conditions"] == ["red", "overdue", "action_late", "comment"]
    pk = made["id"]
    status, changed = call(
        org.ed,
        "patch",
        f"alerts/subscriptions/{pk}",
        {"conditions": ["below"], "below": 500, "periods": 3},
    )
    assert status == 200 and (changed["below"], changed["periods"]) == (500.0, 3)
    assert call(org.ed, "get", "alerts/subscriptions")[1] == [changed]
    assert call(org.vic, "delete", f"alerts/subscriptions/{pk}")[0] == 404  # not hers
    assert call(org.ed, "delete", f"alerts/subscriptions/{pk}")[0] == 204
    assert not Subscription.objects.exists()


def test_a_null_field_leaves_it_as_it_is_and_a_null_threshold_clears_it(org: Org) -> None:
    # `conditions: null` gave a server error (the fuzzer found it): null means "leave it".
    status, made = call(org.ed, "post", "alerts/subscriptions", {"kind": "kpi", "code": "a-rev"})
    pk = made["id"]
    status, changed = call(
        org.ed, "patch", f"alerts/subscriptions/{pk}", {"conditions": ["below"], "below": 500}
    )
    assert status == 200
    status, again = call(
        org.ed,
        "patch",
        f"alerts/subscriptions/{pk}",
        {"conditions": None, "periods": None, "frequency": None, "probability": None},
    )
    assert (status, again) == (200, changed)
    status, cleared = call(org.ed, "patch", f"alerts/subscriptions/{pk}", {"above": None})
    assert status == 200 and cleared["above"] is None and cleared["conditions"] == ["below"]


def test_bad_input_is_refused_in_one_sentence_and_nothing_is_written(org: Org) -> None:
    status, answer = call(
        org.root,
        "post",
        "alerts/channels",
        {"unit": "a", "name": "ops", "kind": "webhook", "url": "ftp://x/y"},
    )
    assert status == 422
    assert answer["error"]["message"] == (
        "The webhook URL must start with http:// or https:// (not ftp://)."
    )
    status, answer = call(
        org.ed,
        "post",
        "alerts/subscriptions",
        {"kind": "kpi", "code": "a-rev", "conditions": ["above"]},
    )
    assert status == 422
    assert answer["error"]["message"] == "The condition 'above' needs a threshold."
    status, answer = call(org.vic, "post", "alerts/subscriptions", {"kind": "kpi", "code": "b-rev"})
    assert status == 404
    assert not Channel.objects.exists() and not Subscription.objects.exists()


def test_a_webhook_channels_secret_is_answered_once(org: Org) -> None:
    status, made = call(
        org.root,
        "post",
        "alerts/channels",
        {"unit": "a", "name": "ops", "kind": "webhook", "url": "https://x.example/h"},
    )
    assert status == 201 and made["secret"] == Channel.objects.get().secret
    listed = call(org.root, "get", "alerts/channels")[1]
    assert listed[0]["secret"] is None and listed[0]["url"] == "https://x.example/…le/h"


def test_the_workers_tick_is_scheduled_once_every_five_minutes(org: Org) -> None:
    Schedule.objects.filter(func=TICK_TASK).delete()
    ensure_schedule()
    ensure_schedule()
    tick = Schedule.objects.get(func=TICK_TASK)
    assert (tick.schedule_type, tick.minutes) == (Schedule.MINUTES, 5)
