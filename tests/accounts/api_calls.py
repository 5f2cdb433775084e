"""The API calls of the access matrix: how each is asked for with a token, and what it writes
when allowed (the pages' actions and the shared helpers are in `actions.py`)."""

from __future__ import annotations

from typing import Any

from fourfold.initiatives.models import Initiative, Milestone, Progress, StatusNote
from fourfold.measures.models import KPI
from fourfold.strategy.models import Objective

from .actions import Call, Wrote, exists, named, target, value


def _kpi_made(code: str) -> Wrote:
    return lambda _: KPI.objects.filter(code=code).exists()


def _reads(unit: str, kpi: str) -> dict[str, Call]:
    return {
        f"GET units/{unit}": Call("get", f"units/{unit}"),
        f"GET scorecards?unit={unit}": Call("get", f"scorecards?unit={unit}"),
        f"GET scorecards/{unit}": Call("get", f"scorecards/{unit}"),
        f"GET perspectives?unit={unit}": Call("get", f"perspectives?unit={unit}"),
        f"GET perspectives/{unit}/fin": Call("get", f"perspectives/{unit}/fin"),
        f"GET objectives?unit={unit}": Call("get", f"objectives?unit={unit}"),
        f"GET objectives/{unit}-grow": Call("get", f"objectives/{unit}-grow"),
        f"GET links?unit={unit}": Call("get", f"links?unit={unit}"),
        f"GET kpis?unit={unit}": Call("get", f"kpis?unit={unit}"),
        f"GET kpis/{kpi}": Call("get", f"kpis/{kpi}"),
        f"GET targets?unit={unit}": Call("get", f"targets?unit={unit}"),
        f"GET targets/{kpi}/2026-01": Call("get", f"targets/{kpi}/2026-01"),
        f"GET measurements?unit={unit}": Call("get", f"measurements?unit={unit}"),
        f"GET measurements/{kpi}/2026-01": Call("get", f"measurements/{kpi}/2026-01"),
        f"GET scores?unit={unit}": Call("get", f"scores?unit={unit}&period=2026-01"),
        f"GET checks?unit={unit}": Call("get", f"checks?unit={unit}"),
        f"GET forecasts?unit={unit}": Call("get", f"forecasts?unit={unit}&period=2026"),
    }


def _writes(unit: str, kpi: str, scope: str) -> dict[str, Call]:
    suffix = " (read-only token)" if scope == "read" else ""
    new = {
        "code": f"{unit}-new",
        "name": "New KPI",
        "objective": f"{unit}-grow",
        "direction": "increase",
        "frequency": "monthly",
        "aggregation": "sum",
    }
    item = [{"kpi": kpi, "period": "2026-03", "actual": 641}]
    return {
        f"POST kpis in {unit}{suffix}": Call(
            "post", "kpis", new, 201, _kpi_made(f"{unit}-new"), scope
        ),
        f"PATCH kpis/{kpi}{suffix}": Call(
            "patch", f"kpis/{kpi}", {"name": "Renamed"}, 200, named(KPI, "Renamed"), scope
        ),
        f"PUT targets/{kpi}/2026-03{suffix}": Call(
            "put",
            f"targets/{kpi}/2026-03",
            {"target": 700, "red_flag": 500},
            201,
            target(kpi, "2026-03"),
            scope,
        ),
        f"PUT measurements/{kpi}/2026-03{suffix}": Call(
            "put", f"measurements/{kpi}/2026-03", {"actual": 641}, 201, value(kpi), scope
        ),
        f"POST measurements/bulk of {kpi}{suffix}": Call(
            "post", "measurements/bulk", item, 200, value(kpi), scope
        ),
    }


def _initiative_reads(unit: str) -> dict[str, Call]:
    code = f"{unit}-init"
    return {
        f"GET initiatives?unit={unit}": Call("get", f"initiatives?unit={unit}"),
        f"GET initiatives/{code}": Call("get", f"initiatives/{code}"),
        f"GET initiatives/{code}/progress": Call("get", f"initiatives/{code}/progress"),
        f"GET initiatives/{code}/notes": Call("get", f"initiatives/{code}/notes"),
    }


def _new_initiative(unit: str) -> dict[str, Any]:
    return {
        "code": f"{unit}-new",
        "unit": unit,
        "name": "New initiative",
        "serves": [f"{unit}-grow"],
        "start": "2026-01-01",
        "end": "2026-06-30",
    }


def _progress(code: str, period: str, complete: float) -> Wrote:
    return exists(Progress, initiative__code=code, period=period, complete=complete)


def _gone(model: Any, **where: Any) -> Wrote:
    return lambda _: not model.objects.filter(**where).exists()


def _initiative_writes() -> dict[str, Call]:
    a, pilot = "initiatives/a-init", "initiatives/a-init/milestones/{a_milestone}"
    return {
        "POST initiatives in a": Call(
            "post", "initiatives", _new_initiative("a"), 201, exists(Initiative, code="a-new")
        ),
        "PATCH initiatives/a-init": Call(
            "patch", a, {"name": "Renamed"}, 200, named(Initiative, "Renamed")
        ),
        "DELETE initiatives/a-init": Call(
            "delete", a, None, 204, _gone(Initiative, code="a-init")
        ),
        "POST milestones of a-init": Call(
            "post", f"{a}/milestones", {"name": "Go live", "due": "2026-09-30"}, 201,
            named(Milestone, "Go live"),
        ),
        "PATCH a milestone of a-init": Call(
            "patch", pilot, {"name": "Pilot run"}, 200, named(Milestone, "Pilot run")
        ),
        "PATCH a milestone of a-init done": Call(
            "patch", pilot, {"done": "2026-04-02"}, 200,
            exists(Milestone, name="Pilot", done="2026-04-02"),
        ),
        "DELETE a milestone of a-init": Call(
            "delete", pilot, None, 204, _gone(Milestone, initiative__code="a-init")
        ),
        "PUT progress of a-init": Call(
            "put", f"{a}/progress/2026-03", {"complete": 30, "spent": 200}, 201,
            _progress("a-init", "2026-03", 30),
        ),
        "DELETE progress of a-init": Call(
            "delete", f"{a}/progress/2026-01", None, 204,
            _gone(Progress, initiative__code="a-init"),
        ),
        "POST notes of a-init": Call(
            "post", f"{a}/notes", {"text": "On track"}, 201, exists(StatusNote, text="On track")
        ),
        "POST initiatives in b": Call(
            "post", "initiatives", _new_initiative("b"), 201, exists(Initiative, code="b-new")
        ),
        "PATCH initiatives/b-init": Call(
            "patch", "initiatives/b-init", {"name": "Renamed"}, 200, named(Initiative, "Renamed")
        ),
        "PUT progress of b-init": Call(
            "put", "initiatives/b-init/progress/2026-03", {"complete": 30}, 201,
            _progress("b-init", "2026-03", 30),
        ),
        "PUT progress of a-init (read-only token)": Call(
            "put", f"{a}/progress/2026-03", {"complete": 30}, 201,
            _progress("a-init", "2026-03", 30), "read",
        ),
        "PATCH initiatives/a-init (read-only token)": Call(
            "patch", a, {"name": "Renamed"}, 200, named(Initiative, "Renamed"), "read"
        ),
    }  # fmt: skip


API: dict[str, Call] = {
    "GET units": Call("get", "units"),
    "GET kpis": Call("get", "kpis"),
    "GET targets": Call("get", "targets"),
    "GET measurements": Call("get", "measurements"),
    "GET a path that is none": Call("get", "nothing-here"),
    **_reads("a", "a-rev"),
    **_reads("b", "b-rev"),
    **_writes("a", "a-rev", "write"),
    "PUT measurements/a-cost/2026-03": Call(
        "put", "measurements/a-cost/2026-03", {"actual": 641}, 201, value("a-cost")
    ),
    **_writes("b", "b-rev", "write"),
    "POST cascades into a-team": Call(
        "post",
        "cascades",
        {"parent": "a", "child": "a-team", "objectives": ["a-grow"]},
        201,
        exists(Objective, code="a-team-a-grow"),
    ),
    "POST cascades into b-team": Call(
        "post",
        "cascades",
        {"parent": "b", "child": "b-team"},
        201,
        exists(Objective, code="b-team-b-grow"),
    ),
    **_writes("a", "a-rev", "read"),
    **_writes("b", "b-rev", "read"),
    "GET initiatives": Call("get", "initiatives"),
    **_initiative_reads("a"),
    **_initiative_reads("b"),
    **_initiative_writes(),
}

# Scheduled books and share links, in their own module.
from .sharing_calls import API as _SHARING_API  # noqa: E402

API.update(_SHARING_API)
