"""One small organization for the access matrix, built once per module: a top unit with two
child units A and B, and one person for each role the policy knows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from fourfold.accounts.models import Role
from fourfold.alerts.models import Channel, Subscription
from fourfold.api.models import ApiToken
from fourfold.connectors.models import Connector, ConnectorRun
from fourfold.files.load import load
from fourfold.initiatives.models import Milestone
from fourfold.intake.models import PendingValue
from fourfold.measures.models import KPI
from fourfold.reports.models import BookTemplate
from fourfold.reviews.models import ActionItem, AgendaItem, Review
from fourfold.sharing import links
from fourfold.sharing.models import BookSchedule, ShareLink
from fourfold.strategy.models import Objective, Perspective, Unit
from tests.web import cards

# As the suite's autouse fixture has it for each test, since this data outlives one.
FAST = ["django.contrib.auth.hashers.MD5PasswordHasher"]

DAY = dt.timedelta(days=1)

# The roles of the matrix, in the order of its columns.
ROLES = ("root", "admin", "editor", "contrib", "kpi-con", "owner", "viewer", "nobody")


def _unit(code: str, parent: str | None, kpis: str) -> str:
    text = f"  - code: {code}\n    name: Unit {code.upper()}\n"
    if parent:
        text += f"    parent: {parent}\n"
    text += "    perspectives:\n      - code: fin\n        name: Financial\n"
    text += f"        objectives:\n          - code: {code}-grow\n            name: Grow {code}\n"
    text += "            kpis:\n" + kpis
    return (
        text
        + f"          - code: {code}-keep\n            name: Keep {code}\n            kpis: []\n"
    )


def _kpi(code: str, **extra: str) -> str:
    return cards.kpi(
        code,
        targets="{2026-01: {target: 700, red_flag: 500}, 2026-02: {target: 700, red_flag: 500}}",
        values="{2026-01: 600, 2026-02: 650}",
        **extra,
    )


def _initiative(unit: str, owner: str) -> str:
    """An initiative of the unit, owned by `owner`, with a milestone and January's progress."""
    return (
        f"    initiatives:\n      - {{code: {unit}-init, name: Launch {unit}, owner: {owner},\n"
        f"         serves: [{unit}-grow], start: 2026-01-01, end: 2026-12-31, budget: 1000,\n"
        "         milestones: [{name: Pilot, due: 2026-03-31}],\n"
        "         progress: {2026-01: {complete: 10, spent: 50}}}\n"
    )


CARD = (
    cards.HEADER
    + _unit("top", None, _kpi("top-rev"))
    + _unit(
        "a",
        "top",
        _kpi("a-rev", owner="owner@example.com", contributor="kpi-con@example.com")
        + _kpi("a-cost"),
    )
    + _initiative("a", "owner@example.com")
    + _unit("b", "top", _kpi("b-rev", owner="bob@example.com") + _kpi("b-cost"))
    + _initiative("b", "bob@example.com")
    + "  - {code: a-team, name: New team of A, parent: a, perspectives: []}\n"
    + "  - {code: b-team, name: New team of B, parent: b, perspectives: []}\n"
)


@dataclass
class Org:
    """The people by role, their API tokens (read-write and read-only) and the ids the URLs
    need."""

    users: dict[str, User] = field(default_factory=dict)
    secrets: dict[tuple[str, str], str] = field(default_factory=dict)
    tokens: dict[tuple[str, str], int] = field(default_factory=dict)
    subs: dict[str, int] = field(default_factory=dict)  # each one's alert on a-cost
    ids: dict[str, Any] = field(default_factory=dict)


def _person(name: str, role: str | None = None, unit: str | None = None, **extra: Any) -> User:
    user = User.objects.create_user(name, email=f"{name}@example.com", password="x", **extra)
    if role is not None:
        Role.objects.create(
            user=user, kind=role, unit=Unit.objects.get(code=unit) if unit else None
        )
    return user


def build() -> Org:
    for name in ("owner", "kpi-con", "bob"):
        _person(name)
    load(CARD, actor=None, source_name="matrix.yaml")
    org = Org()
    ids = org.ids
    org.users = {
        "root": _person("root", is_superuser=True, is_staff=True),
        "admin": _person("admin", Role.Kind.ADMIN),
        "editor": _person("editor", Role.Kind.EDITOR, "a"),
        "contrib": _person("contrib", Role.Kind.CONTRIBUTOR, "a"),
        "kpi-con": User.objects.get(username="kpi-con"),
        "owner": User.objects.get(username="owner"),
        "viewer": _person("viewer", Role.Kind.VIEWER, "a"),
        "nobody": _person("nobody"),
    }
    for role, user in org.users.items():
        for scope in ("write", "read"):
            token, secret = ApiToken.issue(user, f"{role}-{scope}", scope)
            org.secrets[role, scope] = secret
            org.tokens[role, scope] = token.pk
        org.subs[role] = Subscription.objects.create(
            user=user,
            kind="kpi",
            unit=Unit.objects.get(code="a"),
            kpi=KPI.objects.get(code="a-cost"),
            conditions=["red"],
        ).pk
    pat = _person("pat", Role.Kind.VIEWER, "b")
    ids["channel"] = Channel.objects.create(
        unit=Unit.objects.get(code="a"),
        name="ops",
        kind="webhook",
        url="http://127.0.0.1:9/hook",
        secret="s",
    ).pk
    ids["pat"] = pat.pk
    ids["owner"] = org.users["owner"].pk
    ids["bob"] = User.objects.get(username="bob").pk
    ids["pat_role"] = Role.objects.get(user=pat).pk
    for code in ("a", "b"):
        ids[f"{code}_perspective"] = Perspective.objects.get(scorecard__unit__code=code).pk
        ids[f"{code}_objective"] = Objective.objects.get(code=f"{code}-grow").pk
        ids[f"{code}_keep"] = Objective.objects.get(code=f"{code}-keep").pk
        ids[f"{code}_kpi"] = KPI.objects.get(code=f"{code}-rev").pk
    ids["a_unit"] = Unit.objects.get(code="a").pk
    ids["top_objective"] = Objective.objects.get(code="top-grow").pk
    for code in ("a", "b"):
        ids[f"{code}_milestone"] = Milestone.objects.get(initiative__code=f"{code}-init").pk
    ids["a_cost"] = KPI.objects.get(code="a-cost").pk
    # A saved briefing book of each unit, by a viewer of it (the viewer, and pat).
    for code, saver in (("a", org.users["viewer"]), ("b", pat)):
        ids[f"{code}_book"] = BookTemplate.objects.create(
            name=f"Board book {code.upper()}", unit=Unit.objects.get(code=code), owner=saver
        ).pk
    for code, owner in (("a", org.users["owner"]), ("b", User.objects.get(username="bob"))):
        unit = Unit.objects.get(code=code)
        review = Review.objects.create(unit=unit, period="2026-02", title=f"Review of {code}")
        first = AgendaItem.objects.create(
            review=review,
            position=0,
            reason="added",
            period="2026-02",
            message="Budget",
            dropped=True,
        )
        item = AgendaItem.objects.create(
            review=review,
            position=1,
            reason="red",
            kind="kpi",
            code=f"{code}-rev",
            period="2026-02",
            message="Red",
            kpi_id=ids[f"{code}_kpi"],
        )
        action = ActionItem.objects.create(
            unit=unit,
            review=review,
            title="Fix",
            owner=owner,
            due_date=dt.date(2026, 3, 31),
            kpi_id=ids[f"{code}_kpi"],
        )
        ids[f"{code}_review"], ids[f"{code}_item"], ids[f"{code}_first"] = (
            review.pk,
            item.pk,
            first.pk,
        )
        ids[f"{code}_action"] = action.pk
    kit, bob = org.users["kpi-con"], User.objects.get(username="bob")
    for code, enterer in (("a", kit), ("b", bob)):
        held = PendingValue.objects.create(
            kpi_id=ids[f"{code}_kpi"], period="2026-03", value=640, entered_by=enterer
        )
        ids[f"{code}_pending"] = held.pk
    feed = Connector.objects.create(
        name="feed", kind=Connector.Kind.SQL, url="sqlite:////tmp/feed.sqlite3", query="SELECT 1"
    )
    ids["run"] = ConnectorRun.objects.create(
        connector=feed, status=ConnectorRun.Status.FAILED, error="no such table"
    ).pk
    _books(org, pat)
    return org


def _books(org: Org, pat: User) -> None:
    """A book template of A and of B, each scheduled (as XLSX: a PDF takes seconds to make)
    to a reader of its unit, and shared by a link."""
    root, ids = org.users["root"], org.ids
    for code, reader in (("a", org.users["viewer"]), ("b", pat)):
        unit = Unit.objects.get(code=code)
        template = BookTemplate.objects.create(name="Matrix book", unit=unit, period="2026-01")
        schedule = BookSchedule.objects.create(
            template=template, fmt="xlsx", cron="0 7 1 * *", owner=root
        )
        schedule.recipients.set([reader])
        link = ShareLink.objects.create(
            kind="scorecard", unit=unit, created_by=root, expires_at=timezone.now() + DAY
        )
        ids[f"{code}_template"] = template.pk
        ids[f"{code}_schedule"] = schedule.pk
        ids[f"{code}_share"] = link.pk
        ids[f"{code}_reader"] = reader.pk
        ids[f"{code}_token"] = links.token(link)


@pytest.fixture(scope="module")
def org(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[Org]:
    """Built once for a module inside a transaction that is rolled back after it; each test
    runs in a savepoint of it (pytest-django's `db`), so that what a case writes is undone."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
