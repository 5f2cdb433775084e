"""Signed webhooks to a real receiver on 127.0.0.1: sent within seconds of a change that
turns a followed KPI red, tried again with backoff, and a receiver that hangs does not keep
the others waiting."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

import pytest
from django.utils import timezone

from fourfold.accounts.access import Access
from fourfold.alerts import deliver, services
from fourfold.alerts.models import Attempt, Delivery
from fourfold.core import alerting

from .conftest import Org, Receiver

Enter = Callable[..., None]


def channel(org: Org, url: str, kind: str = "webhook", name: str = "ops") -> tuple[int, str]:
    made, secret = services.make_channel(
        org.root, Access.of(org.root), org.unit("top"), name=name, kind=kind, url=url
    )
    return made.pk, secret


def follow(org: Org, code: str, channel_id: int | None = None, **fields: object) -> None:
    access = Access.of(org.ed)
    subject = services.subject(access, "kpi", code)
    services.follow(org.ed, access, subject, conditions=["red"], channel=channel_id, **fields)


def test_a_signed_webhook_arrives_within_seconds_of_a_change_that_turns_a_followed_kpi_red(
    org: Org, enter: Enter, receiver: Callable[[], Receiver]
) -> None:
    hook = receiver()
    pk, secret = channel(org, hook.url)
    follow(org, "a-rev", pk)
    follow(org, "a-cost", pk)
    started = time.monotonic()
    enter({("a-rev", "2026-02"): 400, ("a-cost", "2026-02"): 800})
    got = hook.wait(1)
    assert time.monotonic() - started < 5
    assert len(got) == 1
    sent = got[0]
    assert alerting.verify(secret, sent.body, sent.headers["X-Fourfold-Signature"])
    assert sent.headers["X-Fourfold-Timestamp"] == str(sent.json["timestamp"])
    alerts = [a for unit in sent.json["units"] for a in unit["alerts"]]
    assert [(a["condition"], a["period"]) for a in alerts] == [("red", "2026-02")]
    assert alerts[0]["title"].startswith("KPI a-rev (a-rev) turned red in 2026-02: 400")
    assert sent.json["units"][0]["unit"] == "Unit A"
    # The same value again, and a change that keeps a-cost green: nothing more is sent.
    enter({("a-rev", "2026-02"): 400, ("a-cost", "2026-02"): 900})
    time.sleep(0.2)
    assert len(hook.got) == 1


def test_a_receiver_that_fails_twice_gets_the_message_on_the_third_try(
    org: Org, enter: Enter, receiver: Callable[[], Receiver], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FOURFOLD_ALERTS_RETRY_SECONDS", "1")
    hook = receiver()
    hook.answers = [500, 500]
    pk, _ = channel(org, hook.url)
    follow(org, "a-rev", pk)
    enter({("a-rev", "2026-02"): 400})
    delivery = Delivery.objects.get()
    assert delivery.status == "retrying" and delivery.attempts == 1
    assert delivery.error == "ops answered 500 Internal Server Error"
    assert delivery.next_attempt_at is not None
    first_wait = delivery.next_attempt_at - Attempt.objects.get().at
    assert first_wait == dt.timedelta(seconds=1)
    assert deliver.retry_due(timezone.now()) == []  # not yet due
    deliver.retry_due(timezone.now() + dt.timedelta(seconds=1.5))
    delivery.refresh_from_db()
    assert delivery.status == "retrying" and delivery.attempts == 2
    last = delivery.tries.last()
    assert delivery.next_attempt_at is not None and last is not None
    assert delivery.next_attempt_at - last.at == dt.timedelta(seconds=2)
    deliver.retry_due(timezone.now() + dt.timedelta(seconds=5))
    delivery.refresh_from_db()
    assert delivery.status == "sent" and delivery.attempts == 3 and delivery.error == ""
    assert [(t.ok, t.status_code) for t in delivery.tries.all()] == [
        (False, 500),
        (False, 500),
        (True, 200),
    ]
    assert len(hook.got) == 3 and len({r.body for r in hook.got}) == 1  # the same message


def test_a_receiver_that_times_out_is_logged_in_one_sentence_and_the_others_are_served(
    org: Org, enter: Enter, receiver: Callable[[], Receiver], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FOURFOLD_ALERTS_TIMEOUT", "0.3")
    slow, fine = receiver(), receiver()
    slow.delay = 1.0
    slow_pk, _ = channel(org, slow.url, name="slow")
    fine_pk, _ = channel(org, fine.url, kind="slack", name="team-chat")
    follow(org, "a-rev", slow_pk)
    access = Access.of(org.root)
    services.follow(
        org.root,
        access,
        services.subject(access, "kpi", "a-rev"),
        conditions=["red"],
        channel=fine_pk,
    )
    enter({("a-rev", "2026-02"): 400})
    by_channel = {d.channel_id: d for d in Delivery.objects.all()}
    assert by_channel[slow_pk].status == "retrying"
    assert by_channel[slow_pk].error == "slow did not answer within 0.3 seconds"
    assert by_channel[fine_pk].status == "sent"
    blocks = fine.got[0].json["blocks"]
    assert blocks[0]["type"] == "header" and "turned red" in blocks[1]["text"]["text"]


def test_a_webhook_url_that_is_not_http_is_refused_in_one_sentence_and_nothing_is_made(
    org: Org,
) -> None:
    for url, why in (
        ("ftp://hooks.example.com/x", "must start with http:// or https:// (not ftp://)"),
        ("hooks.example.com/x", "must start with http:// or https:// (not no scheme)"),
        ("https:///x", "names no host"),
    ):
        with pytest.raises(services.AlertError, match=why.replace("(", r"\(").replace(")", r"\)")):
            channel(org, url)
    assert not Delivery.objects.exists()
    from fourfold.alerts.models import Channel

    assert not Channel.objects.exists()


def test_teams_gets_an_adaptive_card_and_slack_one_message_a_second(
    org: Org, receiver: Callable[[], Receiver]
) -> None:
    from fourfold.alerts.models import Event, Subscription

    slack, teams = receiver(), receiver()
    slack_pk, _ = channel(org, slack.url, kind="slack", name="chat")
    teams_pk, _ = channel(org, teams.url, kind="teams", name="teams")
    follow(org, "a-rev", slack_pk)
    follow(org, "a-cost", teams_pk)
    for sub in Subscription.objects.all():
        for n in (1, 2):
            Event.objects.create(
                subscription=sub,
                recipient=f"channel:{sub.channel_id}",
                key=f"red:{n}",
                condition="red",
                unit=org.unit("a"),
                item=f"kpi:{sub.kpi_id}",
                title=f"KPI turned red {n}",
                frequency="instant",
            )
            deliver.send_instant()
    assert len(slack.got) == 2 and slack.got[1].at - slack.got[0].at >= 0.95
    card = teams.got[0].json
    assert card["type"] == "message"
    attachment = card["attachments"][0]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert attachment["content"]["type"] == "AdaptiveCard"
    assert attachment["content"]["version"] == "1.2"
    texts = [b["text"] for b in attachment["content"]["body"]]
    assert texts == ["Fourfold: KPI turned red 1", "Unit A", "- KPI turned red 1"]
