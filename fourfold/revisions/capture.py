"""Keep every change of the definition as a version, with who, when and why.

Every service that changes the definition records an audit entry in the same transaction
(fourfold/audit). When one is recorded, the tables of the kinds its action touches are
compared with their current versions, and what differs becomes a new version: whatever way
the rows were written (save, update, bulk_update, delete), nothing is missed, and no writer
carries its own copy of the rule. A writer may say from which period its changes apply
(`changes(effective=...)`) and why (`changes(reason=...)`); without a reason, the audit
entry's summary is the reason.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django.contrib.admin.models import LogEntry
from django.db import models
from django.db.models.signals import post_save
from django.utils import timezone

from fourfold.core import periods

from .models import Version

# Fields that are bookkeeping, not definition.
NOT_TRACKED = frozenset({"definitions_split"})
# The kinds whose changes may say from which period they apply.
SEGMENTED = frozenset({"unit", "scorecard", "perspective", "objective", "alignment", "link", "kpi"})


def kinds() -> dict[str, type[models.Model]]:
    """Every kind of definition kept, by name, in the order the engine reads them."""
    from fourfold.initiatives.models import Initiative, Milestone
    from fourfold.measures.models import KPI, Scheme
    from fourfold.strategy import models as strategy

    return {
        "organization": strategy.Organization,
        "scheme": Scheme,
        "unit": strategy.Unit,
        "scorecard": strategy.Scorecard,
        "perspective": strategy.Perspective,
        "objective": strategy.Objective,
        "alignment": strategy.Alignment,
        "link": strategy.Link,
        "kpi": KPI,
        "initiative": Initiative,
        "milestone": Milestone,
        # A milestone's finish-to-start dependencies (its `depends_on`).
        "dependency": Milestone.depends_on.through,
    }


def fields_of(model: type[models.Model]) -> list[str]:
    return [
        f.attname
        for f in model._meta.concrete_fields
        if not f.primary_key and f.attname not in NOT_TRACKED
    ]


def plain(value: Any) -> Any:
    """A field's value as JSON keeps it."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


# What a writer says about the changes it is making (see `changes`).
_effective: contextvars.ContextVar[Mapping[tuple[str, int], str] | None] = contextvars.ContextVar(
    "effective", default=None
)
_reason: contextvars.ContextVar[str | None] = contextvars.ContextVar("reason", default=None)


@contextlib.contextmanager
def changes(
    *, effective: Mapping[tuple[str, int], str] | None = None, reason: str | None = None
) -> Iterator[None]:
    """Within: the changes to (kind, id) apply from the given month; the reason given."""
    tokens = (_effective.set(dict(effective or {})), _reason.set(reason))
    try:
        yield
    finally:
        _effective.reset(tokens[0])
        _reason.reset(tokens[1])


def first_month(period: str, fiscal_start: int) -> str:
    """The month a period key starts with, as the segments of a timeline are keyed."""
    return periods.parse_period(period, fiscal_start).months[0]


def _segment_of(state: list[dict[str, Any]], month: str | None) -> int:
    """The index of the segment that holds a month (None: the earliest periods)."""
    found = 0
    for i, seg in enumerate(state):
        if seg["from"] is None or (month is not None and seg["from"] <= month):
            found = i
    return found


def apply(
    state: list[dict[str, Any]], fields: dict[str, Any] | None, changed: list[str], eff: str | None
) -> list[dict[str, Any]]:
    """A timeline with the changed fields set from month `eff` on (every period when None);
    `fields` None removes the object from those periods."""
    out = [dict(seg) for seg in state] or [{"from": None, "fields": None}]
    if eff is not None and not any(seg["from"] == eff for seg in out):
        at = _segment_of(out, eff)
        out.insert(at + 1, {"from": eff, "fields": out[at]["fields"]})
    for seg in out:
        if eff is not None and (seg["from"] is None or seg["from"] < eff):
            continue  # periods before the change keep their definition
        if fields is None:
            seg["fields"] = None
        elif seg["fields"] is None:
            # Periods the object was not in: a new object joins them from `eff` on only.
            seg["fields"] = dict(fields) if eff is not None else None
        else:
            seg["fields"] = {**seg["fields"], **{n: fields[n] for n in changed}}
    if fields is not None:
        out[-1]["fields"] = dict(fields)
    merged: list[dict[str, Any]] = []
    for seg in out:
        if not merged or merged[-1]["fields"] != seg["fields"]:
            merged.append(seg)
    merged[0]["from"] = None
    return merged


def capture(
    names: Iterable[str],
    *,
    actor: Any = None,
    reason: str = "",
    effective: Mapping[tuple[str, int], str] | None = None,
    now: dt.datetime | None = None,
    models_by_kind: Mapping[str, type[models.Model]] | None = None,
    version_model: Any = Version,
) -> list[Any]:
    """New versions of what differs between the tables and their current versions."""
    now = now or timezone.now()
    effective = effective if effective is not None else (_effective.get() or {})
    models_by_kind = models_by_kind or kinds()
    written: list[Any] = []
    for kind in names:
        model: Any = models_by_kind[kind]
        names_ = fields_of(model)
        live = {
            row[0]: dict(zip(names_, map(plain, row[1:]), strict=True))
            for row in model.objects.values_list("pk", *names_).iterator(chunk_size=10_000)
        }
        current = {
            object_id: (pk, state)
            for pk, object_id, state in version_model.objects.filter(
                kind=kind, superseded_at__isnull=True
            ).values_list("pk", "object_id", "state")
        }
        new: list[Any] = []
        for object_id, fields in live.items():
            eff = effective.get((kind, object_id)) if kind in SEGMENTED else None
            old = current.get(object_id)
            state = old[1] if old else []
            last = state[-1]["fields"] if state else None
            if last == fields:
                continue
            if last is None:  # new (or back from removal): every field is set
                changed, applied = ["created"] if old is None else ["restored"], names_
            else:
                changed = applied = [n for n in names_ if last.get(n) != fields[n]]
            state = apply(state, fields, applied, eff)
            new.append(
                _version(version_model, kind, object_id, state, changed, eff, now, actor, reason)
            )
        for object_id, (_, state) in current.items():
            if object_id not in live and state and state[-1]["fields"] is not None:
                eff = effective.get((kind, object_id)) if kind in SEGMENTED else None
                new.append(
                    _version(
                        version_model,
                        kind,
                        object_id,
                        apply(state, None, [], eff),
                        ["removed"],
                        eff,
                        now,
                        actor,
                        reason,
                    )
                )
        if new:
            old_pks = [current[v.object_id][0] for v in new if v.object_id in current]
            for i in range(0, len(old_pks), 500):
                version_model.objects.filter(pk__in=old_pks[i : i + 500]).update(superseded_at=now)
            version_model.objects.bulk_create(new, batch_size=2000)
            written += new
    return written


def _version(
    version_model: Any,
    kind: str,
    object_id: int,
    state: list[dict[str, Any]],
    changed: list[str],
    eff: str | None,
    now: dt.datetime,
    actor: Any,
    reason: str,
) -> Any:
    return version_model(
        kind=kind,
        object_id=object_id,
        state=state,
        changed=changed,
        effective_from=eff or "",
        recorded_at=now,
        actor=actor,
        reason=reason,
    )


ALL = (
    "organization",
    "scheme",
    "unit",
    "scorecard",
    "perspective",
    "objective",
    "alignment",
    "link",
    "kpi",
    "initiative",
    "milestone",
    "dependency",
)
# The kinds each audited action may change; actions not listed change no definition.
BY_PREFIX = {
    "load": ALL,
    "cascade.": ALL,
    "api.kpi.": ("kpi",),
    "scores.deleted": ALL,
    "unit.": ("unit", "scorecard", "perspective"),
    "perspective.": ("perspective",),
    "objective.": ("objective", "alignment", "link"),
    "kpi.": ("kpi",),
    "initiative.": ("initiative", "milestone", "dependency"),
    "milestone.": ("milestone", "dependency"),
    "settings.": ("organization", "scheme"),
    "scheme.": ("scheme",),
}


def kinds_of(action: str) -> tuple[str, ...]:
    for prefix, names in BY_PREFIX.items():
        if action == prefix or (prefix.endswith(".") and action.startswith(prefix)):
            return names
    return ()


def reason_of(entry: Any) -> str:
    given = _reason.get()
    if given:
        return given
    if entry.action == "load" and entry.detail.get("file"):
        return f"fourfold load {entry.detail['file']}"
    return str(entry.summary)


def _audited(sender: Any, instance: Any, created: bool, raw: bool = False, **kw: Any) -> None:
    if not created or raw:
        return
    names = kinds_of(instance.action)
    if names:
        written = capture(names, actor=instance.actor, reason=reason_of(instance), now=instance.at)
        _after(written, instance.actor, reason_of(instance))


def _logged(sender: Any, instance: Any, created: bool, raw: bool = False, **kw: Any) -> None:
    """A change through the Django admin: every kind, as the admin may change any."""
    if created and not raw:
        text = instance.get_change_message() or str(instance)
        written = capture(ALL, actor=instance.user, reason=f"admin: {text}")
        _after(written, instance.user, f"admin: {text}")


def _after(written: list[Any], actor: Any, reason: str) -> None:
    if not written:
        return
    from fourfold.strategy.models import Organization

    from . import restated

    if any(len(v.state) > 1 for v in written):
        Organization.objects.filter(definitions_split=False).update(definitions_split=True)
    restated.note(written, actor=actor, reason=reason)


def connect() -> None:
    from fourfold.audit.models import AuditEntry

    post_save.connect(_audited, sender=AuditEntry, dispatch_uid="revisions-audited")
    post_save.connect(_logged, sender=LogEntry, dispatch_uid="revisions-admin")
