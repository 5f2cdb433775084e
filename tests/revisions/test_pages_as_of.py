"""`?as_of=` shows the definitions of then on every page that can be shown as it stood: names,
weights, structure, the strategy map's links, initiatives and their milestones; any other page
says it shows now; a write under `?as_of=` is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from fourfold.files.load import load
from fourfold.initiatives.models import Milestone
from fourfold.measures.models import KPI
from fourfold.strategy.models import Objective, Unit
from tests.web.test_scorecard import kpi_rows, text_of

from .past import load_both, scorecard

# An as-of scorecard: the page's own queries, its scores computed once (for the page and its
# forecasts), the forecasts the worker kept (1), and a fixed number to put the tables back.
QUERIES = 54

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client: Client) -> User:
    load_both()
    user = User.objects.create_superuser("root", "root@acme.example", "x")
    client.force_login(user)
    return user


def page(client: Client, path: str) -> str:
    answer = client.get(path, follow=True)
    assert answer.status_code == 200, (path, answer.status_code)
    if "as_of=" in path:  # a page that moves to its own address keeps the moment
        assert all("as_of=" in url for url, _ in answer.redirect_chain), answer.redirect_chain
    return text_of(answer.content)


def test_the_scorecard_as_it_stood_lists_the_kpis_and_names_of_then(
    client: Client, root: User
) -> None:
    now = client.get("/units/acme/?period=2026-01")
    then = client.get("/units/acme/?period=2026-01&as_of=before")
    assert kpi_rows(now.content) == ["A renamed", "B", "C"]
    assert kpi_rows(then.content) == ["A", "B"]
    assert "Grow faster" in text_of(now.content)
    text = text_of(then.content)
    assert "Grow faster" not in text and "Grow" in text
    assert "As it stood on" in text and "read only" in text
    # Scored with the weights of then: a 5, b 8.33, equal weights.
    assert "6.67" in text


def test_a_kpi_an_objective_and_the_map_as_they_stood(client: Client, root: User) -> None:
    kpi = page(client, "/units/acme/kpis/a/?period=2026-01&as_of=before")
    assert "A renamed" not in kpi and "700" in kpi
    assert "A renamed" in page(client, "/units/acme/kpis/a/?period=2026-01")
    objective = page(client, "/units/acme/objectives/grow/?period=2026-01&as_of=before")
    assert "Grow faster" not in objective and "A renamed" not in objective
    drawn_now = page(client, "/units/acme/map/?period=2026-01")
    drawn_then = page(client, "/units/acme/map/?period=2026-01&as_of=before")
    assert "Keep customers" in drawn_now
    assert "Keep customers" not in drawn_then and "Grow faster" not in drawn_then


def test_what_did_not_exist_then_is_not_found(client: Client, root: User) -> None:
    assert client.get("/units/acme/kpis/c/?as_of=before").status_code == 404
    assert client.get("/units/ops/?as_of=before").status_code == 404
    assert client.get("/units/acme/kpis/c/").status_code == 200
    assert "Operations" not in page(client, "/scorecards/?as_of=before")
    assert "Operations" in page(client, "/scorecards/")


def test_initiatives_and_their_milestones_as_they_stood(client: Client, root: User) -> None:
    listed = page(client, "/units/acme/initiatives/?period=2026-01&as_of=before")
    assert "Roll out the new CRM everywhere" not in listed and "Roll out the new CRM" in listed
    one = page(client, "/units/acme/initiatives/crm/?period=2026-01&as_of=before")
    assert "Training" not in one and "All regions" in one
    assert "Training" in page(client, "/units/acme/initiatives/crm/?period=2026-01")


def test_a_page_that_cannot_be_shown_as_it_stood_says_it_shows_now(
    client: Client, root: User
) -> None:
    text = page(client, "/history/?as_of=before")
    assert "This page cannot be shown as it stood on" in text
    assert "it shows how things stand now" in text
    assert "As it stood on" not in text


def test_writes_are_refused_under_as_of_and_the_tables_stay_as_they_are(
    client: Client, root: User
) -> None:
    kpi = KPI.objects.get(code="a")
    answer = client.post(
        "/units/acme/kpis/a/comments/?as_of=before", {"period": "2026-01", "text": "then"}
    )
    assert answer.status_code == 403
    assert answer.content.decode() == (
        "The past is read only: this address shows how things stood on before; "
        "go back to now to change anything."
    )
    for path in ("/units/acme/?period=2026-01", "/units/acme/initiatives/crm/", "/"):
        client.get(f"{path}{'&' if '?' in path else '?'}as_of=before")
    assert KPI.objects.get(pk=kpi.pk).name == "A renamed"
    assert Objective.objects.get(code="grow").name == "Grow faster"
    assert Unit.objects.filter(code="ops").exists()
    assert Milestone.objects.filter(name="Training").exists()
    assert not kpi.comments.exists()


def test_the_moment_is_kept_while_one_reads_on(client: Client, root: User) -> None:
    html = client.get("/units/acme/?period=2026-01&as_of=before").content.decode()
    # The links to pages shown as they stood carry it, the link back to now does not.
    assert 'href="/units/acme/kpis/a/?period=2026-01&amp;as_of=before"' in html
    assert '<a href="/units/acme/?period=2026-01" data-now>Back to now</a>' in html
    # The period picker (a form that asks for the same page) keeps it too.
    assert '<input type="hidden" name="as_of" value="before">' in html
    # A link to a page that cannot be shown as it stood (People, History) goes to now.
    assert 'href="/people/"' in html and 'href="/history/"' in html
    assert 'href="/?as_of=before"' in html  # Home can
    now = client.get("/units/acme/?period=2026-01").content.decode()
    assert "as_of" not in now


def test_a_page_as_it_stood_reads_in_fixed_queries_whatever_changed_since(
    client: Client, root: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    address = "/units/acme/?period=2026-01&as_of=before"
    client.get(address)
    with django_assert_num_queries(QUERIES):
        first = client.get(address).content
    more = (
        scorecard(True)
        .replace("name: B\n", "name: B renamed\n")
        .replace("name: Operations", "name: Operations and logistics")
    )
    load(more, actor=None, source_name="v3.yaml")
    with django_assert_num_queries(QUERIES):
        again = client.get(address).content
    assert kpi_rows(again) == kpi_rows(first) == ["A", "B"]


def test_action_items_and_commentary_as_they_stood(client: Client, root: User) -> None:
    from fourfold.reviews.models import ActionItem, Comment
    from fourfold.revisions.models import NamedRevision

    then = NamedRevision.objects.get(name="before").at
    grow, acme = Objective.objects.get(code="grow"), Unit.objects.get(code="acme")
    earlier = then - dt.timedelta(hours=1)
    ActionItem.objects.create(
        unit=acme,
        objective=grow,
        title="Call the distributors",
        created_at=earlier,
        status=ActionItem.Status.DONE,
        closed_at=timezone.now(),
    )
    ActionItem.objects.create(unit=acme, objective=grow, title="Hire two sellers")
    Comment.objects.create(objective=grow, text="A word written later", period="2026-01")
    address = "/units/acme/objectives/grow/?period=2026-01"
    now, past = page(client, address), page(client, f"{address}&as_of=before")
    assert "Call the distributors" not in now and "Hire two sellers" in now
    assert "A word written later" in now
    assert "Call the distributors" in past and "Hire two sellers" not in past
    assert "A word written later" not in past
    assert ActionItem.objects.get(title="Call the distributors").status == ActionItem.Status.DONE
