"""Every audit action reads as words, and each change of a target is one entry of the History."""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pytest
from django.contrib.auth.models import User
from django.http import StreamingHttpResponse
from django.test import Client

import fourfold
from fourfold.audit import actions
from fourfold.audit.models import AuditEntry, record
from fourfold.editing.services import _label
from fourfold.measures.models import KPI, Target
from fourfold.strategy.models import Objective, Perspective
from tests.web.test_scorecard import text_of

from .test_page import timeline_text

PACKAGE = Path(fourfold.__file__).parent
# Functions that take an action code, and the position of that argument. `_save` hands its
# `action` on to `record`, so its callers name the codes.
TAKES_A_CODE = {"record": 1, "_save": 3}
# The items whose label `_label(item).lower()` (or `label.lower()`, with `label = _label(item)`)
# puts in front of an action.
ITEMS = {_label(kind()).lower() for kind in (Perspective, Objective, KPI)}
ITEM_LABEL = {"_label(item).lower()", "label.lower()"}


def _codes_of(node: ast.expr, where: str) -> set[str]:
    """Every code an action argument can take: literals, both sides of `a if c else b`, and
    f-strings over the item labels; anything else fails, to be taught to this test."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _codes_of(node.body, where) | _codes_of(node.orelse, where)
    if isinstance(node, ast.JoinedStr):
        codes = {""}
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                if ast.unparse(part.value) in ITEM_LABEL:
                    options = ITEMS
                else:
                    options = _codes_of(part.value, where)
            else:
                options = _codes_of(part, where)
            codes = {code + option for code in codes for option in options}
        return codes
    raise AssertionError(f"cannot read the action code {ast.unparse(node)!r} at {where}")


@functools.cache
def recorded_codes() -> dict[str, str]:
    """Each action code that a call in the package can record, with the first place it does."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in TAKES_A_CODE:
                continue
            position = TAKES_A_CODE[name]
            if len(node.args) <= position:
                continue
            argument = node.args[position]
            where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
            if isinstance(argument, ast.Name) and argument.id == "action":
                continue  # `_save` passing on its own `action`
            for code in _codes_of(argument, where):
                found.setdefault(code, where)
    return found


def test_it_finds_the_codes_that_services_record() -> None:
    codes = recorded_codes()
    for code in ("load", "values.written", "targets.written", "kpi.create", "kpi.archive"):
        assert code in codes
    assert "objective.restore" in codes and "perspective.move" in codes


def test_every_recorded_action_has_a_label() -> None:
    missing = {
        code: where for code, where in recorded_codes().items() if code not in actions.LABELS
    }
    assert missing == {}, "add these codes to fourfold/audit/actions.py LABELS"


def test_the_actions_of_the_one_intake_service_have_labels() -> None:
    assert actions.label("values.written") == "Values written"
    assert actions.label("targets.written") == "Targets written"
    assert actions.label("value.submitted") == "Values sent for approval"
    assert actions.label("value.approved") == "Value approved"
    assert actions.label("value.rejected") == "Value rejected"


def test_every_label_reads_as_words_and_no_two_actions_share_one() -> None:
    labels = list(actions.LABELS.values())
    assert len(set(labels)) == len(labels)
    for code, text in actions.LABELS.items():
        assert text != code and text[0].isupper() and "." not in text and "_" not in text, code


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        ("kpi.rename", "KPI rename"),
        ("review.action_item.close", "Review action item close"),
        ("api.kpi.delete", "API KPI delete"),
        ("export", "Export"),
        ("...", "Other change"),
    ],
)
def test_an_unknown_code_is_turned_into_words(code: str, shown: str) -> None:
    assert actions.label(code) == shown


def test_the_page_shows_labels_and_never_a_raw_code(client: Client, changed: User) -> None:
    record(changed, "kpi.create", "Added KPI churn to unit acme")
    record(changed, "objective.links", "Changed what objective grow drives")
    record(changed, "some_new.thing", "Something that nobody labelled yet")
    client.force_login(User.objects.create_superuser("root"))
    response = client.get("/history/")
    text = timeline_text(response)
    assert "KPI added Added KPI churn to unit acme" in text
    assert "Cause-effect links changed Changed what objective grow drives" in text
    assert "Some new thing Something that nobody labelled yet" in text
    page = text_of(response.content)
    for code in ("kpi.create", "Kpi.create", "objective.links", "some_new.thing"):
        assert code not in page
    assert '<option value="kpi.create">KPI added</option>' in response.content.decode()


def test_a_changed_target_is_one_entry_with_its_earlier_version_once(
    client: Client, changed: User
) -> None:
    root = User.objects.create_superuser("root", first_name="Rita", last_name="Root")
    client.force_login(root)
    kpi = KPI.objects.get(code="revenue")
    page = f"/units/acme/design/kpis/{kpi.pk}/targets/"
    form = {"form": "one", "one-period": "2026-02", "one-target": "750", "one-red_flag": "500"}
    last = AuditEntry.objects.order_by("pk").last()
    response = client.post(page, {**form, "one-reason": "budget revised"})
    assert response.status_code == 302
    assert Target.objects.get(kpi=kpi, period="2026-02").target == 750
    # The change is audited, by an entry that only says the target was written.
    audited = list(AuditEntry.objects.filter(pk__gt=last.pk if last else 0))
    assert audited and {e.action for e in audited} <= actions.SHOWN_AS_ROWS

    text = timeline_text(client.get("/history/"))
    assert text.count("budget revised") == 2  # the new target's reason, the old one's replacement
    assert text.count("Target set Revenue Acme Corp 2026-02 750 (red flag 500) Rita Root") == 1
    assert text.count("Target set earlier version Revenue Acme Corp 2026-02 700") == 1
    export = cast(StreamingHttpResponse, client.get("/history/export.csv"))
    rows = b"".join(cast(Iterator[bytes], export.streaming_content)).decode()
    assert rows.count(",2026-02,750.0,") == 1
    for entry in audited:
        assert entry.summary not in text and entry.label not in text
        assert entry.summary not in rows


def test_entries_that_only_report_values_or_targets_written_are_not_offered_as_a_filter(
    client: Client, changed: User
) -> None:
    for code in sorted(actions.SHOWN_AS_ROWS):
        record(changed, code, f"Wrote something ({code})")
    record(changed, "value.rejected", "Rejected revenue 2026-03 = 5 entered by eve")
    client.force_login(User.objects.create_superuser("root"))
    response = client.get("/history/")
    html = response.content.decode()
    for code in actions.SHOWN_AS_ROWS:
        assert f'value="{code}"' not in html and f"({code})" not in html
    assert '<option value="value.rejected">Value rejected</option>' in html
    assert "Value rejected Rejected revenue 2026-03 = 5 entered by eve" in timeline_text(response)


def test_an_audit_entry_reads_with_its_label(changed: User) -> None:
    entry = record(changed, "kpi.archive", "Archived KPI missing")
    assert entry.label == "KPI archived"
    assert str(entry).endswith(" KPI archived: Archived KPI missing")
