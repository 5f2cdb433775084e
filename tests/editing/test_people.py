"""Accounts and roles, as administrators change them."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from fourfold.accounts.access import Access
from fourfold.accounts.models import Role
from fourfold.audit.models import AuditEntry
from fourfold.editing import people
from fourfold.editing.checks import Invalid
from fourfold.measures.models import KPI
from fourfold.strategy.models import Unit


def refused(call: Any, *args: Any) -> dict[str, list[str]]:
    with pytest.raises(Invalid) as caught:
        call(*args)
    return caught.value.errors


def test_it_creates_a_user_who_can_sign_in(admin: User) -> None:
    data = {"username": "bob", "email": "Bob@Acme.example", "password": "tide pool gravel"}
    user = people.create_user(admin, data)
    assert user.check_password("tide pool gravel")
    assert user.email == "bob@acme.example"
    entry = AuditEntry.objects.get(action="user.create")
    assert entry.detail["after"]["username"] == "bob"
    assert "tide pool gravel" not in str(entry.detail)


def test_it_refuses_a_weak_password_with_djangos_validators(admin: User) -> None:
    errors = refused(people.create_user, admin, {"username": "bob", "password": "12345678"})
    assert errors == {
        "password": ["This password is too common.", "This password is entirely numeric."]
    }
    assert not User.objects.filter(username="bob").exists()


def test_it_refuses_a_taken_username_and_email(admin: User, editor: User) -> None:
    data = {"username": "EVE", "email": "eve@acme.example", "password": "tide pool gravel"}
    assert refused(people.create_user, admin, data) == {
        "username": ["the username 'EVE' is already taken"],
        "email": ["user 'eve' already has this email address"],
    }


def test_it_deactivates_a_user_but_never_oneself(admin: User, editor: User) -> None:
    people.set_active(admin, editor, False)
    editor.refresh_from_db()
    assert not editor.is_active
    assert not Access.of(editor).can_view(Unit.objects.get(code="acme").pk)
    assert refused(people.set_active, admin, admin, False) == {
        "": ["you cannot deactivate your own account"]
    }
    people.set_active(admin, editor, True)
    assert User.objects.get(pk=editor.pk).is_active


def test_it_sets_a_new_password_checked_by_the_validators(admin: User, editor: User) -> None:
    assert "password" in refused(people.set_password, admin, editor, "eve")
    people.set_password(admin, editor, "another long secret")
    editor.refresh_from_db()
    assert editor.check_password("another long secret")
    assert AuditEntry.objects.filter(action="user.password").count() == 1


def test_it_grants_a_viewer_role_on_a_subtree(admin: User, outsider: User) -> None:
    sales = Unit.objects.get(code="sales")
    people.grant_role(admin, outsider, Role.Kind.VIEWER, sales)
    access = Access.of(outsider)
    assert access.can_view(sales.pk) and not access.can_view(sales.parent_id or 0)
    assert refused(people.grant_role, admin, outsider, Role.Kind.VIEWER, sales) == {
        "kind": ["olga already has this role on unit sales"]
    }


def test_an_administrator_covers_the_whole_organization(admin: User, outsider: User) -> None:
    acme = Unit.objects.get(code="acme")
    assert refused(people.grant_role, admin, outsider, Role.Kind.ADMIN, acme) == {
        "unit": ["an administrator's role covers the whole organization: leave the unit empty"]
    }
    people.grant_role(admin, outsider, Role.Kind.ADMIN, None)
    assert Access.of(outsider).is_admin


def test_an_editor_role_lets_one_edit_the_subtree(admin: User, outsider: User) -> None:
    sales = Unit.objects.get(code="sales")
    people.grant_role(admin, outsider, Role.Kind.EDITOR, sales)
    access = Access.of(outsider)
    assert access.can_edit(sales.pk) and not access.can_edit(sales.parent_id or 0)


def test_a_kpi_owner_or_contributor_may_enter_its_values(acme: Unit, outsider: User) -> None:
    kpi = KPI.objects.get(code="revenue")
    assert not Access.of(outsider).can_enter(kpi.pk, acme.pk)
    KPI.objects.filter(pk=kpi.pk).update(contributor=outsider)
    assert Access.of(outsider).can_enter(kpi.pk, acme.pk)


def test_it_revokes_a_role_but_not_ones_own_administrator_role(admin: User, viewer: User) -> None:
    role = Role.objects.get(user=viewer)
    people.revoke_role(admin, role)
    assert not Role.objects.filter(user=viewer).exists()
    entry = AuditEntry.objects.get(action="role.revoke")
    assert entry.detail["before"] == {"kind": "viewer", "unit": "acme"}
    own = Role.objects.get(user=admin)
    assert refused(people.revoke_role, admin, own) == {
        "": ["you cannot remove your own administrator role"]
    }
