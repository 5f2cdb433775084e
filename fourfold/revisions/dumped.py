"""The definitions, targets and values as they stood, as the diff of two revisions reads them
(fourfold/revisions/diff.py): each object's definition for its latest periods, and the rows
of a kept table valid at the moment. `fourfold dump --as-of` dumps the tables as they stood
(fourfold/revisions/past.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from . import snapshot


def latest(found: snapshot.Snapshot) -> dict[str, dict[int, dict[str, Any]]]:
    """Each object's definition for its latest periods, without those removed."""
    return {
        kind: {pk: state[-1]["fields"] for pk, state in objects.items() if state[-1]["fields"]}
        for kind, objects in found.timelines.items()
    }


def _at(
    model: Any, version: Any, at: str, moment: dt.datetime, fields: tuple[str, ...]
) -> list[tuple[Any, ...]]:
    """Rows of a kept table as they stood: the current ones written by then, else the
    version valid then."""
    found = {
        (r[0], r[1]): r for r in model.objects.filter(**{f"{at}__lte": moment}).values_list(*fields)
    }
    older = version.objects.filter(
        Q(**{f"{at}__lte": moment}) & Q(superseded_at__gt=moment)
    ).order_by(at)
    for r in older.values_list(*fields):
        found.setdefault((r[0], r[1]), r)
    return list(found.values())
