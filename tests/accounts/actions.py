"""The actions of the access matrix: how each is asked for, and what it writes when allowed.

URLs and form fields name the organization's ids in braces (`{a_kpi}`, see `conftest.build`);
`{my_token}` is the id of the acting user's own read-only API token.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User

from fourfold.accounts.models import Role
from fourfold.api.models import ApiToken
from fourfold.audit.models import AuditEntry
from fourfold.connectors.models import Connector, ConnectorRun
from fourfold.initiatives.models import Initiative, Milestone, Progress
from fourfold.intake.models import ApprovalRule, PendingValue
from fourfold.measures.models import KPI, Measurement, Target
from fourfold.reviews.models import Comment
from fourfold.strategy.models import Alignment, Link, Objective, Perspective, Unit

Wrote = Callable[[User], bool]


@dataclass(frozen=True)
class Action:
    """One request: `ok` is its answer when allowed, `wrote` says whether it took effect."""

    method: str
    url: str
    data: dict[str, str] = field(default_factory=dict)
    ok: int = 200
    wrote: Wrote | None = None
    file: str = ""  # a values file uploaded first, its upload's token then sent to `url`


@dataclass(frozen=True)
class Call:
    """One API request with a token of `scope`; `body` is sent as JSON."""

    method: str
    path: str
    body: Any = None
    ok: int = 200
    wrote: Wrote | None = None
    scope: str = "write"


def get(url: str) -> Action:
    return Action("get", url)


def post(url: str, data: dict[str, str], wrote: Wrote | None, ok: int = 302) -> Action:
    return Action("post", url, data, ok, wrote)


def upload(text: str, wrote: Wrote) -> Action:
    """A values file uploaded (its preview) and confirmed."""
    return Action("post", "/import/confirm/", ok=302, wrote=wrote, file=text)


def value(code: str, period: str = "2026-03", amount: float = 641) -> Wrote:
    return lambda _: Measurement.objects.filter(
        kpi__code=code, period=period, value=amount
    ).exists()


def target(code: str, period: str) -> Wrote:
    return lambda _: Target.objects.filter(kpi__code=code, period=period).exists()


def exists(model: Any, **where: Any) -> Wrote:
    return lambda _: bool(model.objects.filter(**where).exists())


def named(model: Any, name: str) -> Wrote:
    return exists(model, name=name)


def comment(**where: Any) -> Wrote:
    return lambda _: Comment.objects.filter(text="Seen in the matrix", **where).exists()


def pending(code: str, status: str) -> Wrote:
    return lambda _: PendingValue.objects.filter(kpi__code=code, status=status).exists()


def _pat() -> User:
    return User.objects.get(username="pat")


def _moved(_: User) -> bool:
    return KPI.objects.get(code="a-rev").order > KPI.objects.get(code="a-cost").order


def _moved_b(_: User) -> bool:
    return KPI.objects.get(code="b-rev").order > KPI.objects.get(code="b-cost").order


def _own_password(user: User) -> bool:
    return User.objects.get(pk=user.pk).check_password("a long unusual phrase 42")


def _token_made(user: User) -> bool:
    return ApiToken.objects.filter(user=user, name="made in the matrix").exists()


def _token_revoked(user: User) -> bool:
    return ApiToken.objects.filter(user=user, scope="read", revoked_at__isnull=False).exists()


def _run_queued(_: User) -> bool:
    return ConnectorRun.objects.filter(status=ConnectorRun.Status.QUEUED).exists()


GRID = {"value_{a_kpi}": "641", "confirm_{a_kpi}": "on"}
GRID_B = {"value_{b_kpi}": "641", "confirm_{b_kpi}": "on"}
COMMENT = {"period": "2026-01", "text": "Seen in the matrix"}
PERSPECTIVE = {"code": "cust", "name": "Customers", "weight": "1", "rollup": "weighted_mean"}
RENAMED = {"name": "Renamed", "weight": "1", "rollup": "weighted_mean"}
KPI_FORM = {
    "name": "New KPI",
    "unit": "EUR",
    "direction": "increase",
    "frequency": "monthly",
    "aggregation": "sum",
    "scheme": "default",
    "weight": "1",
    "grace_days": "15",
}
TARGET_FORM = {"form": "one", "one-period": "2026-05", "one-target": "700", "one-red_flag": "500"}
SOURCE = {
    "name": "feed",
    "kind": "sql",
    "url": "sqlite:////tmp/feed.sqlite3",
    "query": "SELECT 1",
    "every": "manual",
    "minutes": "60",
}
VALUES_FILE = "kpi,period,actual\n{kpi},2026-03,641\n"
TARGETS_FILE = "kpi,period,actual,target\n{kpi},2026-04,,750\n"


def _initiatives(unit: str) -> dict[str, Action]:
    """A unit's initiatives: the list and timeline, one initiative, its forms."""
    base = f"/units/{unit}/initiatives/"
    one = f"{base}{unit}-init/"
    fields = {"code": f"{unit}-new", "name": "New initiative", "start": "2026-01-01"}
    return {
        f"initiatives {unit.upper()}": get(base + "?period=2026-01"),
        f"timeline of {unit.upper()} as SVG": get(base + "?period=2026-01&format=svg"),
        f"initiative {unit}-init": get(one + "?period=2026-01"),
        f"new initiative form {unit.upper()}": get(base + "new/"),
        f"add an initiative to {unit.upper()}": post(
            base + "new/", {**fields, "end": "2026-06-30"}, exists(Initiative, code=f"{unit}-new")
        ),
        f"initiative form {unit}-init": get(one + "edit/"),
        f"change initiative {unit}-init": post(
            one + "edit/",
            {"code": f"{unit}-init", "name": "Renamed", "start": "2026-01-01", "end": "2026-12-31"},
            named(Initiative, "Renamed"),
        ),
        f"progress form {unit}-init": get(one + "progress/"),
        f"add progress to {unit}-init": post(
            one + "progress/",
            {"period": "2026-03", "complete": "20"},
            exists(Progress, initiative__code=f"{unit}-init", period="2026-03"),
        ),
        f"complete a milestone of {unit}-init": post(
            one + f"milestones/{{{unit}_milestone}}/done/",
            {},
            exists(Milestone, initiative__code=f"{unit}-init", done__isnull=False),
        ),
    }


def _design(unit: str) -> dict[str, Action]:
    """The Design pages of a unit, read and written."""
    base = f"/units/{unit}/design/"
    kpi, objective, keep = f"{{{unit}_kpi}}", f"{{{unit}_objective}}", f"{{{unit}_keep}}"
    return {
        f"design {unit}": get(base),
        f"design {unit}: unit form": get(base + "unit/"),
        f"design {unit}: rename the unit": post(
            base + "unit/", {"name": "Renamed unit"}, named(Unit, "Renamed unit")
        ),
        f"design {unit}: new unit form": get(base + "units/new/"),
        f"design {unit}: add a unit below": post(
            base + "units/new/",
            {"code": f"{unit}-sub", "name": "Sub unit", "parent": unit},
            named(Unit, "Sub unit"),
        ),
        f"design {unit}: classic perspectives": post(
            f"/units/{unit}-team/design/perspectives/classic/",
            {},
            exists(Perspective, scorecard__unit__code=f"{unit}-team"),
        ),
        f"design {unit}: new perspective form": get(base + "perspectives/new/"),
        f"design {unit}: add a perspective": post(
            base + "perspectives/new/",
            {**PERSPECTIVE, "code": f"{unit}-cust"},
            named(Perspective, "Customers"),
        ),
        f"design {unit}: perspective form": get(base + f"perspectives/{{{unit}_perspective}}/"),
        f"design {unit}: rename a perspective": post(
            base + f"perspectives/{{{unit}_perspective}}/",
            {**RENAMED, "code": "fin"},
            named(Perspective, "Renamed"),
        ),
        f"design {unit}: new objective form": get(base + "objectives/new/"),
        f"design {unit}: add an objective": post(
            base + "objectives/new/",
            {**RENAMED, "code": f"{unit}-new", "perspective": f"{{{unit}_perspective}}"},
            named(Objective, "Renamed"),
        ),
        f"design {unit}: objective form": get(base + f"objectives/{objective}/"),
        f"design {unit}: rename an objective": post(
            base + f"objectives/{objective}/",
            {**RENAMED, "code": f"{unit}-grow", "perspective": f"{{{unit}_perspective}}"},
            named(Objective, "Renamed"),
        ),
        f"design {unit}: links form": get(base + f"objectives/{objective}/links/"),
        f"design {unit}: link two objectives": post(
            base + f"objectives/{objective}/links/",
            {"drives": keep},
            exists(Link, cause__code=f"{unit}-grow"),
        ),
        f"design {unit}: alignment form": get(base + f"objectives/{objective}/alignment/"),
        f"design {unit}: align an objective": post(
            base + f"objectives/{objective}/alignment/",
            {"aligned_to": "{top_objective}", "contributes": "{top_objective}"},
            exists(
                Alignment, child__code=f"{unit}-grow", parent__code="top-grow", contributes=True
            ),
        ),
        f"design {unit}: new KPI form": get(base + "kpis/new/"),
        f"design {unit}: add a KPI": post(
            base + "kpis/new/",
            {**KPI_FORM, "code": f"{unit}-new", "objective": f"{{{unit}_objective}}"},
            named(KPI, "New KPI"),
        ),
        f"design {unit}: KPI form": get(base + f"kpis/{kpi}/"),
        f"design {unit}: rename a KPI": post(
            base + f"kpis/{kpi}/",
            {
                **KPI_FORM,
                "name": "Renamed",
                "code": f"{unit}-rev",
                "objective": f"{{{unit}_objective}}",
            },
            named(KPI, "Renamed"),
        ),
        f"design {unit}: targets page": get(base + f"kpis/{kpi}/targets/"),
        f"design {unit}: targets preview": get(
            base + f"kpis/{kpi}/targets/preview/?one-period=2026&one-target=1200&one-phase=even"
        ),
        f"design {unit}: a target's row": Action(
            "get", base + f"kpis/{kpi}/targets/2026-01/", ok=302
        ),
        f"design {unit}: a target's feasibility": get(
            base + f"kpis/{kpi}/targets/feasibility/?one-period=2026-05&one-target=900"
        ),
        f"design {unit}: set a target": post(
            base + f"kpis/{kpi}/targets/", TARGET_FORM, target(f"{unit}-rev", "2026-05")
        ),
        f"design {unit}: move a KPI": post(
            base + f"kpis/{kpi}/move/", {"step": "down"}, _moved if unit == "a" else _moved_b
        ),
        f"design {unit}: archive a KPI": post(
            base + f"kpis/{kpi}/archive/",
            {"archived": "1"},
            exists(KPI, code=f"{unit}-rev", archived=True),
        ),
    }


PAGES: dict[str, Action] = {
    "Home": get("/"),
    "all scorecards": get("/scorecards/"),
    "pick A": Action("get", "/units/?unit=a", ok=302),
    "pick B": Action("get", "/units/?unit=b", ok=302),
    "scorecard top": get("/units/top/?period=2026-01"),
    "scorecard A": get("/units/a/?period=2026-01"),
    "scorecard B": get("/units/b/?period=2026-01"),
    "KPI a-rev": get("/units/a/kpis/a-rev/?period=2026-01"),
    "KPI a-cost": get("/units/a/kpis/a-cost/?period=2026-01"),
    "KPI b-rev": get("/units/b/kpis/b-rev/?period=2026-01"),
    "comment on a-rev": post("/units/a/kpis/a-rev/comments/", COMMENT, comment(kpi__code="a-rev")),
    "comment on b-rev": post("/units/b/kpis/b-rev/comments/", COMMENT, comment(kpi__code="b-rev")),
    "objective A": get("/units/a/objectives/a-grow/?period=2026-01"),
    "objective B": get("/units/b/objectives/b-grow/?period=2026-01"),
    "comment on objective A": post(
        "/units/a/objectives/a-grow/comments/", COMMENT, comment(objective__code="a-grow")
    ),
    "comment on objective B": post(
        "/units/b/objectives/b-grow/comments/", COMMENT, comment(objective__code="b-grow")
    ),
    **_initiatives("a"),
    **_initiatives("b"),
    "strategy map A": get("/units/a/map/?period=2026-01"),
    "People": get("/people/?period=2026-01"),
    "People of B": get("/people/?period=2026-01&unit=b"),
    "person owning in A": get("/people/{owner}/?period=2026-01"),
    "person owning in B": get("/people/{bob}/?period=2026-01"),
    "strategy map B": get("/units/b/map/?period=2026-01"),
    "check A": get("/units/a/check/"),
    "check B": get("/units/b/check/"),
    "forecast reliability A": get("/units/a/forecasts/"),
    "forecast reliability B": get("/units/b/forecasts/"),
    "export A": get("/units/a/export/"),
    "export B": get("/units/b/export/"),
    # Entering values
    "My KPIs": get("/my/kpis/"),
    "require approval of a-rev": post(
        "/my/kpis/{a_kpi}/approval/",
        {"required": "1"},
        lambda _: ApprovalRule.objects.filter(kpi__code="a-rev").exists(),
    ),
    "approve a-rev's value": post(
        "/my/pending/{a_pending}/approve/", {}, value("a-rev", amount=640)
    ),
    "reject a-rev's value": post(
        "/my/pending/{a_pending}/reject/", {"note": "no"}, pending("a-rev", "rejected")
    ),
    "approve b-rev's value": post(
        "/my/pending/{b_pending}/approve/", {}, value("b-rev", amount=640)
    ),
    "reject b-rev's value": post(
        "/my/pending/{b_pending}/reject/", {"note": "no"}, pending("b-rev", "rejected")
    ),
    "entry grid A": get("/units/a/entry/?period=2026-03"),
    "entry grid B": get("/units/b/entry/?period=2026-03"),
    "enter in grid A": post("/units/a/entry/?period=2026-03", GRID, value("a-rev")),
    "enter in grid B": post("/units/b/entry/?period=2026-03", GRID_B, value("b-rev")),
    "check in grid A": post(
        "/units/a/entry/validate/?period=2026-03", {"kpi": "{a_kpi}", **GRID}, None, ok=200
    ),
    "check in grid B": post(
        "/units/b/entry/validate/?period=2026-03", {"kpi": "{b_kpi}", **GRID_B}, None, ok=200
    ),
    "upload page": get("/import/"),
    "upload a value of A": upload(VALUES_FILE.format(kpi="a-rev"), value("a-rev")),
    "upload a value of B": upload(VALUES_FILE.format(kpi="b-rev"), value("b-rev")),
    "upload a target of A": upload(TARGETS_FILE.format(kpi="a-rev"), target("a-rev", "2026-04")),
    "upload a target of B": upload(TARGETS_FILE.format(kpi="b-rev"), target("b-rev", "2026-04")),
    "map an upload's columns": Action(
        "post",
        "/import/map/",
        {"map:amount": "actual"},
        file="kpi,period,amount\na-rev,2026-03,1\n",
    ),
    "cancel an upload": Action("post", "/import/cancel/", ok=302),
    # Manage: design, people
    "Manage": get("/manage/"),
    **_design("a"),
    **_design("b"),
    # Cascading into a unit: its editors, who may see its parent
    "cascade into a-team: page": get("/units/a-team/cascade/?objectives=a-grow"),
    "cascade into a-team": post(
        "/units/a-team/cascade/",
        {"objectives": "a-grow", "kpis": "copy", "split": "equal"},
        exists(Objective, code="a-team-a-grow", aligned_to__code="a-grow"),
    ),
    "cascade into a-team: settle": post("/units/a-team/cascade/settle/", {"apply": "1"}, None),
    "cascade into b-team: page": get("/units/b-team/cascade/"),
    "users": get("/manage/users/"),
    "new user form": get("/manage/users/new/"),
    "add a user": post(
        "/manage/users/new/",
        {"username": "newbie", "password": "tide pool gravel 7"},
        lambda _: User.objects.filter(username="newbie").exists(),
    ),
    "a user's page": get("/manage/users/{pat}/"),
    "deactivate a user": post(
        "/manage/users/{pat}/active/", {"active": "0"}, lambda _: not _pat().is_active
    ),
    "rename a user": post(
        "/manage/users/{pat}/names/",
        {"first_name": "Patricia", "email": "pat@example.com"},
        lambda _: _pat().first_name == "Patricia",
    ),
    "set a user's password": post(
        "/manage/users/{pat}/password/",
        {"password": "tide pool gravel 7"},
        lambda _: _pat().check_password("tide pool gravel 7"),
    ),
    "unlock a user's sign-in": post(
        "/manage/users/{pat}/unlock/",
        {},
        lambda _: AuditEntry.objects.filter(action="user.unlock").exists(),
    ),
    "grant a role": post(
        "/manage/users/{pat}/roles/",
        {"kind": "editor", "unit": "b"},
        lambda _: Role.objects.filter(user__username="pat", kind="editor").exists(),
    ),
    "revoke a role": post(
        "/manage/users/{pat}/roles/{pat_role}/revoke/",
        {},
        lambda _: not Role.objects.filter(user__username="pat").exists(),
    ),
    "own password form": get("/accounts/password/"),
    "change own password": post(
        "/accounts/password/",
        {
            "old_password": "x",
            "new_password1": "a long unusual phrase 42",
            "new_password2": "a long unusual phrase 42",
        },
        _own_password,
    ),
    "password changed page": get("/accounts/password/done/"),
    "sign-in page": Action("get", "/accounts/login/", ok=302),
    "sign out": post("/accounts/logout/", {}, None),
    "Django admin": get("/admin/"),
    # Data sources, History, API tokens
    "data sources": get("/sources/"),
    "new data source form": get("/sources/new/"),
    "add a data source": post(
        "/sources/new/",
        {**SOURCE, "name": "feed-two"},
        lambda _: Connector.objects.filter(name="feed-two").exists(),
    ),
    "a data source": get("/sources/feed/"),
    "data source form": get("/sources/feed/edit/"),
    "change a data source": post(
        "/sources/feed/edit/",
        {**SOURCE, "query": "SELECT 2"},
        lambda _: Connector.objects.filter(query="SELECT 2").exists(),
    ),
    "run a data source": post("/sources/feed/run/", {}, _run_queued),
    "delete a data source": post(
        "/sources/feed/delete/", {}, lambda _: not Connector.objects.exists()
    ),
    "a data source's run": get("/sources/feed/runs/{run}/"),
    "History": get("/history/"),
    "History as CSV": get("/history/export.csv"),
    "Revisions": get("/revisions/"),
    "diff of two revisions": get("/revisions/diff/?a=2020-01-01&b=now"),
    "scorecard A as it stood": get("/units/a/?period=2026-01&as_of=now"),
    "API tokens": get("/api-tokens/"),
    "create an API token": post(
        "/api-tokens/", {"name": "made in the matrix", "scope": "read"}, _token_made, ok=200
    ),
    "revoke own API token": post("/api-tokens/{my_token}/revoke/", {}, _token_revoked),
    "API index": get("/api/v1/"),
    "API docs": get("/api/v1/docs"),
    "API docs asset": get("/api/v1/docs/assets/swagger-ui.css"),
    "OpenAPI description": get("/api/v1/openapi.json"),
}

# Scheduled books and share links, in their own module.
from .sharing_calls import PAGES as _SHARING_PAGES  # noqa: E402

PAGES.update(_SHARING_PAGES)
