"""What the engine reads of the definition when it reads the tables as they stand."""

from __future__ import annotations

from typing import Any

from fourfold.measures.models import KPI, KPI_UNIT, Scheme
from fourfold.strategy.models import Unit

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
        return engine._definition_rows(subtree, n_units)

    def kpis_by_code(self, codes: set[str]) -> list[tuple[Any, ...]]:
        """Live KPIs by code, each with its unit's id last."""
        return list(
            KPI.objects.filter(archived=False, code__in=codes).values_list(
                *engine.KPI_FIELDS, f"{KPI_UNIT}_id"
            )
        )
