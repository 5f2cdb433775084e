"""The definitions as they stood at a moment, and for the periods from a month on."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from fourfold.measures.models import Scheme
from fourfold.scoring import engine

from .capture import SEGMENTED
from .models import Version

Fields = dict[str, Any]


@dataclass
class Snapshot:
    """Each kind's objects (by id) with their timelines, as recorded up to `moment`."""

    moment: dt.datetime | None
    timelines: dict[str, dict[int, list[dict[str, Any]]]]

    def splits(self) -> list[str]:
        """The months from which some definition changes, in order."""
        found = {
            seg["from"]
            for kind in SEGMENTED
            for state in self.timelines.get(kind, {}).values()
            for seg in state
            if seg["from"] is not None
        }
        return sorted(found)

    def at(self, month: str | None) -> dict[str, dict[int, Fields]]:
        """Each kind's objects as they are for the periods ending in or after `month` (None:
        the earliest periods, before every split), without those absent then."""
        out: dict[str, dict[int, Fields]] = {}
        for kind, objects in self.timelines.items():
            found: dict[int, Fields] = {}
            for pk, state in objects.items():
                fields = None
                for seg in state:
                    if seg["from"] is None or (month is not None and seg["from"] <= month):
                        fields = seg["fields"]
                if fields is not None:
                    found[pk] = fields
            out[kind] = found
        return out


def read(moment: dt.datetime | None, *, before: bool = False) -> Snapshot:
    """The versions that stood at `moment` (None: the current ones), in one query; with
    `before`, those recorded strictly before it (the definition just before a change)."""
    rows = Version.objects.all()
    if moment is None:
        rows = rows.filter(superseded_at__isnull=True)
    elif before:
        rows = rows.filter(recorded_at__lt=moment).filter(
            Q(superseded_at__isnull=True) | Q(superseded_at__gte=moment)
        )
    else:
        rows = rows.filter(recorded_at__lte=moment).filter(
            Q(superseded_at__isnull=True) | Q(superseded_at__gt=moment)
        )
    timelines: dict[str, dict[int, list[dict[str, Any]]]] = defaultdict(dict)
    for kind, object_id, state in rows.values_list("kind", "object_id", "state").iterator(
        chunk_size=10_000
    ):
        timelines[kind][object_id] = state
    return Snapshot(moment, dict(timelines))


def _ordered(objects: dict[int, Fields], *keys: str) -> list[tuple[int, Fields]]:
    return sorted(objects.items(), key=lambda item: (*(item[1][k] for k in keys), item[0]))


class Source:
    """What the engine reads of the definition (see `engine.Live`), from a snapshot's
    objects for some periods instead of the tables."""

    def __init__(self, objects: dict[str, dict[int, Fields]]) -> None:
        self.objects = objects
        orgs = sorted(objects.get("organization", {}).items())
        self.fiscal_start = int(orgs[0][1]["fiscal_year_start"]) if orgs else 1

    def schemes(self) -> list[Scheme]:
        return [
            Scheme(pk=pk, name=f["name"], type=f["type"], statuses=f["statuses"], mins=f["mins"])
            for pk, f in sorted(self.objects.get("scheme", {}).items())
        ]

    def units(self) -> list[tuple[int, str, int | None]]:
        return [
            (pk, f["code"], f["parent_id"])
            for pk, f in sorted(self.objects.get("unit", {}).items())
        ]

    def _unit_of_objective(self) -> dict[int, int]:
        cards = {pk: f["unit_id"] for pk, f in self.objects.get("scorecard", {}).items()}
        persps = {
            pk: cards.get(f["scorecard_id"])
            for pk, f in self.objects.get("perspective", {}).items()
        }
        return {
            pk: u
            for pk, f in self.objects.get("objective", {}).items()
            if (u := persps.get(f["perspective_id"])) is not None
        }

    def rows(self, subtree: set[int] | None, n_units: int) -> engine.Definition:
        obj = self.objects
        cards = [
            (pk, f["unit_id"], f["rollup"], f["scheme_id"])
            for pk, f in sorted(obj.get("scorecard", {}).items())
            if subtree is None or f["unit_id"] in subtree
        ]
        persps = [
            (
                pk,
                f["scorecard_id"],
                f["code"],
                f["name"],
                f["weight"],
                f["rollup"],
                f["scheme_id"],
                f["order"],
            )
            for pk, f in _ordered(obj.get("perspective", {}), "scorecard_id", "order")
            if not f["archived"]
        ]
        unit_of = self._unit_of_objective()
        objectives = [
            (
                pk,
                f["perspective_id"],
                f["code"],
                f["name"],
                f["weight"],
                f["rollup"],
                f["scheme_id"],
                None,
                None,
                unit_of.get(pk),
                f["order"],
                None,
            )
            for pk, f in _ordered(obj.get("objective", {}), "perspective_id", "order")
            if not f["archived"] and pk in unit_of
        ]
        live = {o[0] for o in objectives}
        alignments = [
            (f["child_id"], f["parent_id"], f["weight"])
            for _, f in _ordered(obj.get("alignment", {}), "child_id", "order")
            if f["contributes"] and f["child_id"] in live
        ]
        kpis = [
            self._kpi(pk, f)
            for pk, f in _ordered(obj.get("kpi", {}), "objective_id", "order")
            if not f["archived"]
        ]
        return engine.Definition(cards, persps, objectives, kpis, alignments)

    @staticmethod
    def _kpi(pk: int, f: Fields) -> tuple[Any, ...]:
        return (pk, *(f[name] for name in engine.KPI_FIELDS[1:]))

    def kpis_by_code(self, codes: set[str]) -> list[tuple[Any, ...]]:
        unit_of = self._unit_of_objective()
        return [
            (*self._kpi(pk, f), unit_of.get(f["objective_id"]))
            for pk, f in sorted(self.objects.get("kpi", {}).items())
            if not f["archived"] and f["code"] in codes and f["objective_id"] in unit_of
        ]
