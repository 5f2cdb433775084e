"""Email alerts: pending for k periods, digests once a day per person, and only what each
person may see, asked again when the message is made."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from fourfold.accounts.access import Access
from fourfold.accounts.models import Role
from fourfold.alerts import services, tasks
from fourfold.alerts.models import AlertState, Delivery, Event

from .conftest import Org

Enter = Callable[..., None]


def follow(user: Any, kind: str, code: str, **fields: Any) -> None:
    access = Access.of(user)
    services.follow(user, access, services.subject(access, kind, code), **fields)


def at(day: str, hour: int) -> str:
    moment = dt.datetime.fromisoformat(day).replace(hour=hour)
    return timezone.make_aware(moment).isoformat()


def test_pending_for_two_periods_one_red_month_sends_nothing_and_two_send_one(
    org: Org, enter: Enter, mailoutbox: list[Any]
) -> None:
    follow(org.ed, "kpi", "a-rev", conditions=["red"], periods=2)
    enter({("a-rev", "2026-02"): 400})
    assert mailoutbox == []
    state = AlertState.objects.get()
    assert (state.state_name, state.count, state.period) == ("pending", 1, "2026-02")
    enter({("a-rev", "2026-03"): 450})
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["ed@example.com"]
    assert (
        mail.subject
        == "Fourfold: KPI a-rev (a-rev) turned red in 2026-03: 450 (2 periods in a row)"
    )
    assert "Unit A\n- KPI a-rev (a-rev) turned red in 2026-03" in mail.body
    enter({("a-rev", "2026-04"): 300})  # still red: already told
    assert len(mailoutbox) == 1
    assert AlertState.objects.get().state_name == "firing"


def test_the_daily_digest_is_one_email_per_person_per_day_whatever_the_changes(
    org: Org, enter: Enter, mailoutbox: list[Any]
) -> None:
    follow(org.ed, "unit", "top", conditions=["red", "worse"], frequency="daily")
    enter({("a-rev", "2026-02"): 400})
    enter({("a-cost", "2026-02"): 450, ("b-rev", "2026-02"): 300})
    enter({("top-rev", "2026-02"): 100})
    assert mailoutbox == []  # the digest waits for its hour
    assert tasks.tick(at("2026-03-02", 6)).startswith("0 retried") and mailoutbox == []
    tasks.tick(at("2026-03-02", 7))
    assert len(mailoutbox) == 1
    digest = mailoutbox[0]
    assert digest.subject.startswith("Fourfold daily digest: ")
    for unit in ("Unit A", "Unit B", "Unit TOP"):
        assert f"\n{unit}\n" in digest.body
    assert digest.body.count("turned red in 2026-02") == 4 + 3  # 4 KPIs, 3 objectives
    enter({("a-rev", "2026-03"): 800, ("a-rev", "2026-04"): 100})
    tasks.tick(at("2026-03-02", 9))
    tasks.tick(at("2026-03-02", 15))
    assert len(mailoutbox) == 1  # one a day
    tasks.tick(at("2026-03-03", 7))
    assert len(mailoutbox) == 2
    assert "KPI a-rev (a-rev) turned red in 2026-04" in mailoutbox[1].body


def test_a_viewer_of_one_division_never_hears_about_another(
    org: Org, enter: Enter, mailoutbox: list[Any]
) -> None:
    follow(org.vic, "unit", "a", conditions=["red"])
    try:
        follow(org.vic, "unit", "top", conditions=["red"])
    except Exception as exc:  # noqa: BLE001 (what it is, is the point)
        assert type(exc).__name__ == "Http404"
    else:
        raise AssertionError("a viewer of A may not follow the top unit")
    enter({("b-rev", "2026-02"): 100, ("top-rev", "2026-02"): 100})
    assert mailoutbox == [] and not Event.objects.exists()
    enter({("a-rev", "2026-02"): 100})
    assert len(mailoutbox) == 1 and "Unit B" not in mailoutbox[0].body


def test_a_role_removed_means_no_more_alerts(org: Org, enter: Enter, mailoutbox: list[Any]) -> None:
    follow(org.vic, "kpi", "a-rev", conditions=["red"], frequency="daily")
    enter({("a-rev", "2026-02"): 100})
    Role.objects.filter(user=org.vic).delete()
    tasks.tick(at("2026-03-02", 8))
    assert mailoutbox == []
    assert not Event.objects.exists() and not Delivery.objects.exists()


def test_a_new_comment_is_told_to_the_followers_but_not_to_its_author(
    org: Org, enter: Enter, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    from fourfold.measures.models import KPI
    from fourfold.reviews.services import add_comment

    follow(org.ed, "kpi", "a-rev", conditions=["comment"])
    follow(org.vic, "unit", "a", conditions=["comment"])
    kpi = KPI.objects.get(code="a-rev")
    with django_capture_on_commit_callbacks(execute=True):
        add_comment(org.vic, "Lost the Nordic deal.", unit=org.unit("a"), kpi=kpi, period="2026-02")
    assert [m.to for m in mailoutbox] == [["ed@example.com"]]
    assert mailoutbox[0].subject == "Fourfold: Vic commented on KPI a-rev (a-rev) for 2026-02"
    assert "“Lost the Nordic deal.”" in mailoutbox[0].body
