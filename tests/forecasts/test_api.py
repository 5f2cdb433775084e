"""`GET /api/v1/forecasts`: the command line's figures, for the KPIs the token may see."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from fourfold.accounts.models import Role
from fourfold.files.load import load
from fourfold.forecasts import services
from tests.api.conftest import Api, api_for, person

from .scorecard import document
from .test_cli import KEYS


@pytest.fixture
def acme(db: None) -> None:
    load(document(), actor=None, source_name="acme.yaml")


@pytest.fixture
def admin(acme: None) -> Api:
    return api_for(User.objects.create_superuser("root", "root@example.com", "x"))


def test_it_answers_the_fields_of_the_command_line_for_each_kpi(admin: Api) -> None:
    answer = admin.get("forecasts?unit=acme&period=2026")
    assert answer.status_code == 200
    rows: list[dict[str, Any]] = answer.json()
    assert [list(row) for row in rows] == [KEYS] * 8
    expected = [f.as_json() for f in services.forecast(None, "2026", unit="acme").values()]
    assert rows == expected
    sales = next(row for row in rows if row["code"] == "sales")
    assert sales["low"] < sales["forecast"] < sales["high"]


def test_a_token_sees_only_the_units_its_user_may_see(acme: None) -> None:
    seller = api_for(person("sam", Role.Kind.VIEWER, "sales-dept"))
    assert seller.get("forecasts?unit=acme&period=2026").status_code == 404
    rows = seller.get("forecasts?unit=sales-dept&period=2026").json()
    assert [row["code"] for row in rows] == ["deals"]


def test_a_period_that_is_none_is_a_422(admin: Api) -> None:
    answer = admin.get("forecasts?unit=acme&period=2026-13")
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["details"][0]["field"] == "period"
    assert "is not a period" in error["message"]


def test_it_reads_the_database_a_fixed_number_of_times(
    admin: Api, django_assert_num_queries: Any
) -> None:
    admin.get("forecasts?unit=acme&period=2026")  # the token's first use is written down
    with django_assert_num_queries(17):  # with the address's lockout check
        assert admin.get("forecasts?unit=acme&period=2026-Q3").status_code == 200


def test_the_operation_is_in_the_openapi_description(admin: Api) -> None:
    spec = admin.get("openapi.json").json()
    operation = spec["paths"]["/api/v1/forecasts"]["get"]
    assert operation["summary"] == "Forecast the KPIs of a unit for a period"
