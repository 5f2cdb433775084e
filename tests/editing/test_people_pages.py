"""People on the pages: a role given with least privilege first, names set and shown by one
helper, and owners chosen among people who have no email address."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.template import Context, Template

from fourfold.accounts import names
from fourfold.accounts.models import Role
from fourfold.audit.models import AuditEntry
from fourfold.measures.models import KPI, Target
from fourfold.strategy.models import Unit
from tests.web.test_scorecard import text_of

from .conftest import client_of

pytestmark = pytest.mark.django_db


def test_the_person_filter_names_people_and_adds_the_address_where_asked(db: None) -> None:
    ada = User.objects.create_user("ada", "ada@acme.example", first_name="Ada", last_name="Byron")
    bare = User.objects.create_user("j.doe")
    shown = Template(
        '{% load fourfold %}{{ a|person }}|{{ a|person:"email" }}|{{ b|person }}|'
        '{{ b|person:"email" }}|{{ nobody|person|default:"nobody yet" }}'
    )
    text = shown.render(Context({"a": ada, "b": bare, "nobody": None}))
    assert text == "Ada Byron|Ada Byron &lt;ada@acme.example&gt;|j.doe|j.doe|nobody yet"
    assert names.name(ada) == "Ada Byron" and names.name(None) == ""


def test_the_role_form_starts_as_a_viewer_of_a_unit_chosen_from_the_tree(
    admin: User, outsider: User
) -> None:
    Unit.objects.create(code="aaa-team", name="A team", parent=Unit.objects.get(code="sales"))
    html = client_of(admin).get(f"/manage/users/{outsider.pk}/").content.decode()
    assert re.search(r'<input type="radio" name="kind" value="viewer"[^>]* checked', html)
    assert not re.search(r'value="admin"[^>]* checked', html)
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html)
    assert options[0] == ("", " selected", "— Choose a unit —")
    # Depth first with indents, not alphabetical: the team sits below Sales, not above Acme.
    assert [(v, t) for v, _, t in options[1:]] == [
        ("all", "The whole organization"),
        ("acme", "Acme Corp"),
        ("sales", "\u00a0\u00a0Sales department"),
        ("aaa-team", "\u00a0\u00a0\u00a0\u00a0A team"),
    ]


def test_a_role_other_than_administrator_needs_a_unit(admin: User, outsider: User) -> None:
    response = client_of(admin).post(f"/manage/users/{outsider.pk}/roles/", {"kind": "viewer"})
    assert response.status_code == 400
    assert "Choose the unit this role is for" in text_of(response.content)
    assert not Role.objects.filter(user=outsider).exists()


def test_the_whole_organization_is_chosen_in_words(admin: User, outsider: User) -> None:
    url = f"/manage/users/{outsider.pk}/roles/"
    response = client_of(admin).post(url, {"kind": "viewer", "unit": "all"})
    assert response.status_code == 302
    assert Role.objects.get(user=outsider).unit is None


def test_an_administrator_role_is_given_only_once_confirmed(admin: User, outsider: User) -> None:
    client, url = client_of(admin), f"/manage/users/{outsider.pk}/roles/"
    response = client.post(url, {"kind": "admin", "unit": "all"})
    assert response.status_code == 400
    text = text_of(response.content)
    assert "Yes, make Olga an administrator: they may change every scorecard" in text
    assert "Tick the box to confirm: this role covers everything" in text
    assert not Role.objects.filter(user=outsider).exists()
    response = client.post(url, {"kind": "admin", "unit": "sales", "confirm": "on"})
    assert response.status_code == 400
    assert not Role.objects.filter(user=outsider).exists()
    response = client.post(url, {"kind": "admin", "unit": "all", "confirm": "on"})
    assert response.status_code == 302
    assert Role.objects.get(user=outsider).kind == Role.Kind.ADMIN


def test_an_administrator_names_a_person_and_every_page_shows_the_name(
    admin: User, editor: User
) -> None:
    client = client_of(admin)
    data = {"first_name": "Eve", "last_name": "Moneypenny", "email": "eve.m@acme.example"}
    response = client.post(f"/manage/users/{editor.pk}/names/", data)
    assert response.status_code == 302
    editor.refresh_from_db()
    assert (editor.get_full_name(), editor.email) == ("Eve Moneypenny", "eve.m@acme.example")
    entry = AuditEntry.objects.get(action="user.change")
    assert entry.detail["before"] == {"last_name": "", "email": "eve@acme.example"}
    KPI.objects.filter(code="revenue").update(owner=editor, contributor=editor)
    kpi_page = text_of(client.get("/units/acme/kpis/revenue/?period=2026-01").content)
    assert "Owner Eve Moneypenny" in kpi_page and "Data contributor Eve Moneypenny" in kpi_page
    users = text_of(client.get("/manage/users/").content)
    assert "Eve Moneypenny eve eve.m@acme.example" in users


def test_a_taken_email_address_is_refused_when_renaming(admin: User, editor: User) -> None:
    response = client_of(admin).post(
        f"/manage/users/{editor.pk}/names/", {"first_name": "Eve", "email": "ada@acme.example"}
    )
    assert response.status_code == 400
    assert "User 'ada' already has this email address" in text_of(response.content)
    editor.refresh_from_db()
    assert editor.email == "eve@acme.example"


def test_a_kpi_owner_may_be_someone_without_an_email_address(editor: User) -> None:
    User.objects.create_user("j.doe", first_name="Jo", last_name="Doe")
    client = client_of(editor)
    kpi = KPI.objects.get(code="revenue")
    url = f"/units/acme/design/kpis/{kpi.pk}/"
    html = client.get(url).content.decode()
    assert '<option value="j.doe">Jo Doe</option>' in html
    assert '<option value="eve@acme.example">Eve &lt;eve@acme.example&gt;</option>' in html
    form = {
        "code": "revenue",
        "name": "Revenue",
        "objective": str(kpi.objective_id),
        "direction": "increase",
        "frequency": "monthly",
        "aggregation": "sum",
        "scheme": "default",
        "weight": "1",
        "grace_days": "15",
        "owner": "j.doe",
        "contributor": "eve@acme.example",
    }
    response = client.post(url, form)
    assert response.status_code == 302, text_of(response.content)
    kpi.refresh_from_db()
    assert kpi.owner is not None and kpi.owner.get_username() == "j.doe"
    html = client.get(url).content.decode()
    assert 'value="j.doe"' in html
    # The field holds a username: the form says whose it is.
    assert "or type an email address or username. Now: Jo Doe." in text_of(html.encode())
    response = client.post(url, {**form, "owner": "nobody"})
    assert "No user has the username 'nobody', and it is not an email address" in text_of(
        response.content
    )


def test_the_kpi_form_explains_each_setting(editor: User) -> None:
    text = text_of(client_of(editor).get("/units/acme/design/kpis/new/").content)
    for words in (
        "Increase: higher is better",
        "How often a value is entered",
        "sum (sales), average",
        "How a value becomes a score and a status",
        "How much it counts in its objective's score",
        "Lead: a driver that moves first",
        "before its missing value counts as overdue",
        "Range KPIs only",
        "Only for a calculated KPI",
    ):
        assert words in text


def test_people_are_named_not_shown_by_username_on_the_targets_page(editor: User) -> None:
    kpi = KPI.objects.get(code="revenue")
    Target.objects.filter(kpi=kpi).update(changed_by=editor)
    text = text_of(client_of(editor).get(f"/units/acme/design/kpis/{kpi.pk}/targets/").content)
    # Who set each target, by name (the header alone says "signed in as eve").
    assert re.search(r"700 500 — — Eve \d{4}-\d\d-\d\d", text)


def test_a_person_without_a_name_is_named_by_username_with_the_address(db: None) -> None:
    ned = User.objects.create_user("ned", "ned@acme.example")
    assert names.name(ned) == "ned"
    assert names.name_and_email(ned) == "ned <ned@acme.example>"


def test_the_owner_named_under_a_field_is_escaped(editor: User) -> None:
    bold = User.objects.create_user("bold", first_name="<b>Bo</b>")
    KPI.objects.filter(code="revenue").update(owner=bold)
    kpi = KPI.objects.get(code="revenue")
    html = client_of(editor).get(f"/units/acme/design/kpis/{kpi.pk}/").content.decode()
    assert "Now: &lt;b&gt;Bo&lt;/b&gt;." in html and "<b>Bo</b>" not in html
