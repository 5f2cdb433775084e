"""The alerts' pages: the Follow button through htmx, My alerts (its queries locked), the
channels' form refusing a URL that is not http(s), and the delivery log."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from fourfold.accounts.access import Access
from fourfold.alerts import deliver, services
from fourfold.alerts.models import AlertState, Channel, Event, Subscription
from fourfold.measures.models import KPI

from .conftest import Org

HTMX = {"HX-Request": "true"}


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def follow(user: Any, kind: str, code: str, **fields: Any) -> Subscription:
    access = Access.of(user)
    return services.follow(user, access, services.subject(access, kind, code), **fields)


def test_the_follow_button_follows_and_unfollows_in_place(org: Org) -> None:
    client = signed_in(org.vic)
    page = client.get("/units/a/kpis/a-rev/")
    assert 'hx-get="/alerts/follow/kpi/a-rev/" hx-trigger="load"' in page.content.decode()
    button = client.get("/alerts/follow/kpi/a-rev/", headers=HTMX).content.decode()
    assert "<html" not in button and ">Follow</button>" in button
    followed = client.post("/alerts/follow/kpi/a-rev/", headers=HTMX).content.decode()
    assert "✓ Following" in followed
    sub = Subscription.objects.get(user=org.vic)
    assert (sub.kind, sub.kpi_id, sub.frequency) == ("kpi", org.kpis["a-rev"], "instant")
    assert sub.conditions == ["red", "overdue", "action_late", "comment"]
    again = client.post(f"/alerts/{sub.pk}/unfollow/", headers=HTMX).content.decode()
    assert ">Follow</button>" in again and not Subscription.objects.exists()
    assert client.get("/alerts/follow/kpi/b-rev/").status_code == 404  # another division


def test_my_alerts_reads_a_fixed_number_of_queries_however_many_are_followed(
    org: Org, django_assert_num_queries: Any
) -> None:
    client = signed_in(org.ed)
    client.get("/alerts/")  # the session and the like, once
    follow(org.ed, "kpi", "a-rev", conditions=["red"])
    follow(org.ed, "unit", "top", frequency="daily")
    with django_assert_num_queries(9):
        page = client.get("/alerts/")
    assert page.status_code == 200
    for code in ("a-cost", "b-rev", "top-rev"):
        follow(org.ed, "kpi", code, conditions=["red", "above"], above=1000.0)
    follow(org.ed, "objective", "a-grow")
    sub = Subscription.objects.filter(kind="kpi").first()
    assert sub is not None
    AlertState.objects.create(subscription=sub, item=f"kpi:{sub.kpi_id}", condition="red", state=2)
    Event.objects.create(
        subscription=sub,
        recipient=f"user:{org.ed.pk}",
        key="k",
        condition="red",
        unit=org.unit("a"),
        item="kpi:1",
        title="KPI a-rev (a-rev) turned red in 2026-02",
        frequency="instant",
    )
    with django_assert_num_queries(9):
        page = client.get("/alerts/")
    text = page.content.decode()
    assert text.count('class="alerts__card"') == 7  # six followed, and Lately
    assert "1 firing" in text and "KPI a-rev (a-rev) turned red in 2026-02" in text


def test_changing_an_alert_refuses_a_threshold_condition_without_its_number(org: Org) -> None:
    sub = follow(org.ed, "kpi", "a-rev", conditions=["red"])
    client = signed_in(org.ed)
    form = {
        f"s{sub.pk}-conditions": ["red", "above"],
        f"s{sub.pk}-periods": "2",
        f"s{sub.pk}-probability": "30",
        f"s{sub.pk}-frequency": "weekly",
    }
    refused = client.post(f"/alerts/{sub.pk}/", form)
    assert refused.status_code == 400
    assert "the condition &#x27;above&#x27; needs a threshold" in refused.content.decode()
    sub.refresh_from_db()
    assert (sub.conditions, sub.periods, sub.frequency) == (["red"], 1, "instant")
    form[f"s{sub.pk}-above"] = "1200"
    assert client.post(f"/alerts/{sub.pk}/", form).status_code == 302
    sub.refresh_from_db()
    assert (sub.conditions, sub.above, sub.periods, sub.frequency) == (
        ["red", "above"],
        1200.0,
        2,
        "weekly",
    )


def test_an_alert_is_changed_by_its_owner_only(org: Org) -> None:
    sub = follow(org.ed, "kpi", "a-rev")
    assert signed_in(org.vic).post(f"/alerts/{sub.pk}/unfollow/").status_code == 404
    assert Subscription.objects.filter(pk=sub.pk).exists()


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://hooks.example.com/x", "must start with http:// or https:// (not ftp://)"),
        ("javascript:alert(1)", "must start with http:// or https:// (not javascript://)"),
    ],
)
def test_the_channel_form_refuses_a_url_that_is_not_http(org: Org, url: str, reason: str) -> None:
    client = signed_in(org.root)
    answer = client.post(
        "/manage/alerts/channels/",
        {"name": "ops", "kind": "webhook", "unit": str(org.unit("a").pk), "url": url},
    )
    assert answer.status_code == 400 and reason in answer.content.decode()
    assert not Channel.objects.exists()


def test_a_new_webhook_channels_secret_is_shown_once(org: Org) -> None:
    client = signed_in(org.root)
    made = client.post(
        "/manage/alerts/channels/",
        {
            "name": "ops",
            "kind": "webhook",
            "unit": str(org.unit("a").pk),
            "url": "https://hooks.example.com/services/T0/B0/abcdefgh",
        },
    ).content.decode()
    channel = Channel.objects.get()
    assert len(channel.secret) == 64 and channel.secret in made
    later = client.get("/manage/alerts/channels/").content.decode()
    assert channel.secret not in later and f"…{channel.secret[-4:]}" in later
    assert "abcdefgh" not in later and "https://hooks.example.com/…efgh" in later


def test_the_delivery_log_shows_each_try_in_a_fixed_number_of_queries(
    org: Org, django_assert_num_queries: Any
) -> None:
    follow(org.ed, "kpi", "a-rev", conditions=["red"])
    kpi = KPI.objects.get(code="a-rev")
    for n in range(3):
        Event.objects.create(
            subscription=Subscription.objects.get(),
            recipient=f"user:{org.ed.pk}",
            key=f"red:{n}",
            condition="red",
            unit=org.unit("a"),
            item=f"kpi:{kpi.pk}",
            title=f"KPI a-rev (a-rev) turned red {n}",
            frequency="instant",
        )
        deliver.send_instant()
    client = signed_in(org.root)
    client.get("/manage/alerts/deliveries/")
    with django_assert_num_queries(7):
        page = client.get("/manage/alerts/deliveries/")
    text = page.content.decode()
    assert text.count("alerts__badge--sent") == 3 and "turned red 2" in text
    assert signed_in(org.ed).get("/manage/alerts/deliveries/").status_code == 403
