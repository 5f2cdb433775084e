"""Schemathesis against the real server, over every operation of the OpenAPI description (so
a router added later is fuzzed too): 50 examples each, with the tokens of every role taken in
turn by a hook; no server error, every answer as documented, and no operation whose every
valid request was refused (the `validation_mismatch` warning fails the run): fuzz.toml gives
each operation the codes, ids and values it needs. Its blocks of `[[operations]]` choose by
path regex and exclude the other methods: schemathesis takes the operations that match any one
`include-*` key of a block, so `include-method` would give that block to every operation of
the method (issue 9)."""

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

# What the fuzzer is given (real codes of the demo, what a schedule or a subscription is made
# of, per-operation values): fuzz.toml beside this file.
CONFIG = (Path(__file__).parent / "fuzz.toml").read_text()

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
# Reviews of the top unit and of Manufacturing (ids 1 to 6; fuzz.toml records decisions in the
# first three and closes the others), and commentary of two KPIs to read (fuzz.toml).
import datetime as dt
from fourfold.measures.models import KPI
from fourfold.reviews import meetings, services as reviews
for code in ["northwind", "manufacturing", "northwind", "northwind", "manufacturing", "northwind"]:
    meetings.plan_review(root, Unit.objects.get(code=code), "2026-03", held_on=dt.date(2026, 4, 8))
for code in ["revenue", "otif"]:
    reviews.write_commentary(root, KPI.objects.get(code=code), "2026-03", analysis="On track.")
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
