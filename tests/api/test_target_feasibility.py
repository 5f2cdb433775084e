"""A target's answer in the API carries its feasibility (docs/api.md)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from fourfold.accounts.models import Role
from fourfold.core import periods
from tests.web import forecast_card

from .conftest import api_for, person

pytestmark = pytest.mark.django_db

KEYS = {
    "baseline_period",
    "baseline",
    "baseline_is_forecast",
    "change",
    "relative",
    "percentile",
    "best_change",
    "history_changes",
    "probability",
    "forecast",
    "suggested_stretch",
    "method",
}


def test_setting_a_target_answers_how_feasible_it_is(db: None) -> None:
    forecast_card.load_card()
    api = api_for(person("eve", Role.Kind.EDITOR, "acme"))
    month = periods.month_key(forecast_card.month_now() + 1)
    before = periods.month_key(forecast_card.month_now() - 11)
    baseline = forecast_card.value(36 - 11)
    response = api.put(f"targets/sales/{month}", {"target": baseline * 1.1, "reason": "plan"})
    assert response.status_code == 201, response.content
    found = response.json()["feasibility"]
    assert set(found) == KEYS
    assert found["baseline_period"] == before and found["baseline"] == baseline
    assert found["baseline_is_forecast"] is False and found["relative"] is True
    assert found["change"] == pytest.approx(0.1)
    assert found["history_changes"] == 24 and 0 <= found["percentile"] <= 100
    assert 0 <= found["probability"] <= 1 and found["method"] != "insufficient history"
    assert found["suggested_stretch"] > found["forecast"]
    again = api.get(f"targets/sales/{month}").json()["feasibility"]
    assert again == found


def test_too_little_history_gives_no_chance_nor_stretch(
    db: None,
) -> None:
    forecast_card.load_card()
    api = api_for(User.objects.create_superuser("root", "root@example.com", "x"))
    found = api.get(f"targets/fresh/{forecast_card.year_now()}").json()["feasibility"]
    assert found["method"] == "insufficient history"
    assert found["probability"] is None and found["suggested_stretch"] is None
