"""A KPI whose values need its owner's approval: an API write waits for it, whichever endpoint
sends it, and an administrator by role (not a superuser) may give it on the web."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from fourfold.intake.models import PendingValue
from fourfold.intake.services import set_approval
from fourfold.measures.models import KPI, Measurement

from .conftest import Org


@pytest.fixture
def approval(org: Org, db: None) -> Org:
    """KPI a-rev now needs the approval of its owner for the values others enter."""
    set_approval(KPI.objects.get(code="a-rev"), True, actor=org.users["owner"])
    return org


def send(org: Org, role: str, method: str, path: str, body: Any) -> tuple[int, Any]:
    response = getattr(Client(), method)(
        f"/api/v1/{path}",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {org.secrets[role, 'write']}",
    )
    return response.status_code, json.loads(response.content)


def test_a_value_put_by_a_contributor_waits_for_approval(approval: Org) -> None:
    status, answer = send(approval, "contrib", "put", "measurements/a-rev/2026-04", {"actual": 655})
    assert status == 202, answer
    assert answer["status"] == "waiting for approval"
    assert not Measurement.objects.filter(kpi__code="a-rev", period="2026-04").exists()
    held = PendingValue.objects.get(kpi__code="a-rev", period="2026-04")
    assert (held.value, held.status, held.entered_by) == (
        655,
        PendingValue.Status.PENDING,
        approval.users["contrib"],
    )


def test_the_owners_own_value_does_not_wait(approval: Org) -> None:
    status, answer = send(approval, "owner", "put", "measurements/a-rev/2026-04", {"actual": 655})
    assert status == 201, answer
    assert Measurement.objects.get(kpi__code="a-rev", period="2026-04").value == 655
    assert not PendingValue.objects.filter(period="2026-04").exists()


def test_the_bulk_endpoint_counts_the_values_waiting_for_approval(approval: Org) -> None:
    items = [
        {"kpi": "a-rev", "period": "2026-04", "actual": 655},
        {"kpi": "a-cost", "period": "2026-04", "actual": 12},
    ]
    status, answer = send(approval, "contrib", "post", "measurements/bulk", items)
    assert status == 200, answer
    assert answer == {"created": 1, "changed": 0, "unchanged": 0, "waiting_for_approval": 1}
    assert Measurement.objects.get(kpi__code="a-cost", period="2026-04").value == 12
    assert not Measurement.objects.filter(kpi__code="a-rev", period="2026-04").exists()
    assert PendingValue.objects.get(kpi__code="a-rev", period="2026-04").value == 655


def test_an_administrator_by_role_approves_it_on_the_web(approval: Org) -> None:
    send(approval, "contrib", "put", "measurements/a-rev/2026-04", {"actual": 655})
    held = PendingValue.objects.get(kpi__code="a-rev", period="2026-04")
    admin = approval.users["admin"]
    assert not admin.is_superuser
    client = Client()
    client.force_login(admin)
    response = client.post(f"/my/pending/{held.pk}/approve/")
    assert response.status_code == 302
    assert Measurement.objects.get(kpi__code="a-rev", period="2026-04").value == 655
    held.refresh_from_db()
    assert (held.status, held.decided_by) == (PendingValue.Status.APPROVED, admin)


def test_an_editor_of_the_unit_may_not_approve_it(approval: Org) -> None:
    send(approval, "contrib", "put", "measurements/a-rev/2026-04", {"actual": 655})
    held = PendingValue.objects.get(kpi__code="a-rev", period="2026-04")
    client = Client()
    client.force_login(approval.users["editor"])
    response = client.post(f"/my/pending/{held.pk}/approve/")
    assert response.status_code == 403
    assert response.context["reason"] == (
        "Only the KPI's owner or an administrator may approve or reject its values."
    )
    assert not Measurement.objects.filter(kpi__code="a-rev", period="2026-04").exists()
