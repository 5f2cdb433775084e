"""The one access policy (fourfold/accounts/access.py), locked: every role, inside and outside
its units, against every page and every API endpoint, reads and writes.

POLICY (policy.py) is the policy as a table: one row per action (how each is asked for is in
`actions.py`), one outcome per role. The roles, on a top unit with two child units A and B:
root is a superuser, admin has the administrator role, editor, contrib(utor) and viewer have
those roles on A, kpi-con and owner are the contributor and the owner of KPI a-rev of A
(and have no role), nobody has no role at all. B is outside everyone's units but the
administrators'.

Outcomes: `yes` (the action's own answer, and it wrote what it writes), `403` (may see, may
not do: told why), `404` (not there for them; a KPI's owner and contributor see its unit
only, not the units below it), `400` (an upload refused in its preview, with the reason),
`422` (an API write refused for what its body names, with the reasons: a KPI or an
objective that is not there for them), `login` (sent to the Django admin's sign-in).
Whatever is refused wrote nothing.

The data: a top unit, its children A and B, each with an objective (two KPIs) and an empty
objective, and an empty unit below each (a-team, b-team); a pending value of a-rev and of
b-rev; a data source with one run; pat, a viewer of B, for the people pages.

API rows hold for a read-write token; every read is asked with a read-only token too, which
must see exactly what its user sees.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from pytest_django import DjangoDbBlocker

from fourfold.api.api import api
from fourfold.web.entry import SESSION_KEY
from fourfold.web.views import REFUSED

from .actions import PAGES as BASE_PAGES
from .actions import Action, Call
from .alert_actions import ALERT_API, ALERT_PAGES
from .api_calls import API as BASE_API
from .book_actions import BOOK_CALLS, BOOK_PAGES
from .conftest import ROLES, Org
from .policy import POLICY
from .review_actions import REVIEW_CALLS, REVIEW_PAGES
from .signin_actions import SIGNIN_PAGES

PAGES = {**BASE_PAGES, **BOOK_PAGES, **ALERT_PAGES, **REVIEW_PAGES, **SIGNIN_PAGES}
API = {**BASE_API, **BOOK_CALLS, **ALERT_API, **REVIEW_CALLS}


# The policy's words for a refused row, in an upload's preview and an API write's details.
REFUSALS = re.compile(
    r"^(there is no (KPI|objective|unit) '[\w-]+'|you may not enter values of KPI [\w-]+"
    r"|only an editor of its scorecard may set the targets of KPI [\w-]+)$"
)


def expected(action: str, role: str) -> str:
    return POLICY[action].split()[ROLES.index(role)]


def page_cases() -> Iterator[Any]:
    for action in PAGES:
        for role in ROLES:
            yield pytest.param(role, action, id=f"{role}: {action}")


def api_cases() -> Iterator[Any]:
    for action, call in API.items():
        scopes = ("write", "read") if call.method == "get" else (call.scope,)
        for role in ROLES:
            for scope in scopes:
                token = (
                    " with a read-only token" if call.method == "get" and scope == "read" else ""
                )
                yield pytest.param(role, action, scope, id=f"{role}: {action}{token}")


def _filled(text: str, org: Org, role: str) -> str:
    return text.format(**org.ids, my_token=org.tokens[role, "read"], my_sub=org.subs[role])


def _ask(client: Client, action: Action, org: Org, role: str) -> Any:
    data = {_filled(k, org, role): _filled(v, org, role) for k, v in action.data.items()}
    if action.file:
        upload = SimpleUploadedFile("values.csv", action.file.encode(), "text/csv")
        preview = client.post("/import/", {"file": upload})
        assert preview.status_code == 200, preview.content.decode()[:2000]
        data["token"] = client.session[SESSION_KEY]["token"]
    url = _filled(action.url, org, role)
    return client.get(url) if action.method == "get" else client.post(url, data)


def _judge_page(response: Any, action: Action, outcome: str) -> None:
    status = response.status_code
    if outcome == "yes":
        assert status == action.ok, response.content.decode()[:3000]
        if status == 302:
            assert "?next=" not in response["Location"], "sent to sign in"
    elif outcome == "403":
        assert status == 403
        reason = response.context["reason"]
        assert reason and reason != REFUSED, "a refusal must say why"
    elif outcome == "400":
        assert status == 400
        problems = response.context["plan"].problems
        assert problems and all(REFUSALS.match(p.message) for p in problems), problems
    elif outcome == "login":
        assert status == 302 and response["Location"].startswith("/admin/login/")
    else:
        assert status == int(outcome)


@pytest.fixture(scope="module")
def browser() -> Client:
    """One client for every case: a new one sets up the middleware again, ~0.1 s each."""
    return Client()


@pytest.fixture(scope="module")
def sessions(org: Org, browser: Client, django_db_blocker: DjangoDbBlocker) -> dict[str, str]:
    """Each role signed in once, in the module's data: a case signs in with the session's
    cookie, and what it does to the session (sign out, a new password) is rolled back."""
    keys = {}
    with django_db_blocker.unblock():
        for role, user in org.users.items():
            browser.cookies = SimpleCookie()
            browser.force_login(user)
            keys[role] = browser.cookies[settings.SESSION_COOKIE_NAME].value
    return keys


@pytest.mark.parametrize(("role", "action"), list(page_cases()))
def test_a_page_does_what_the_policy_says(
    org: Org, sessions: dict[str, str], db: None, browser: Client, role: str, action: str
) -> None:
    todo, outcome = PAGES[action], expected(action, role)
    user = org.users[role]
    if todo.wrote is not None:
        assert not todo.wrote(user), "it must not be written before"
    browser.cookies = SimpleCookie({settings.SESSION_COOKIE_NAME: sessions[role]})
    response = _ask(browser, todo, org, role)
    _judge_page(response, todo, outcome)
    if todo.wrote is not None:
        assert todo.wrote(user) == (outcome == "yes")


def _call(client: Client, org: Org, role: str, scope: str, call: Call) -> Any:
    body = None if call.body is None else json.dumps(call.body)
    kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {org.secrets[role, scope]}"}
    if body is not None:
        kwargs.update(data=body, content_type="application/json")
    client.cookies = SimpleCookie()  # the token alone says who calls
    return getattr(client, call.method)(f"/api/v1/{_filled(call.path, org, role)}", **kwargs)


@pytest.mark.parametrize(("role", "action", "scope"), list(api_cases()))
def test_the_api_does_what_the_policy_says(
    org: Org, db: None, browser: Client, role: str, action: str, scope: str
) -> None:
    call, outcome = API[action], expected(action, role)
    user = org.users[role]
    if call.wrote is not None:
        assert not call.wrote(user), "it must not be written before"
    response = _call(browser, org, role, scope, call)
    # No body after a DELETE; a file (a briefing book) where one is asked for.
    is_json = response.get("Content-Type", "").startswith("application/json")
    answer = json.loads(response.content) if response.content and is_json else {}
    if outcome == "yes":
        assert response.status_code == call.ok, answer
    else:
        assert response.status_code == int(outcome), answer
        assert answer["error"]["message"]
    if outcome == "422":
        reasons = [d["reason"] for d in answer["error"]["details"]]
        assert reasons and all(REFUSALS.match(r) for r in reasons), reasons
    if call.wrote is not None:
        assert call.wrote(user) == (outcome == "yes")


# The units each role sees, with all their KPIs: its units and those below them; a KPI's
# owner and contributor see its unit only.
SEES = {
    "root": "top a b a-team b-team",
    "admin": "top a b a-team b-team",
    "editor": "a a-team",
    "contrib": "a a-team",
    "kpi-con": "a",
    "owner": "a",
    "viewer": "a a-team",
    "nobody": "",
}
KPIS_OF = {"top": {"top-rev"}, "a": {"a-rev", "a-cost"}, "b": {"b-rev", "b-cost"}}


@pytest.mark.parametrize("scope", ["write", "read"])
@pytest.mark.parametrize("role", ROLES)
def test_a_list_holds_exactly_what_its_token_may_see(
    org: Org, db: None, browser: Client, role: str, scope: str
) -> None:
    units = set(SEES[role].split())
    kpis = {k for u in units for k in KPIS_OF.get(u, ())}
    for path, field, expected in (("units", "code", units), ("kpis", "code", kpis)):
        answer = json.loads(_call(browser, org, role, scope, Call("get", path)).content)
        assert {item[field] for item in answer["items"]} == expected
        assert answer["count"] == len(expected)


def test_the_policy_table_names_exactly_the_actions_there_are() -> None:
    assert not set(PAGES) & set(API)
    assert set(POLICY) == {*PAGES, *API}
    assert all(len(row.split()) == len(ROLES) for row in POLICY.values())
    assert {o for row in POLICY.values() for o in row.split()} <= {
        "yes",
        "403",
        "404",
        "400",
        "422",
        "login",
    }


def _routes(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for p in patterns:
        if isinstance(p, URLResolver) and str(p.pattern) == "admin/":
            yield prefix + "admin/"  # Django's own admin, one entry here
        elif isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, prefix + str(p.pattern).removeprefix("^"))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern).removeprefix("^")  # as `resolve` joins them


def _route(url: str) -> str:
    return resolve(urlsplit(re.sub(r"\{\w+\}", "1", url)).path).route


def test_every_url_pattern_is_in_the_matrix() -> None:
    covered = {_route(a.url) for a in PAGES.values()}
    covered |= {_route(f"/api/v1/{c.path}") for c in API.values()}
    covered |= {"admin/"} if any(r.startswith("admin/") for r in covered) else set()
    missing = set(_routes(get_resolver().url_patterns)) - covered
    assert not missing, f"pages and routes the access matrix does not cover: {sorted(missing)}"


def test_every_api_operation_is_in_the_matrix() -> None:
    operations = {
        (method, prefix + path)
        for prefix, router in api._routers
        for path, view in router.path_operations.items()
        for operation in view.operations
        for method in operation.methods
    }
    covered = set()
    for call in API.values():
        route = _route(f"/api/v1/{call.path}").removeprefix("api/v1")
        covered.add((call.method.upper(), re.sub(r"<(\w+)>", r"{\1}", route)))
    missing = operations - covered
    assert not missing, f"API operations the access matrix does not cover: {sorted(missing)}"
