"""Issue 9, finding 4: an administrator by role cannot take over a superuser (or a staff user,
who opens the Django admin too); a superuser still manages them, and every change is audited."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from fourfold.accounts.models import Role
from fourfold.audit.models import AuditEntry
from tests.web.test_scorecard import text_of

from .conftest import PASSWORD, client_of, person

pytestmark = pytest.mark.django_db

NEW = "a brand new secret 42"
REFUSAL = "Only a superuser may change the account of a superuser or a staff user"


@pytest.fixture
def root(admin: User) -> User:
    return User.objects.create_superuser("root", "root@acme.example", PASSWORD)


def _attacks(target: User) -> dict[str, tuple[str, dict[str, str]]]:
    base = f"/manage/users/{target.pk}"
    role = Role.objects.filter(user=target).first()
    attacks = {
        "password": (f"{base}/password/", {"password": NEW}),
        "names": (f"{base}/names/", {"first_name": "X", "email": "mine@evil.example"}),
        "deactivate": (f"{base}/active/", {"active": "0"}),
        "role": (f"{base}/roles/", {"kind": "viewer", "unit": "all"}),
    }
    if role is not None:
        attacks["revoke"] = (f"{base}/roles/{role.pk}/revoke/", {})
    return attacks


def test_an_administrator_by_role_cannot_take_over_the_superuser(admin: User, root: User) -> None:
    client = client_of(admin)
    for name, (url, data) in _attacks(root).items():
        response = client.post(url, data)
        assert response.status_code == 403, name
        assert REFUSAL in text_of(response.content), name
    root.refresh_from_db()
    assert root.check_password(PASSWORD) and root.is_active and root.email == "root@acme.example"
    assert not Role.objects.filter(user=root).exists()
    assert not AuditEntry.objects.filter(actor=admin).exists()
    # And so the admin stays closed to them: the old password still opens it, the new one not.
    attacker = Client()
    assert not attacker.login(username="root", password=NEW)
    attacker.force_login(admin)
    assert attacker.get("/admin/").status_code == 302  # to the admin's sign-in, not inside


def test_a_staff_user_is_protected_too_and_the_page_offers_no_form(admin: User) -> None:
    staff = person("stan", Role.Kind.VIEWER, "acme")
    staff.is_staff = True
    staff.save()
    client = client_of(admin)
    for name, (url, data) in _attacks(staff).items():
        assert client.post(url, data).status_code == 403, name
    page = client.get(f"/manage/users/{staff.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and REFUSAL in text_of(page.content)
    for action in ("password", "names", "roles", "active"):
        assert f"/manage/users/{staff.pk}/{action}/" not in html
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD) and Role.objects.filter(user=staff).count() == 1


def test_a_superuser_manages_a_superuser_and_it_is_audited(admin: User, root: User) -> None:
    other = User.objects.create_superuser("sue", "sue@acme.example", PASSWORD)
    client = client_of(root)
    for name, (url, data) in _attacks(other).items():
        assert client.post(url, data).status_code == 302, name
    other.refresh_from_db()
    assert other.check_password(NEW) and not other.is_active and other.email == "mine@evil.example"
    actions = set(AuditEntry.objects.filter(actor=root).values_list("action", flat=True))
    assert actions == {"user.password", "user.change", "user.deactivate", "role.grant"}
    assert all(e.detail["user"] == "sue" for e in AuditEntry.objects.filter(actor=root))


def test_an_administrator_still_manages_everyone_else(admin: User, outsider: User) -> None:
    response = client_of(admin).post(f"/manage/users/{outsider.pk}/password/", {"password": NEW})
    assert response.status_code == 302
    outsider.refresh_from_db()
    assert outsider.check_password(NEW)
