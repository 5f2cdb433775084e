"""Every page checks who is asking: outsiders get 404, and see only their own units."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import Client

from fourfold.accounts.models import Role
from fourfold.strategy.models import Unit

from . import cards


def a_viewer_of(code: str | None, username: str = "vic") -> User:
    user = User.objects.create_user(username, password="pw")
    unit = Unit.objects.get(code=code) if code else None
    Role.objects.create(user=user, kind=Role.Kind.VIEWER, unit=unit)
    return user


def test_it_shows_a_viewer_the_units_of_their_subtree(client: Client, db: None) -> None:
    cards.load_small()
    child = Unit.objects.exclude(parent=None).first()
    assert child is not None
    client.force_login(a_viewer_of(child.code))
    response = client.get(f"/units/{child.code}/?period=2026-01")
    assert response.status_code == 200


def test_it_hides_a_unit_above_the_viewer_with_a_404(client: Client, db: None) -> None:
    cards.load_small()
    child = Unit.objects.exclude(parent=None).select_related("parent").first()
    assert child is not None and child.parent is not None
    client.force_login(a_viewer_of(child.code))
    assert client.get(f"/units/{child.parent.code}/?period=2026-01").status_code == 404
    assert client.get(f"/units/?unit={child.parent.code}").status_code == 404


def test_it_leaves_the_unit_picker_to_the_units_a_viewer_may_see(client: Client, db: None) -> None:
    cards.load_small()
    child = Unit.objects.exclude(parent=None).select_related("parent").first()
    assert child is not None and child.parent is not None
    client.force_login(a_viewer_of(child.code))
    page = client.get(f"/units/{child.code}/?period=2026-01").content.decode()
    assert f'value="{child.code}"' in page
    assert f'value="{child.parent.code}"' not in page


def test_a_user_without_any_role_sees_no_scorecard(client: Client, db: None) -> None:
    cards.load_small()
    client.force_login(User.objects.create_user("nobody", password="pw"))
    top = Unit.objects.get(parent=None)
    assert client.get(f"/units/{top.code}/").status_code == 404
    home = client.get("/")
    assert home.status_code == 200
    assert "You have not been given access to any unit" in home.content.decode()


def test_a_kpi_contributor_sees_the_unit_of_their_kpi(client: Client, db: None) -> None:
    from fourfold.measures.models import KPI

    cards.load_small()
    kpi = KPI.objects.select_related("objective__perspective__scorecard__unit").first()
    assert kpi is not None
    carol = User.objects.create_user("carol", password="pw")
    kpi.contributor = carol
    kpi.save(update_fields=["contributor"])
    client.force_login(carol)
    unit = kpi.objective.perspective.scorecard.unit
    assert client.get(f"/units/{unit.code}/?period=2026-01").status_code == 200


def test_a_unit_contributor_may_enter_the_values_of_its_kpis(db: None) -> None:
    from fourfold.accounts.access import Access
    from fourfold.measures.models import KPI

    cards.load_small()
    top = Unit.objects.get(parent=None)
    kpi = KPI.objects.filter(objective__perspective__scorecard__unit=top).first()
    assert kpi is not None
    dan = User.objects.create_user("dan", password="pw")
    Role.objects.create(user=dan, kind=Role.Kind.CONTRIBUTOR, unit=top)
    access = Access.of(dan)
    assert access.can_enter(kpi.pk, top.pk)
    assert not access.can_edit(top.pk)
    viewer = Access.of(a_viewer_of(top.code, "val"))
    assert not viewer.can_enter(kpi.pk, top.pk)
