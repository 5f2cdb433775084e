"""What the engine reads of the definition when it reads the tables as they stand."""

from __future__ import annotations

from typing import Any

from fourfold.measures.models import KPI, KPI_UNIT, Scheme
from fourfold.strategy.models import Objective, Perspective, Scorecard, Unit

from . import engine


class Live:
    """The definition as the tables hold it now, as `engine.compute_with` reads it;
    fourfold.revisions.snapshot.Source is the same as it stood, or for some periods."""

    def __init__(self, fiscal_start: int) -> None:
        self.fiscal_start = fiscal_start

    def schemes(self) -> list[Scheme]:
        return list(Scheme.objects.order_by("pk"))

    def units(self) -> list[tuple[int, str, int | None]]:
        return list(Unit.objects.values_list("pk", "code", "parent_id"))

    def rows(self, subtree: set[int] | None, n_units: int) -> engine.Definition:
        return definition_rows(subtree, n_units)

    def kpis_by_code(self, codes: set[str]) -> list[tuple[Any, ...]]:
        """Live KPIs by code, each with its unit's id last."""
        return list(
            KPI.objects.filter(archived=False, code__in=codes).values_list(
                *engine.KPI_FIELDS, f"{KPI_UNIT}_id"
            )
        )


# A subtree of at most this many units is selected in SQL by its unit ids; a larger one (most
# of the organization) is read whole and kept in Python, as SQLite limits a query's parameters.
MAX_SUBTREE_IN_SQL = 900


def definition_rows(subtree: set[int] | None, n_units: int) -> engine.Definition:
    """The scorecards, perspectives, objectives and KPIs to score, in order, one query each.

    With a subtree, only the rows of its units are read, so that one unit's page does not
    read the whole organization; the caller still keeps only rows whose parent it kept.
    """
    ids: list[int] | None = None
    if subtree is not None and len(subtree) < n_units and len(subtree) <= MAX_SUBTREE_IN_SQL:
        ids = sorted(subtree)

    def where(path: str) -> dict[str, list[int]]:
        return {} if ids is None else {f"{path}unit_id__in": ids}

    cards = Scorecard.objects.filter(**where("")).values_list(
        "pk", "unit_id", "rollup", "scheme_id"
    )
    persps = Perspective.objects.filter(archived=False, **where("scorecard__")).values_list(
        "pk", "scorecard_id", "code", "name", "weight", "rollup", "scheme_id", "order"
    )
    objs = Objective.objects.filter(
        archived=False, **where("perspective__scorecard__")
    ).values_list(
        "pk",
        "perspective_id",
        "code",
        "name",
        "weight",
        "rollup",
        "scheme_id",
        "serves__parent_id",
        "serves__contributes",
        "perspective__scorecard__unit_id",
        "order",
        "serves__weight",
    )
    kpis = KPI.objects.filter(
        archived=False, **where("objective__perspective__scorecard__")
    ).values_list(*engine.KPI_FIELDS)
    # The alignments come in the objectives' query (a row per alignment), not in one more.
    objectives: list[tuple[Any, ...]] = []
    alignments: list[tuple[int, int, float | None]] = []
    for row in objs.order_by("perspective_id", "order", "pk", "serves__order", "serves__pk"):
        if not objectives or objectives[-1][0] != row[0]:
            objectives.append(row)
        if row[7] is not None and row[8]:
            alignments.append((row[0], row[7], row[11]))
    return engine.Definition(
        list(cards.order_by("pk")),
        list(persps.order_by("scorecard_id", "order", "pk")),
        objectives,
        list(kpis.order_by("objective_id", "order", "pk")),
        alignments,
    )
