"""The one access policy (fourfold/accounts/access.py), locked: every role, inside and outside
its units, against every page and every API endpoint, reads and writes.

POLICY is the policy as a table: one row per action (how each is asked for is in
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
from .review_actions import REVIEW_CALLS, REVIEW_PAGES
from .signin_actions import SIGNIN_PAGES

PAGES = {**BASE_PAGES, **BOOK_PAGES, **ALERT_PAGES, **REVIEW_PAGES, **SIGNIN_PAGES}
API = {**BASE_API, **BOOK_CALLS, **ALERT_API, **REVIEW_CALLS}

# fmt: off
POLICY: dict[str, str] = {
    # action                          root admin editor contrib kpi-con owner viewer nobody
    "Home":                           "yes  yes  yes  yes  yes  yes  yes  yes",
    "all scorecards":                 "yes  yes  yes  yes  yes  yes  yes  yes",
    "pick A":                         "yes  yes  yes  yes  yes  yes  yes  404",
    "pick B":                         "yes  yes  404  404  404  404  404  404",
    "scorecard top":                  "yes  yes  404  404  404  404  404  404",
    "scorecard A":                    "yes  yes  yes  yes  yes  yes  yes  404",
    "scorecard B":                    "yes  yes  404  404  404  404  404  404",
    "KPI a-rev":                      "yes  yes  yes  yes  yes  yes  yes  404",
    "KPI a-cost":                     "yes  yes  yes  yes  yes  yes  yes  404",
    "KPI b-rev":                      "yes  yes  404  404  404  404  404  404",
    "comment on a-rev":               "yes  yes  yes  yes  yes  yes  yes  404",
    "comment on b-rev":               "yes  yes  404  404  404  404  404  404",
    "objective A":                    "yes  yes  yes  yes  yes  yes  yes  404",
    "objective B":                    "yes  yes  404  404  404  404  404  404",
    "comment on objective A":         "yes  yes  yes  yes  yes  yes  yes  404",
    "comment on objective B":         "yes  yes  404  404  404  404  404  404",
    # Initiatives: seen with their unit (and by their owner), designed by its editors, their
    # progress entered by its editors and their owner (owner owns a-init, bob b-init)
    "initiatives A":                  "yes  yes  yes  yes  yes  yes  yes  404",
    "timeline of A as SVG":           "yes  yes  yes  yes  yes  yes  yes  404",
    "initiative a-init":               "yes  yes  yes  yes  yes  yes  yes  404",
    "new initiative form A":          "yes  yes  yes  403  403  403  403  404",
    "add an initiative to A":         "yes  yes  yes  403  403  403  403  404",
    "initiative form a-init":          "yes  yes  yes  403  403  403  403  404",
    "change initiative a-init":        "yes  yes  yes  403  403  403  403  404",
    "progress form a-init":            "yes  yes  yes  403  403  yes  403  404",
    "add progress to a-init":          "yes  yes  yes  403  403  yes  403  404",
    "complete a milestone of a-init":  "yes  yes  yes  403  403  yes  403  404",
    "initiatives B":                  "yes  yes  404  404  404  404  404  404",
    "timeline of B as SVG":           "yes  yes  404  404  404  404  404  404",
    "initiative b-init":               "yes  yes  404  404  404  404  404  404",
    "new initiative form B":          "yes  yes  404  404  404  404  404  404",
    "add an initiative to B":         "yes  yes  404  404  404  404  404  404",
    "initiative form b-init":          "yes  yes  404  404  404  404  404  404",
    "change initiative b-init":        "yes  yes  404  404  404  404  404  404",
    "progress form b-init":            "yes  yes  404  404  404  404  404  404",
    "add progress to b-init":          "yes  yes  404  404  404  404  404  404",
    "complete a milestone of b-init":  "yes  yes  404  404  404  404  404  404",
    "strategy map A":                 "yes  yes  yes  yes  yes  yes  yes  404",
    # Briefing books: made by whoever sees the unit (holding what they see), saved by them;
    # a saved one changed by whoever saved it (the viewer saved a-book) and the unit's editors
    "books A":                        "yes  yes  yes  yes  yes  yes  yes  404",
    "make a book of A":               "yes  yes  yes  yes  yes  yes  yes  404",
    "save a book of A":               "yes  yes  yes  yes  yes  yes  yes  404",
    "book form a-book":               "yes  yes  yes  403  403  403  yes  404",
    "change book a-book":             "yes  yes  yes  403  403  403  yes  404",
    "delete book a-book":             "yes  yes  yes  403  403  403  yes  404",
    "make saved book a-book":         "yes  yes  yes  yes  yes  yes  yes  404",
    "books B":                        "yes  yes  404  404  404  404  404  404",
    "make a book of B":               "yes  yes  404  404  404  404  404  404",
    "save a book of B":               "yes  yes  404  404  404  404  404  404",
    "book form b-book":               "yes  yes  404  404  404  404  404  404",
    "change book b-book":             "yes  yes  404  404  404  404  404  404",
    "delete book b-book":             "yes  yes  404  404  404  404  404  404",
    "make saved book b-book":         "yes  yes  404  404  404  404  404  404",
    "People":                         "yes  yes  yes  yes  yes  yes  yes  yes",
    "People of B":                    "yes  yes  404  404  404  404  404  404",
    "person owning in A":             "yes  yes  yes  yes  yes  yes  yes  404",
    "person owning in B":             "yes  yes  404  404  404  404  404  404",
    "strategy map B":                 "yes  yes  404  404  404  404  404  404",
    "check A":                        "yes  yes  yes  yes  yes  yes  yes  404",
    "check B":                        "yes  yes  404  404  404  404  404  404",
    "forecast reliability A":         "yes  yes  yes  yes  yes  yes  yes  404",
    "forecast reliability B":         "yes  yes  404  404  404  404  404  404",
    "export A":                       "yes  yes  yes  yes  yes  yes  yes  404",
    "export B":                       "yes  yes  404  404  404  404  404  404",
    # Entering values, and their approval by the KPI's owner
    "My KPIs":                        "yes  yes  yes  yes  yes  yes  yes  yes",
    "require approval of a-rev":      "403  403  403  403  403  yes  403  404",
    "approve a-rev's value":          "yes  yes  403  403  403  yes  403  404",
    "reject a-rev's value":           "yes  yes  403  403  403  yes  403  404",
    "approve b-rev's value":          "yes  yes  404  404  404  404  404  404",
    "reject b-rev's value":           "yes  yes  404  404  404  404  404  404",
    "entry grid A":                   "yes  yes  yes  yes  yes  yes  yes  404",
    "entry grid B":                   "yes  yes  404  404  404  404  404  404",
    "enter in grid A":                "yes  yes  yes  yes  yes  yes  403  404",
    "enter in grid B":                "yes  yes  404  404  404  404  404  404",
    "check in grid A":                "yes  yes  yes  yes  yes  yes  403  404",
    "check in grid B":                "yes  yes  404  404  404  404  404  404",
    "upload page":                    "yes  yes  yes  yes  yes  yes  yes  yes",
    "upload a value of A":            "yes  yes  yes  yes  yes  yes  400  400",
    "upload a value of B":            "yes  yes  400  400  400  400  400  400",
    "upload a target of A":           "yes  yes  yes  400  400  400  400  400",
    "upload a target of B":           "yes  yes  400  400  400  400  400  400",
    "map an upload's columns":        "yes  yes  yes  yes  yes  yes  yes  yes",
    "cancel an upload":               "yes  yes  yes  yes  yes  yes  yes  yes",
    # Manage: designing a scorecard and its targets is its editors'
    "Manage":                         "yes  yes  yes  403  403  403  403  404",
    "design a":                       "yes  yes  yes  403  403  403  403  404",
    "design a: unit form":            "yes  yes  yes  403  403  403  403  404",
    "design a: rename the unit":      "yes  yes  yes  403  403  403  403  404",
    "design a: new unit form":        "yes  yes  yes  403  403  403  403  404",
    "design a: add a unit below":     "yes  yes  yes  403  403  403  403  404",
    "design a: classic perspectives": "yes  yes  yes  403  404  404  403  404",
    "design a: new perspective form": "yes  yes  yes  403  403  403  403  404",
    "design a: add a perspective":    "yes  yes  yes  403  403  403  403  404",
    "design a: perspective form":     "yes  yes  yes  403  403  403  403  404",
    "design a: rename a perspective": "yes  yes  yes  403  403  403  403  404",
    "design a: new objective form":   "yes  yes  yes  403  403  403  403  404",
    "design a: add an objective":     "yes  yes  yes  403  403  403  403  404",
    "design a: objective form":       "yes  yes  yes  403  403  403  403  404",
    "design a: rename an objective":  "yes  yes  yes  403  403  403  403  404",
    "design a: links form":           "yes  yes  yes  403  403  403  403  404",
    "design a: link two objectives":  "yes  yes  yes  403  403  403  403  404",
    "design a: alignment form":       "yes  yes  yes  403  403  403  403  404",
    "design a: align an objective":   "yes  yes  yes  403  403  403  403  404",
    "design a: new KPI form":         "yes  yes  yes  403  403  403  403  404",
    "design a: add a KPI":            "yes  yes  yes  403  403  403  403  404",
    "design a: KPI form":             "yes  yes  yes  403  403  403  403  404",
    "design a: rename a KPI":         "yes  yes  yes  403  403  403  403  404",
    "design a: targets page":         "yes  yes  yes  403  403  403  403  404",
    "design a: targets preview":      "yes  yes  yes  403  403  403  403  404",
    "design a: a target's row":       "yes  yes  yes  403  403  403  403  404",
    "design a: a target's feasibility": "yes  yes  yes  403  403  403  403  404",
    "design a: set a target":         "yes  yes  yes  403  403  403  403  404",
    "design a: move a KPI":           "yes  yes  yes  403  403  403  403  404",
    "design a: archive a KPI":        "yes  yes  yes  403  403  403  403  404",
    "design b":                       "yes  yes  404  404  404  404  404  404",
    "design b: unit form":            "yes  yes  404  404  404  404  404  404",
    "design b: rename the unit":      "yes  yes  404  404  404  404  404  404",
    "design b: new unit form":        "yes  yes  404  404  404  404  404  404",
    "design b: add a unit below":     "yes  yes  404  404  404  404  404  404",
    "design b: classic perspectives": "yes  yes  404  404  404  404  404  404",
    "design b: new perspective form": "yes  yes  404  404  404  404  404  404",
    "design b: add a perspective":    "yes  yes  404  404  404  404  404  404",
    "design b: perspective form":     "yes  yes  404  404  404  404  404  404",
    "design b: rename a perspective": "yes  yes  404  404  404  404  404  404",
    "design b: new objective form":   "yes  yes  404  404  404  404  404  404",
    "design b: add an objective":     "yes  yes  404  404  404  404  404  404",
    "design b: objective form":       "yes  yes  404  404  404  404  404  404",
    "design b: rename an objective":  "yes  yes  404  404  404  404  404  404",
    "design b: links form":           "yes  yes  404  404  404  404  404  404",
    "design b: link two objectives":  "yes  yes  404  404  404  404  404  404",
    "design b: alignment form":       "yes  yes  404  404  404  404  404  404",
    "design b: align an objective":   "yes  yes  404  404  404  404  404  404",
    "design b: new KPI form":         "yes  yes  404  404  404  404  404  404",
    "design b: add a KPI":            "yes  yes  404  404  404  404  404  404",
    "design b: KPI form":             "yes  yes  404  404  404  404  404  404",
    "design b: rename a KPI":         "yes  yes  404  404  404  404  404  404",
    "design b: targets page":         "yes  yes  404  404  404  404  404  404",
    "design b: targets preview":      "yes  yes  404  404  404  404  404  404",
    "design b: a target's row":       "yes  yes  404  404  404  404  404  404",
    "design b: a target's feasibility": "yes  yes  404  404  404  404  404  404",
    "design b: set a target":         "yes  yes  404  404  404  404  404  404",
    "design b: move a KPI":           "yes  yes  404  404  404  404  404  404",
    "design b: archive a KPI":        "yes  yes  404  404  404  404  404  404",
    "cascade into a-team: page":      "yes  yes  yes  403  404  404  403  404",
    "cascade into a-team":            "yes  yes  yes  403  404  404  403  404",
    "cascade into a-team: settle":    "yes  yes  yes  403  404  404  403  404",
    "cascade into b-team: page":      "yes  yes  404  404  404  404  404  404",
    # People, roles and data sources are the administrators'
    "users":                          "yes  yes  403  403  403  403  403  404",
    "new user form":                  "yes  yes  403  403  403  403  403  404",
    "add a user":                     "yes  yes  403  403  403  403  403  404",
    "a user's page":                  "yes  yes  403  403  403  403  403  404",
    "deactivate a user":              "yes  yes  403  403  403  403  403  404",
    "rename a user":                  "yes  yes  403  403  403  403  403  404",
    "set a user's password":          "yes  yes  403  403  403  403  403  404",
    "unlock a user's sign-in":        "yes  yes  403  403  403  403  403  404",
    "two-factor requirement":         "yes  yes  403  403  403  403  403  404",
    "require two-factor":             "yes  yes  403  403  403  403  403  404",
    "reset a user's two-factor":      "yes  yes  403  403  403  403  403  404",
    "grant a role":                   "yes  yes  403  403  403  403  403  404",
    "revoke a role":                  "yes  yes  403  403  403  403  403  404",
    "data sources":                   "yes  yes  403  403  403  403  403  404",
    "new data source form":           "yes  yes  403  403  403  403  403  404",
    "add a data source":              "yes  yes  403  403  403  403  403  404",
    "a data source":                  "yes  yes  403  403  403  403  403  404",
    "data source form":               "yes  yes  403  403  403  403  403  404",
    "change a data source":           "yes  yes  403  403  403  403  403  404",
    "run a data source":              "yes  yes  403  403  403  403  403  404",
    "delete a data source":           "yes  yes  403  403  403  403  403  404",
    "a data source's run":            "yes  yes  403  403  403  403  403  404",
    "Django admin":                   "yes  login login login login login login login",
    # Alerts: anyone follows what they may see and changes their own; channels and the
    # delivery log are the administrators'
    "My alerts":                      "yes  yes  yes  yes  yes  yes  yes  yes",
    "follow button of a-rev":         "yes  yes  yes  yes  yes  yes  yes  404",
    "follow a-rev":                   "yes  yes  yes  yes  yes  yes  yes  404",
    "follow button of b-rev":         "yes  yes  404  404  404  404  404  404",
    "follow b-rev":                   "yes  yes  404  404  404  404  404  404",
    "follow unit top":                "yes  yes  404  404  404  404  404  404",
    "change own alert":               "yes  yes  yes  yes  yes  yes  yes  yes",
    "unfollow own alert":             "yes  yes  yes  yes  yes  yes  yes  yes",
    "alert channels":                 "yes  yes  403  403  403  403  403  404",
    "add an alert channel":           "yes  yes  403  403  403  403  403  404",
    "remove an alert channel":        "yes  yes  403  403  403  403  403  404",
    "alert deliveries":               "yes  yes  403  403  403  403  403  404",
    # The History is the editors' (of the units they may see) and the administrators'
    "History":                        "yes  yes  yes  403  403  403  403  404",
    "History as CSV":                 "yes  yes  yes  403  403  403  403  404",
    # Revisions: anyone with a scorecard to view (a diff shows the parts of their units)
    "Revisions":                      "yes  yes  yes  yes  yes  yes  yes  404",
    "diff of two revisions":          "yes  yes  yes  yes  yes  yes  yes  404",
    "scorecard A as it stood":        "yes  yes  yes  yes  yes  yes  yes  404",
    # Everyone signed in: their own password and API tokens, the API's docs
    "own password form":              "yes  yes  yes  yes  yes  yes  yes  yes",
    "change own password":            "yes  yes  yes  yes  yes  yes  yes  yes",
    "password changed page":          "yes  yes  yes  yes  yes  yes  yes  yes",
    "sign-in page":                   "yes  yes  yes  yes  yes  yes  yes  yes",
    "sign out":                       "yes  yes  yes  yes  yes  yes  yes  yes",
    "own two-factor page":            "yes  yes  yes  yes  yes  yes  yes  yes",
    "new recovery codes":             "yes  yes  yes  yes  yes  yes  yes  yes",
    "turn two-factor off":            "yes  yes  yes  yes  yes  yes  yes  yes",
    "sign-in code page":              "yes  yes  yes  yes  yes  yes  yes  yes",
    # Single sign-on, not set up here: not there for anyone
    "single sign-on":                 "404  404  404  404  404  404  404  404",
    "single sign-on callback":        "404  404  404  404  404  404  404  404",
    "API tokens":                     "yes  yes  yes  yes  yes  yes  yes  yes",
    "create an API token":            "yes  yes  yes  yes  yes  yes  yes  yes",
    "revoke own API token":           "yes  yes  yes  yes  yes  yes  yes  yes",
    "API index":                      "yes  yes  yes  yes  yes  yes  yes  yes",
    "API docs":                       "yes  yes  yes  yes  yes  yes  yes  yes",
    "API docs asset":                 "yes  yes  yes  yes  yes  yes  yes  yes",
    "OpenAPI description":            "yes  yes  yes  yes  yes  yes  yes  yes",
    # The API: reads
    "GET units":                      "yes  yes  yes  yes  yes  yes  yes  yes",
    "GET kpis":                       "yes  yes  yes  yes  yes  yes  yes  yes",
    "GET targets":                    "yes  yes  yes  yes  yes  yes  yes  yes",
    "GET measurements":               "yes  yes  yes  yes  yes  yes  yes  yes",
    "GET a path that is none":        "404  404  404  404  404  404  404  404",
    "GET units/a":                    "yes  yes  yes  yes  yes  yes  yes  404",
    "GET scorecards?unit=a":          "yes  yes  yes  yes  yes  yes  yes  404",
    "GET scorecards/a":               "yes  yes  yes  yes  yes  yes  yes  404",
    "GET perspectives?unit=a":        "yes  yes  yes  yes  yes  yes  yes  404",
    "GET perspectives/a/fin":         "yes  yes  yes  yes  yes  yes  yes  404",
    "GET objectives?unit=a":          "yes  yes  yes  yes  yes  yes  yes  404",
    "GET objectives/a-grow":          "yes  yes  yes  yes  yes  yes  yes  404",
    "GET links?unit=a":               "yes  yes  yes  yes  yes  yes  yes  404",
    "GET kpis?unit=a":                "yes  yes  yes  yes  yes  yes  yes  404",
    "GET kpis/a-rev":                 "yes  yes  yes  yes  yes  yes  yes  404",
    "GET targets?unit=a":             "yes  yes  yes  yes  yes  yes  yes  404",
    "GET targets/a-rev/2026-01":      "yes  yes  yes  yes  yes  yes  yes  404",
    "GET measurements?unit=a":        "yes  yes  yes  yes  yes  yes  yes  404",
    "GET measurements/a-rev/2026-01": "yes  yes  yes  yes  yes  yes  yes  404",
    "GET scores?unit=a":              "yes  yes  yes  yes  yes  yes  yes  404",
    "GET checks?unit=a":              "yes  yes  yes  yes  yes  yes  yes  404",
    "GET forecasts?unit=a":           "yes  yes  yes  yes  yes  yes  yes  404",
    "GET units/b":                    "yes  yes  404  404  404  404  404  404",
    "GET scorecards?unit=b":          "yes  yes  404  404  404  404  404  404",
    "GET scorecards/b":               "yes  yes  404  404  404  404  404  404",
    "GET perspectives?unit=b":        "yes  yes  404  404  404  404  404  404",
    "GET perspectives/b/fin":         "yes  yes  404  404  404  404  404  404",
    "GET objectives?unit=b":          "yes  yes  404  404  404  404  404  404",
    "GET objectives/b-grow":          "yes  yes  404  404  404  404  404  404",
    "GET links?unit=b":               "yes  yes  404  404  404  404  404  404",
    "GET kpis?unit=b":                "yes  yes  404  404  404  404  404  404",
    "GET kpis/b-rev":                 "yes  yes  404  404  404  404  404  404",
    "GET targets?unit=b":             "yes  yes  404  404  404  404  404  404",
    "GET targets/b-rev/2026-01":      "yes  yes  404  404  404  404  404  404",
    "GET measurements?unit=b":        "yes  yes  404  404  404  404  404  404",
    "GET measurements/b-rev/2026-01": "yes  yes  404  404  404  404  404  404",
    "GET scores?unit=b":              "yes  yes  404  404  404  404  404  404",
    "GET checks?unit=b":              "yes  yes  404  404  404  404  404  404",
    "GET forecasts?unit=b":           "yes  yes  404  404  404  404  404  404",
    # The API: writes with a read-write token
    "POST kpis in a":                 "yes  yes  yes  403  403  403  403  422",
    "PATCH kpis/a-rev":               "yes  yes  yes  403  403  403  403  404",
    "PUT targets/a-rev/2026-03":      "yes  yes  yes  403  403  403  403  404",
    "PUT measurements/a-rev/2026-03": "yes  yes  yes  yes  yes  yes  403  404",
    "PUT measurements/a-cost/2026-03":"yes  yes  yes  yes  403  403  403  404",
    "POST measurements/bulk of a-rev":"yes  yes  yes  yes  yes  yes  422  422",
    "POST kpis in b":                 "yes  yes  422  422  422  422  422  422",
    "PATCH kpis/b-rev":               "yes  yes  404  404  404  404  404  404",
    "PUT targets/b-rev/2026-03":      "yes  yes  404  404  404  404  404  404",
    "PUT measurements/b-rev/2026-03": "yes  yes  404  404  404  404  404  404",
    "POST measurements/bulk of b-rev":"yes  yes  422  422  422  422  422  422",
    "POST cascades into a-team":      "yes  yes  yes  403  404  404  403  404",
    "POST cascades into b-team":      "yes  yes  404  404  404  404  404  404",
    # Initiatives: seen with their unit; designed by its editors; their progress entered by
    # the unit's editors and the initiative's owner (here the owner of KPI a-rev)
    "GET initiatives":                "yes  yes  yes  yes  yes  yes  yes  yes",
    "GET initiatives?unit=a":         "yes  yes  yes  yes  yes  yes  yes  404",
    "GET initiatives/a-init":         "yes  yes  yes  yes  yes  yes  yes  404",
    "GET initiatives/a-init/progress":"yes  yes  yes  yes  yes  yes  yes  404",
    "GET initiatives/a-init/notes":   "yes  yes  yes  yes  yes  yes  yes  404",
    "GET initiatives?unit=b":         "yes  yes  404  404  404  404  404  404",
    "GET initiatives/b-init":         "yes  yes  404  404  404  404  404  404",
    "GET initiatives/b-init/progress":"yes  yes  404  404  404  404  404  404",
    "GET initiatives/b-init/notes":   "yes  yes  404  404  404  404  404  404",
    "POST initiatives in a":          "yes  yes  yes  403  403  403  403  422",
    "PATCH initiatives/a-init":       "yes  yes  yes  403  403  403  403  404",
    "DELETE initiatives/a-init":      "yes  yes  yes  403  403  403  403  404",
    "POST milestones of a-init":      "yes  yes  yes  403  403  403  403  404",
    "PATCH a milestone of a-init":    "yes  yes  yes  403  403  403  403  404",
    "PATCH a milestone of a-init done":"yes yes  yes  403  403  yes  403  404",
    "DELETE a milestone of a-init":   "yes  yes  yes  403  403  403  403  404",
    "PUT progress of a-init":         "yes  yes  yes  403  403  yes  403  404",
    "DELETE progress of a-init":      "yes  yes  yes  403  403  yes  403  404",
    "POST notes of a-init":           "yes  yes  yes  403  403  yes  403  404",
    "POST initiatives in b":          "yes  yes  422  422  422  422  422  422",
    "PATCH initiatives/b-init":       "yes  yes  404  404  404  404  404  404",
    "PUT progress of b-init":         "yes  yes  404  404  404  404  404  404",
    # Briefing books through the API, as on the pages
    "GET book-templates":             "yes  yes  yes  yes  yes  yes  yes  yes",
    "GET book-templates?unit=a":      "yes  yes  yes  yes  yes  yes  yes  404",
    "GET book-templates/a-book":      "yes  yes  yes  yes  yes  yes  yes  404",
    "GET book-templates/a-book/render": "yes yes  yes  yes  yes  yes  yes  404",
    "GET books?unit=a":               "yes  yes  yes  yes  yes  yes  yes  404",
    "POST book-templates in a":       "yes  yes  yes  yes  yes  yes  yes  422",
    "PATCH book-templates/a-book":    "yes  yes  yes  403  403  403  yes  404",
    "DELETE book-templates/a-book":   "yes  yes  yes  403  403  403  yes  404",
    "GET book-templates?unit=b":      "yes  yes  404  404  404  404  404  404",
    "GET book-templates/b-book":      "yes  yes  404  404  404  404  404  404",
    "GET book-templates/b-book/render": "yes yes  404  404  404  404  404  404",
    "GET books?unit=b":               "yes  yes  404  404  404  404  404  404",
    "POST book-templates in b":       "yes  yes  422  422  422  422  422  422",
    "PATCH book-templates/b-book":    "yes  yes  404  404  404  404  404  404",
    "DELETE book-templates/b-book":   "yes  yes  404  404  404  404  404  404",
    "POST book-templates in a (read-only token)": "403  403  403  403  403  403  403  403",
    "PUT progress of a-init (read-only token)":         "403  403  403  403  403  403  403  403",
    "PATCH initiatives/a-init (read-only token)":       "403  403  403  403  403  403  403  403",
    # Books sent and shared: a unit's editors schedule its books and share it; whoever has a
    # link opens it, signed in or not
    "books sent A":                   "yes  yes  yes  403  403  403  403  404",
    "new schedule form A":            "yes  yes  yes  403  403  403  403  404",
    "schedule a book of A":           "yes  yes  yes  403  403  403  403  404",
    "schedule of A":                  "yes  yes  yes  403  403  403  403  404",
    "schedule form of A":             "yes  yes  yes  403  403  403  403  404",
    "change a schedule of A":         "yes  yes  yes  403  403  403  403  404",
    "send a test of a schedule of A": "yes  yes  yes  403  403  403  403  404",
    "remove a schedule of A":         "yes  yes  yes  403  403  403  403  404",
    "share links of A":               "yes  yes  yes  403  403  403  403  404",
    "make a share link of A":         "yes  yes  yes  403  403  403  403  404",
    "revoke a share link of A":       "yes  yes  yes  403  403  403  403  404",
    "books sent B":                   "yes  yes  404  404  404  404  404  404",
    "new schedule form B":            "yes  yes  404  404  404  404  404  404",
    "schedule a book of B":           "yes  yes  404  404  404  404  404  404",
    "schedule of B":                  "yes  yes  404  404  404  404  404  404",
    "schedule form of B":             "yes  yes  404  404  404  404  404  404",
    "change a schedule of B":         "yes  yes  404  404  404  404  404  404",
    "send a test of a schedule of B": "yes  yes  404  404  404  404  404  404",
    "remove a schedule of B":         "yes  yes  404  404  404  404  404  404",
    "share links of B":               "yes  yes  404  404  404  404  404  404",
    "make a share link of B":         "yes  yes  404  404  404  404  404  404",
    "revoke a share link of B":       "yes  yes  404  404  404  404  404  404",
    "open a share link of A":         "yes  yes  yes  yes  yes  yes  yes  yes",
    "GET schedules?unit=a":           "yes  yes  yes  403  403  403  403  404",
    "POST schedules in a":            "yes  yes  yes  403  403  403  403  404",
    "GET schedules/{a_schedule}":     "yes  yes  yes  403  403  403  403  404",
    "PATCH schedules/{a_schedule}":   "yes  yes  yes  403  403  403  403  404",
    "DELETE schedules/{a_schedule}":  "yes  yes  yes  403  403  403  403  404",
    "POST schedules/{a_schedule}/test": "yes  yes  yes  403  403  403  403  404",
    "GET share-links?unit=a":         "yes  yes  yes  403  403  403  403  404",
    "POST share-links in a":          "yes  yes  yes  403  403  403  403  404",
    "POST share-links/a/revoke":      "yes  yes  yes  403  403  403  403  404",
    "GET schedules?unit=b":           "yes  yes  404  404  404  404  404  404",
    "POST schedules in b":            "yes  yes  404  404  404  404  404  404",
    "GET schedules/{b_schedule}":     "yes  yes  404  404  404  404  404  404",
    "PATCH schedules/{b_schedule}":   "yes  yes  404  404  404  404  404  404",
    "DELETE schedules/{b_schedule}":  "yes  yes  404  404  404  404  404  404",
    "POST schedules/{b_schedule}/test": "yes  yes  404  404  404  404  404  404",
    "GET share-links?unit=b":         "yes  yes  404  404  404  404  404  404",
    "POST share-links in b":          "yes  yes  404  404  404  404  404  404",
    "POST share-links/b/revoke":      "yes  yes  404  404  404  404  404  404",
    "POST share-links in a (read-only token)": "403  403  403  403  403  403  403  403",
    # Reviews and action items: seen with their unit; run by its editors (and a review's
    # facilitator); an action item's status changed by its owner too (a-rev's owner owns A's)
    "reviews A":                      "yes  yes  yes  yes  yes  yes  yes  404",
    "plan a review of A":             "yes  yes  yes  403  403  403  403  404",
    "add a review series to A":       "yes  yes  yes  403  403  403  403  404",
    "review A":                       "yes  yes  yes  yes  yes  yes  yes  404",
    "start review A":                 "yes  yes  yes  403  403  403  403  404",
    "close review A":                 "yes  yes  yes  403  403  403  403  404",
    "add an agenda item to review A": "yes  yes  yes  403  403  403  403  404",
    "drop an agenda item of review A":"yes  yes  yes  403  403  403  403  404",
    "bring back an agenda item of review A":"yes  yes  yes  403  403  403  403  404",
    "move an agenda item of review A up":"yes  yes  yes  403  403  403  403  404",
    "move an agenda item of review A down":"yes  yes  yes  403  403  403  403  404",
    "write commentary in review A":   "yes  yes  yes  403  403  403  403  404",
    "record a decision in review A":  "yes  yes  yes  403  403  403  403  404",
    "add an action in review A":      "yes  yes  yes  403  403  403  403  404",
    "action item of A":               "yes  yes  yes  yes  yes  yes  yes  404",
    "mark the action item of A done": "yes  yes  yes  403  403  yes  403  404",
    "reviews B":                      "yes  yes  404  404  404  404  404  404",
    "plan a review of B":             "yes  yes  404  404  404  404  404  404",
    "add a review series to B":       "yes  yes  404  404  404  404  404  404",
    "review B":                       "yes  yes  404  404  404  404  404  404",
    "start review B":                 "yes  yes  404  404  404  404  404  404",
    "close review B":                 "yes  yes  404  404  404  404  404  404",
    "add an agenda item to review B": "yes  yes  404  404  404  404  404  404",
    "drop an agenda item of review B":"yes  yes  404  404  404  404  404  404",
    "bring back an agenda item of review B":"yes  yes  404  404  404  404  404  404",
    "move an agenda item of review B up":"yes  yes  404  404  404  404  404  404",
    "move an agenda item of review B down":"yes  yes  404  404  404  404  404  404",
    "write commentary in review B":   "yes  yes  404  404  404  404  404  404",
    "record a decision in review B":  "yes  yes  404  404  404  404  404  404",
    "add an action in review B":      "yes  yes  404  404  404  404  404  404",
    "action item of B":               "yes  yes  404  404  404  404  404  404",
    "mark the action item of B done": "yes  yes  404  404  404  404  404  404",
    # The API of reviews: as their pages; a write naming a unit one may not see is a 422
    "GET reviews of a":               "yes  yes  yes  yes  yes  yes  yes  404",
    "GET agenda of a":                "yes  yes  yes  yes  yes  yes  yes  404",
    "GET actions of a":               "yes  yes  yes  yes  yes  yes  yes  404",
    "GET review of a":                "yes  yes  yes  yes  yes  yes  yes  404",
    "GET commentary of a-rev":        "404  404  404  404  404  404  404  404",
    "POST reviews in a":              "yes  yes  yes  403  403  403  403  422",
    "POST decisions of the review of a":"yes  yes  yes  403  403  403  403  404",
    "POST close the review of a":     "yes  yes  yes  403  403  403  403  404",
    "POST actions in a":              "yes  yes  yes  403  403  403  403  422",
    "PATCH the action of a":          "yes  yes  yes  403  403  yes  403  404",
    "PUT commentary of a-rev":        "yes  yes  yes  403  403  403  403  404",
    "GET reviews of b":               "yes  yes  404  404  404  404  404  404",
    "GET agenda of b":                "yes  yes  404  404  404  404  404  404",
    "GET actions of b":               "yes  yes  404  404  404  404  404  404",
    "GET review of b":                "yes  yes  404  404  404  404  404  404",
    "GET commentary of b-rev":        "404  404  404  404  404  404  404  404",
    "POST reviews in b":              "yes  yes  422  422  422  422  422  422",
    "POST decisions of the review of b":"yes  yes  404  404  404  404  404  404",
    "POST close the review of b":     "yes  yes  404  404  404  404  404  404",
    "POST actions in b":              "yes  yes  422  422  422  422  422  422",
    "PATCH the action of b":          "yes  yes  404  404  404  404  404  404",
    "PUT commentary of b-rev":        "yes  yes  404  404  404  404  404  404",
    "PATCH the action of a (read-only token)":"403  403  403  403  403  403  403  403",
    # The API: a read-only token changes nothing, whoever holds it
    "POST kpis in a (read-only token)":                 "403  403  403  403  403  403  403  403",
    "PATCH kpis/a-rev (read-only token)":               "403  403  403  403  403  403  403  403",
    "PUT targets/a-rev/2026-03 (read-only token)":      "403  403  403  403  403  403  403  403",
    "PUT measurements/a-rev/2026-03 (read-only token)": "403  403  403  403  403  403  403  403",
    "POST measurements/bulk of a-rev (read-only token)":"403  403  403  403  403  403  403  403",
    "POST kpis in b (read-only token)":                 "403  403  403  403  403  403  403  403",
    "PATCH kpis/b-rev (read-only token)":               "403  403  403  403  403  403  403  403",
    "PUT targets/b-rev/2026-03 (read-only token)":      "403  403  403  403  403  403  403  403",
    "PUT measurements/b-rev/2026-03 (read-only token)": "403  403  403  403  403  403  403  403",
    "POST measurements/bulk of b-rev (read-only token)":"403  403  403  403  403  403  403  403",
    # Alerts through the API
    "GET alerts/subscriptions":       "yes  yes  yes  yes  yes  yes  yes  yes",
    "GET alerts/channels":            "yes  yes  yes  yes  yes  yes  yes  yes",
    "POST alerts/subscriptions a-rev":"yes  yes  yes  yes  yes  yes  yes  404",
    "POST alerts/subscriptions b-rev":"yes  yes  404  404  404  404  404  404",
    "PATCH own alert subscription":   "yes  yes  yes  yes  yes  yes  yes  yes",
    "DELETE own alert subscription":  "yes  yes  yes  yes  yes  yes  yes  yes",
    "POST alerts/channels":           "yes  yes  403  403  403  403  403  403",
    "POST alerts/subscriptions a-rev (read-only token)": "403  403  403  403  403  403  403  403",
    "POST alerts/channels (read-only token)":           "403  403  403  403  403  403  403  403",
}
# fmt: on

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
