"""Schemathesis against the real server, over every operation of the OpenAPI description (so
a router added later is fuzzed too): 50 examples each, with the tokens of every role taken in
turn by a hook; no server error and every answer as documented. The `validation_mismatch`
warning (no body of the 50 taken by an operation) is printed but does not fail the run: with
the values below, it still comes on one operation of the 70 in most runs, a different one each
time (POST /kpis, POST /schedules, PUT targets: rules between fields that a schema does not
say), and a test that fails by chance is no test (issue 9)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
    ]
)

pytestmark = pytest.mark.slow

# Real codes of the demo, offered often enough that the fuzzer gets past "no such KPI" to the
# rules behind it: KPIs of every frequency, direction and scheme, units high and low, periods.
CONFIG = """
[dictionaries.kpis]
values = ["revenue", "steel-price-index", "free-cash-flow", "otif", "emobility-share", "ppm",
          "vitality-index", "iso-50001", "asm-wip-days", "fin-forecast-bias"]
[dictionaries.units]
values = ["northwind", "manufacturing", "assembly", "finance"]
[dictionaries.periods]
values = ["2026-03", "2026-Q1", "2026", "2026-03-YTD", "2025-12", "2024-Q4"]
[dictionaries.objectives]
values = ["grow-revenue", "delight-customers", "lean-operations", "mfg-zero-defects"]
[dictionaries.people]
values = ["sofia.lindqvist@northwind.example", "marcus.feld@northwind.example",
          "daniel.okafor@northwind.example", "anna.kowalski@northwind.example"]
# A book template of each unit above ("Board pack", made below), timetables and zones that are
# ones, conditions that need no threshold: the values a schedule or a subscription is made of.
[dictionaries.templates]
values = ["Board pack"]
[dictionaries.crons]
values = ["0 7 1 * *", "30 6 * * 1", "0 8 * * 1-5"]
[dictionaries.zones]
values = ["UTC", "Europe/Paris", "America/New_York"]
# People who may read every unit's book (made below), as a schedule's recipients must.
[dictionaries.readers]
values = ["fuzz-viewer@example.com", "fuzz-admin@example.com", "fuzz"]
# Ids of the book templates and of the subscriptions made below.
[dictionaries.ids]
values = [1, 2, 3, 4, 5, 6]
[dictionaries.conditions]
values = ["red", "worse", "overdue", "unlikely", "comment"]
# `{code}` names a unit, an objective, a KPI or an initiative, as the path says.
[dictionaries.codes]
values = ["northwind", "manufacturing", "grow-revenue", "lean-operations", "revenue", "otif",
          "mes-rollout", "lean-assembly", "crm-rollout", "fast-close"]

[parameters]
"path.kpi" = { dictionary = "kpis", probability = 0.6 }
"query.kpi" = { dictionary = "kpis", probability = 0.5 }
"path.unit" = { dictionary = "units", probability = 0.6 }
"query.unit" = { dictionary = "units", probability = 0.5 }
"path.code" = { dictionary = "codes", probability = 0.6 }
"path.period" = { dictionary = "periods", probability = 0.6 }
"query.period" = { dictionary = "periods", probability = 0.5 }
"query.objective" = { dictionary = "objectives", probability = 0.5 }
"body.[*].kpi" = { dictionary = "kpis", probability = 0.6 }
"body.[*].period" = { dictionary = "periods", probability = 0.6 }
"body.unit" = { dictionary = "units", probability = 0.7 }
"body.objective" = { dictionary = "objectives", probability = 0.7 }
"body.owner" = { dictionary = "people", probability = 0.7 }
"body.contributor" = { dictionary = "people", probability = 0.7 }
"body.collaborators.[*]" = { dictionary = "people", probability = 0.8 }
"body.serves.[*]" = { dictionary = "objectives", probability = 0.8 }
"body.moves.[*]" = { dictionary = "kpis", probability = 0.8 }
"body.template" = { dictionary = "templates", probability = 0.8 }
"body.cron" = { dictionary = "crons", probability = 0.8 }
"body.timezone" = { dictionary = "zones", probability = 0.8 }
"body.recipients.[*]" = { dictionary = "readers", probability = 0.9 }
"body.conditions.[*]" = { dictionary = "conditions", probability = 0.8 }
"body.code" = { dictionary = "codes", probability = 0.6 }
"path.pk" = { dictionary = "ids", probability = 0.8 }
"query.as_of" = { dictionary = "moments", probability = 0.7 }
# Books are asked mostly as workbooks and decks (a tenth of a second) and now and then as PDF
# (a second or more each): every format is tried, in a budget the test command can keep.
"query.fmt" = { dictionary = "quick", probability = 0.7 }

# A target is for a period of its KPI's frequency: a monthly KPI's months, most of the time, so
# that the bodies the schema allows reach the rules behind the period.
[dictionaries.monthly]
values = ["revenue"]
[dictionaries.months]
values = ["2026-03", "2025-12", "2026-05", "2024-07"]

# A moment to read as it stood: a date, a time or "now" (any other text names a revision).
[dictionaries.moments]
values = ["2026-06-30", "now", "2026-11-15T12:00:00Z", "2025-12-31"]
[dictionaries.perspectives]
values = ["financial", "customer", "internal", "learning"]
[dictionaries.quick]
values = ["xlsx", "pptx"]
[dictionaries.subjects]
values = ["{organization}: {unit}, {period}", "Board pack {period}"]

[[operations]]
include-path-regex = "/perspectives/[{]unit[}]/[{]code[}]$"
[operations.parameters]
"path.unit" = { dictionary = "units", probability = 0.8 }
"path.code" = { dictionary = "perspectives", probability = 0.8 }

# The templates that schedules are made of stay (other ids are still tried and removed).
[dictionaries.gone]
values = [999999]
[[operations]]
include-path-regex = "/book-templates/[{]pk[}]$"
include-method = "DELETE"
[operations.parameters]
"path.pk" = { dictionary = "gone", probability = 0.8 }

# A KPI followed for conditions that need no threshold, told on the channel made below.
[dictionaries.kinds]
values = ["kpi"]
[dictionaries.channels]
values = [1]
[[operations]]
include-path-regex = "/alerts/subscriptions$"
include-method = "POST"
[operations.parameters]
"body.kind" = { dictionary = "kinds", probability = 0.9 }
"body.code" = { dictionary = "kpis", probability = 0.9 }
"body.conditions.[*]" = { dictionary = "conditions", probability = 0.9 }
"body.channel" = { dictionary = "channels", probability = 0.9 }

# A schedule is made of a template of its unit, a timetable, a zone and readers of the unit:
# each of them offered nearly always, so that some of the 50 bodies are schedules.
[[operations]]
include-path-regex = "/schedules$"
include-method = "POST"
[operations.parameters]
"body.unit" = { dictionary = "units", probability = 0.9 }
"body.template" = { dictionary = "templates", probability = 0.95 }
"body.cron" = { dictionary = "crons", probability = 0.95 }
"body.timezone" = { dictionary = "zones", probability = 0.95 }
"body.recipients.[*]" = { dictionary = "readers", probability = 0.95 }
"body.subject" = { dictionary = "subjects", probability = 0.8 }
"body.format" = { dictionary = "quick", probability = 0.7 }

[[operations]]
include-path-regex = "/targets/[{]kpi[}]/[{]period[}]$"
include-method = "PUT"
[operations.parameters]
"path.kpi" = { dictionary = "monthly", probability = 0.9 }
"path.period" = { dictionary = "months", probability = 0.9 }
"""

# A token of each role, taken in turn for each request (the first, a superuser's read-write
# token, is the one given on the command line for the schema's own requests).
HOOKS = """
import ast, itertools, os, threading
import schemathesis

TOKENS = itertools.cycle(os.environ["FUZZ_TOKENS"].split())

# CPython 3.11.7's ast.parse fails now and then under threads ("AST constructor recursion depth
# mismatch", fixed in 3.11.8); hypothesis parses its filters' lambdas with it. One at a time.
_parse, _lock = ast.parse, threading.Lock()


def _parse_alone(*args, **kwargs):
    with _lock:
        return _parse(*args, **kwargs)


ast.parse = _parse_alone


@schemathesis.hook
def before_call(context, case, kwargs):
    case.headers = {**(case.headers or {}), "Authorization": "Bearer " + next(TOKENS)}
"""

# Who the tokens belong to: (username, role, unit, scope); None for a superuser.
PEOPLE = [
    ("fuzz-editor", "editor", "manufacturing", "write"),
    ("fuzz-contributor", "contributor", "assembly", "write"),
    ("fuzz-viewer", "viewer", "northwind", "read"),
    ("fuzz-admin", "admin", None, "write"),
    ("fuzz-reader", "editor", "finance", "read"),
]
ISSUE = """
from django.contrib.auth.models import User
from fourfold.accounts.models import Role
from fourfold.api.models import ApiToken
from fourfold.strategy.models import Unit
for name, kind, unit, scope in {people!r}:
    user = User.objects.create_user(name, email=name + "@example.com")
    Role.objects.create(user=user, kind=kind, unit=Unit.objects.filter(code=unit).first())
    print(ApiToken.issue(user, "fuzzing", scope)[1])
from fourfold.accounts.access import Access
from fourfold.alerts import services as alerts
from fourfold.reports.models import BookTemplate
for unit in Unit.objects.filter(code__in=["northwind", "manufacturing", "assembly", "finance"]):
    BookTemplate.objects.create(name="Board pack", unit=unit)
# A channel of the top unit (id 1), which its editors and administrators may send alerts to.
root = User.objects.get(username="fuzz")
alerts.make_channel(root, Access.of(root), Unit.objects.get(code="northwind"), name="Ops",
                    kind="webhook", url="http://127.0.0.1:9/hook")
# Each person follows their first unit: what they may change or stop following (ids 1 to 6).
for user in User.objects.filter(username__startswith="fuzz").order_by("pk"):
    access = Access.of(user)
    unit = access.units().order_by("pk")[0]
    alerts.follow(user, access, alerts.subject(access, "unit", unit.code))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(
    url: str, server: subprocess.Popen[bytes], log: Path, seconds: float = 60
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the server stopped: {log.read_text()!r}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise AssertionError(f"the server did not answer {url} within {seconds} s")


def test_schemathesis_finds_no_server_error_and_no_undocumented_answer(
    database_url: str, tmp_path: Path
) -> None:
    env = dict(
        os.environ,
        FOURFOLD_DATABASE_URL=database_url,
        FOURFOLD_HOME=str(tmp_path),
        DJANGO_SETTINGS_MODULE="fourfold.settings",
        DJANGO_SUPERUSER_PASSWORD="fuzz-fuzz-fuzz",
    )
    env.pop("FOURFOLD_DEBUG", None)

    def run(*args: str) -> str:
        done = subprocess.run(
            args, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    run(str(BIN / "fourfold"), "load", str(ROOT / "fourfold" / "demo" / "northwind.yaml"))
    django = (sys.executable, "-m", "django")
    run(*django, "createsuperuser", "--noinput", "--username", "fuzz", "--email", "f@example.com")
    secret = run(*django, "api_token", "fuzz", "--name", "fuzzing", "--scope", "write").strip()
    issued = run(*django, "shell", "--no-imports", "-c", ISSUE.format(people=PEOPLE))
    others = [line for line in issued.split() if line.startswith(secret.split("_")[0] + "_")]
    assert len(others) == len(PEOPLE)
    (tmp_path / "fuzz_hooks.py").write_text(HOOKS)
    env.update(
        FUZZ_TOKENS=" ".join([secret, *others]),
        SCHEMATHESIS_HOOKS="fuzz_hooks",
        PYTHONPATH=str(tmp_path),
    )

    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # The server's log goes to a file: a pipe that nobody reads fills up with the warnings of
    # the refused requests, and then the thread that logs blocks every other one.
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(BIN / "fourfold"), "serve", "--port", str(port)],
            env=env,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_up(f"{base}/api/v1/openapi.json", server, log)
        with urllib.request.urlopen(f"{base}/api/v1/openapi.json") as answer:
            paths = json.load(answer)["paths"]
        operations = sum(len(methods) for methods in paths.values())
        fuzz = subprocess.run(
            [
                str(BIN / "schemathesis"),
                "--config-file",
                str(config),
                "run",
                f"{base}/api/v1/openapi.json",
                "--url",
                base,
                "-H",
                f"Authorization: Bearer {secret}",
                "--checks",
                CHECKS,
                "--phases",
                "examples,fuzzing",
                "--max-examples",
                "50",
                "--generation-database",
                "none",
                # Two workers keep the server busy while the other generates (see HOOKS).
                "--workers",
                "2",
                "--request-timeout",
                "60",
                # A slow answer fails with its request named, rather than the run timing out.
                "--max-response-time",
                "20",
                "--no-color",
                "--report",
                "junit",
                "--report-junit-path",
                str(tmp_path / "schemathesis.xml"),
            ],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    (tmp_path / "schemathesis.txt").write_text(fuzz.stdout + fuzz.stderr)
    assert fuzz.returncode == 0, digest(fuzz.stdout + fuzz.stderr)
    assert f"Tested: {operations}" in fuzz.stdout, digest(fuzz.stdout)


def digest(output: str) -> str:
    """The failures, errors and summary of a run, without the megabytes of request bodies."""
    keep = [line[:400] for line in output.splitlines()]
    start = next((i for i, line in enumerate(keep) if "FAILURES" in line or "ERRORS" in line), 0)
    return "\n".join(keep[start:])[-12000:]
