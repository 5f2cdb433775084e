"""The `feasibility` of a target in the API's answer about it (docs/api.md): the same
assessment as the Targets page's, from fourfold.editing.feasibility."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from ninja import Field, Schema

from fourfold.editing import feasibility
from fourfold.measures.models import KPI

from .schemas import TargetOut

UNIT = "objective__perspective__scorecard__unit"


class FeasibilityOut(Schema):
    baseline_period: str = Field(description="The same period a year earlier")
    baseline: float | None = Field(
        description="Its actual (or, while it runs, its forecast); null without one"
    )
    baseline_is_forecast: bool = Field(description="The baseline is the year earlier's forecast")
    change: float | None = Field(
        description="The change the target asks for on the baseline: a fraction when "
        "`relative`, else a difference"
    )
    relative: bool | None = Field(description="Changes are fractions of the baseline")
    percentile: float | None = Field(
        description="Share (0–100) of the KPI's past year-on-year changes smaller, in its good "
        "direction, than the one asked for; null without any"
    )
    best_change: float | None = Field(description="The best past year-on-year change")
    history_changes: int = Field(description="How many past year-on-year changes there are")
    probability: float | None = Field(
        description="The forecast's chance of meeting the target; null without a forecast"
    )
    forecast: float | None = Field(description="The forecast's expected value for the period")
    suggested_stretch: float | None = Field(
        description="The forecast's 80th percentile in the KPI's good direction"
    )
    method: str = Field(description="The forecast's method, or `insufficient history`")


class TargetAnswer(TargetOut):
    feasibility: FeasibilityOut | None = Field(
        description="How demanding the target is against the KPI's history and forecast; "
        "null for a KPI without a direction to judge (yes / no, unscored)"
    )


def added(row: dict[str, Any]) -> dict[str, Any]:
    """The target's row with its feasibility."""
    kpi = KPI.objects.select_related("scheme", UNIT).get(code=row["kpi"])
    found = None
    if kpi.scheme.type not in ("yes_no", "unscored"):
        assessed = feasibility.assess(
            kpi,
            kpi.objective.perspective.scorecard.unit.code,
            row["period"],
            row["target"],
            row["low"],
            row["high"],
            today=timezone.localdate(),
        )
        found = assessed.as_json()
    return {**row, "feasibility": found}
