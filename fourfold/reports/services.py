"""What changes saved briefing books: create, change, delete a template, each audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from fourfold.audit.models import record
from fourfold.core import periods
from fourfold.strategy.models import Organization, Unit

from .books import SECTIONS, ReportError, check_sections
from .models import BookTemplate

NAME_LENGTH = 200


def clean(
    unit: Unit, fields: dict[str, Any], current: BookTemplate | None = None
) -> dict[str, Any]:
    """The template's fields checked: a name (unique in the unit), a period key or none, the
    sections; a ReportError names the first that is wrong."""
    out: dict[str, Any] = {}
    if "name" in fields or current is None:
        name = str(fields.get("name") or "").strip()
        if not name:
            raise ReportError("a book template needs a name")
        if len(name) > NAME_LENGTH or "\x00" in name:
            raise ReportError(f"a book template's name has at most {NAME_LENGTH} characters")
        taken = BookTemplate.objects.filter(unit=unit, name=name)
        if current is not None:
            taken = taken.exclude(pk=current.pk)
        if taken.exists():
            raise ReportError(f"unit {unit.code} already has a book template named '{name}'")
        out["name"] = name
    if "period" in fields or current is None:
        key = str(fields.get("period") or "").strip()
        if key:
            try:
                key = periods.parse_period(key, Organization.get().fiscal_year_start).key
            except periods.PeriodError as exc:
                raise ReportError(str(exc)) from exc
        out["period"] = key
    if "sections" in fields or current is None:
        chosen = fields.get("sections")
        out["sections"] = list(check_sections(list(chosen) if chosen is not None else SECTIONS))
    return out


def create_template(actor: Any, unit: Unit, fields: dict[str, Any]) -> BookTemplate:
    with transaction.atomic():
        values = clean(unit, fields)
        made = BookTemplate.objects.create(
            unit=unit, owner=actor if getattr(actor, "pk", None) else None, **values
        )
        record(
            actor,
            "book_template.create",
            f"Saved the book template '{made.name}' of {unit.code}",
            template=made.pk,
            unit=unit.code,
            period=made.period,
            sections=made.sections,
        )
    return made


def update_template(actor: Any, template: BookTemplate, fields: dict[str, Any]) -> BookTemplate:
    with transaction.atomic():
        values = clean(template.unit, fields, template)
        before = {k: getattr(template, k) for k in values}
        changed = {k: v for k, v in values.items() if before[k] != v}
        if not changed:
            return template
        for key, value in changed.items():
            setattr(template, key, value)
        template.save(update_fields=[*changed, "updated_at"])
        record(
            actor,
            "book_template.update",
            f"Changed the book template '{template.name}' of {template.unit.code}",
            template=template.pk,
            unit=template.unit.code,
            before={k: before[k] for k in changed},
            after=changed,
        )
    return template


def delete_template(actor: Any, template: BookTemplate) -> None:
    with transaction.atomic():
        record(
            actor,
            "book_template.delete",
            f"Deleted the book template '{template.name}' of {template.unit.code}",
            template=template.pk,
            unit=template.unit.code,
            name=template.name,
            period=template.period,
            sections=template.sections,
        )
        template.delete()
