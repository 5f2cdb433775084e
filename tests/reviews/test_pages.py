"""The reviews' pages: the list, the review (live with htmx, and without it), an action item's
page, and the marks on the scorecard and Home; each with its queries counted."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from fourfold.measures.models import KPI
from fourfold.reviews import meetings, services
from fourfold.reviews.models import ActionItem, Comment, Decision, Review
from fourfold.strategy.models import Unit
from tests.initiatives.pages import words

from .conftest import People

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def review(acme: Unit, people: People) -> Review:
    series = meetings.create_series(people.eve, acme, "Monthly operational review", "monthly")
    return meetings.plan_review(
        people.eve,
        acme,
        "2026-02",
        held_on=dt.date(2026, 3, 20),
        series=series,
        facilitator=people.eve,
    )


def as_(client: Client, user: object) -> Client:
    client.force_login(user)  # type: ignore[arg-type]
    return client


def url(review: Review, rest: str = "") -> str:
    return f"/units/acme/reviews/{review.pk}/{rest}"


def test_the_list_shows_the_reviews_and_plans_one(
    client: Client,
    review: Review,
    people: People,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    eve = as_(client, people.eve)
    eve.get("/units/acme/reviews/")
    with django_assert_num_queries(12):
        html = eve.get("/units/acme/reviews/").content.decode()
    text = words(html)
    assert "Monthly operational review 2026-02" in text and "Plan the review" in text
    series = review.series
    assert series is not None
    # The form proposes the unit's series and the period after its latest review.
    assert re.search(rf'<option value="{series.pk}" selected>Monthly operational review', html)
    assert re.search(r'<input type="text" name="period" value="2026-03"', html)
    answer = eve.post(
        "/units/acme/reviews/new/",
        {"series": series.pk, "period": "2026-03", "held_on": "2026-04-10"},
    )
    made = Review.objects.get(period="2026-03")
    assert answer.status_code == 302 and answer["Location"] == url(made)
    with django_assert_num_queries(12):  # however many reviews
        assert "2026-03" in eve.get("/units/acme/reviews/").content.decode()


def test_a_review_for_a_period_that_is_not_one_says_so_and_writes_nothing(
    client: Client, review: Review, people: People
) -> None:
    eve = as_(client, people.eve)
    answer = eve.post(
        "/units/acme/reviews/new/",
        {"series": review.series_id, "period": "2026-Q1", "held_on": "2026-04-10"},
    )
    assert answer.status_code == 400
    assert "The review's period 2026-Q1 is not a month" in words(answer.content.decode())
    assert Review.objects.count() == 1


def test_a_viewer_sees_the_reviews_but_plans_none(
    client: Client, review: Review, people: People
) -> None:
    vic = as_(client, people.vic)
    html = vic.get("/units/acme/reviews/").content.decode()
    assert "Monthly operational review 2026-02" in html and "Plan the review" not in html
    assert vic.post("/units/acme/reviews/new/", {"period": "2026-03"}).status_code == 403
    page = vic.get(url(review)).content.decode()
    assert "Close the review" not in page and "Save the commentary" not in page


def test_the_review_page_shows_the_agenda_and_the_first_item(
    client: Client,
    review: Review,
    people: People,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    eve = as_(client, people.eve)
    eve.get(url(review))  # sessions, the organization, ...: what any first page reads
    with django_assert_num_queries(25):
        html = eve.get(url(review)).content.decode()
    text = words(html)
    assert "Agenda" in text and "5 items, 24 min" in text
    assert "KPI Revenue (revenue) is red in 2026-02" in text
    assert 'data-chart="review-trend-' in html and "Save the commentary" in text
    assert "<script>" not in html and "onclick" not in html


def test_htmx_gets_the_item_alone_and_a_plain_link_the_whole_page(
    client: Client,
    review: Review,
    people: People,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    eve = as_(client, people.eve)
    item = review.items.get(code="crm")
    eve.get(url(review))
    # The session, the user and their access (roles, units, KPIs), the unit, the review, its
    # items, the people, the review before, the item's decisions and actions, and the
    # organization: no scores for an initiative's item.
    with django_assert_num_queries(13):
        part = eve.get(url(review) + f"?item={item.pk}&part=panel", **HTMX).content.decode()
    assert part.lstrip().startswith("<section") and "Initiative Roll out the CRM" in part
    assert "<html" not in part
    # The agenda comes along out of band, the chosen item marked current there.
    oob = part[part.index('<div id="agenda"') :]
    assert 'hx-swap-oob="true"' in oob.split(">")[0]
    assert 'class="agenda__item agenda__item--initiative_behind is-current"' in oob
    assert oob.count("is-current") == 1
    whole = eve.get(url(review) + f"?item={item.pk}").content.decode()
    assert (
        "<html" in whole
        and 'class="agenda__item agenda__item--initiative_behind is-current"' in whole
    )


def test_commentary_a_decision_and_an_action_written_live(
    client: Client, review: Review, people: People
) -> None:
    eve = as_(client, people.eve)
    item = review.items.get(code="revenue")
    base = url(review, f"items/{item.pk}/")
    part = eve.post(
        base + "commentary/",
        {"analysis": "Orders slipped", "cause": "", "recommendation": "Widen the pipeline"},
        **HTMX,
    )
    assert part.status_code == 200 and "<html" not in part.content.decode()
    assert Comment.objects.get(period="2026-02", draft=False).analysis == "Orders slipped"
    eve.post(base + "decisions/", {"text": "Cut prices", "decided_by": "The board"}, **HTMX)
    assert Decision.objects.get().kpi == KPI.objects.get(code="revenue")
    done = eve.post(
        base + "actions/",
        {"title": "Call the bank", "owner": people.vic.pk, "due_date": "2026-04-15"},
        **HTMX,
    )
    assert "Call the bank" in done.content.decode()
    action = ActionItem.objects.get()
    assert (action.owner, action.review, action.item) == (people.vic, review, item)


def test_an_action_without_owner_or_due_date_is_refused_in_one_sentence(
    client: Client, review: Review, people: People
) -> None:
    eve = as_(client, people.eve)
    item = review.items.get(code="revenue")
    base = url(review, f"items/{item.pk}/actions/")
    no_owner = eve.post(base, {"title": "Call the bank", "due_date": "2026-04-15"}, **HTMX)
    assert no_owner.status_code == 400
    assert "The action item 'Call the bank' needs an owner." in words(no_owner.content)
    no_date = eve.post(base, {"title": "Call the bank", "owner": people.vic.pk}, **HTMX)
    assert "The action item 'Call the bank' needs a due date." in words(no_date.content)
    assert not ActionItem.objects.exists()


def test_the_facilitator_rearranges_the_agenda_live(
    client: Client, review: Review, people: People
) -> None:
    eve = as_(client, people.eve)
    last = review.items.get(code="crm")
    part = eve.post(url(review, f"items/{last.pk}/up/"), **HTMX).content.decode()
    assert part.lstrip().startswith("<section") and "Agenda" in part
    eve.post(url(review, f"items/{last.pk}/drop/"))
    eve.post(url(review, "items/new/"), {"message": "Next year's budget", "minutes": "10"})
    order = list(review.items.order_by("position").values_list("code", "dropped"))
    assert order[3] == ("crm", True) and order[-1] == ("", False)


def test_closing_the_review(client: Client, review: Review, people: People) -> None:
    eve = as_(client, people.eve)
    assert eve.post(url(review, "close/")).status_code == 302
    review.refresh_from_db()
    assert review.state == Review.State.CLOSED
    assert "Close the review" not in eve.get(url(review)).content.decode()


def test_the_action_page_shows_the_kpi_before_and_after(
    client: Client, acme: Unit, people: People, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    revenue = KPI.objects.get(code="revenue")
    made = services.create_action(
        people.eve,
        acme,
        title="Call the bank",
        owner=people.vic,
        due_date=dt.date(2026, 4, 15),
        kpi=revenue,
    )
    vic = as_(client, people.vic)
    vic.get(f"/units/acme/actions/{made.pk}/")
    with django_assert_num_queries(16):
        html = vic.get(f"/units/acme/actions/{made.pk}/").content.decode()
    text = words(html)
    assert "Did it help?" in text and "Owner: Vic" in text and 'data-chart="action-trend-' in html
    assert vic.post(f"/units/acme/actions/{made.pk}/status/", {"status": "done"}).status_code == 302
    made.refresh_from_db()
    assert made.status == "done"
    bob = as_(Client(), people.bob)
    assert bob.get(f"/units/acme/actions/{made.pk}/").status_code == 404


def test_a_red_kpi_with_no_open_action_is_marked_on_the_scorecard(
    client: Client, acme: Unit, people: People
) -> None:
    eve = as_(client, people.eve)

    def marked() -> list[str]:
        html = eve.get("/units/acme/?period=2026-02").content.decode()
        rows = re.findall(r'<tr class="kpi[^"]*">(.*?)</tr>', html, re.S)
        return [re.search(r"kpis/([\w-]+)/", r).group(1) for r in rows if "no-action" in r]  # type: ignore[union-attr]

    assert marked() == ["revenue"]
    services.create_action(
        people.eve,
        acme,
        title="Fix",
        owner=people.vic,
        due_date=dt.date(2026, 4, 1),
        kpi=KPI.objects.get(code="revenue"),
    )
    assert marked() == []


def test_my_actions_on_home_lead_to_the_action_page(
    client: Client, acme: Unit, people: People
) -> None:
    made = services.create_action(
        people.eve, acme, title="Call the bank", owner=people.vic, due_date=dt.date(2026, 1, 15)
    )
    html = as_(client, people.vic).get("/?period=2026-02").content.decode()
    assert f'href="/units/acme/actions/{made.pk}/"' in html and "Call the bank" in html
