"""A top unit with two divisions, people with roles on them, and a real HTTP receiver on
127.0.0.1 for the webhooks."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.contrib.auth.models import User
from django_q.conf import Conf

from fourfold.accounts.access import Access
from fourfold.accounts.models import Role
from fourfold.files.load import load
from fourfold.measures import intake
from fourfold.measures.models import KPI
from fourfold.measures.services import ValueEntry
from fourfold.strategy.models import Unit
from tests.web import cards

TARGETS = (
    "{2026-01: {target: 700, red_flag: 500}, 2026-02: {target: 700, red_flag: 500}, "
    "2026-03: {target: 700, red_flag: 500}, 2026-04: {target: 700, red_flag: 500}}"
)


def _unit(code: str, parent: str | None, kpis: list[str]) -> str:
    text = f"  - code: {code}\n    name: Unit {code.upper()}\n"
    if parent:
        text += f"    parent: {parent}\n"
    text += "    perspectives:\n      - code: fin\n        name: Financial\n"
    text += f"        objectives:\n          - code: {code}-grow\n            name: Grow {code}\n"
    text += "            kpis:\n"
    for k in kpis:
        text += cards.kpi(k, name=f"KPI {k}", targets=TARGETS, values="{2026-01: 650}")
    return text


CARD = (
    cards.HEADER
    + _unit("top", None, ["top-rev"])
    + _unit("a", "top", ["a-rev", "a-cost"])
    + _unit("b", "top", ["b-rev"])
)


@dataclass
class Org:
    root: User
    ed: User  # editor of the top unit
    vic: User  # viewer of division A
    kpis: dict[str, int] = field(default_factory=dict)

    def unit(self, code: str) -> Unit:
        return Unit.objects.get(code=code)


@pytest.fixture
def org(db: None) -> Org:
    load(CARD, actor=None, source_name="alerts.yaml")
    root = User.objects.create_superuser("root", "root@example.com", "x")
    ed = User.objects.create_user("ed", "ed@example.com", "x", first_name="Ed")
    vic = User.objects.create_user("vic", "vic@example.com", "x", first_name="Vic")
    Role.objects.create(user=ed, kind=Role.Kind.EDITOR, unit=Unit.objects.get(code="top"))
    Role.objects.create(user=vic, kind=Role.Kind.VIEWER, unit=Unit.objects.get(code="a"))
    return Org(root, ed, vic, dict(KPI.objects.values_list("code", "pk")))


@pytest.fixture
def enter(
    org: Org, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., None]:
    """Values entered through the intake as a page would, committed: its signal's receivers
    queue their tasks, which the worker runs (here, in this process, as it would there)."""
    monkeypatch.setattr(Conf, "SYNC", True)

    def enter(values: dict[tuple[str, str], float]) -> None:
        entries = [ValueEntry(org.kpis[code], period, v) for (code, period), v in values.items()]
        with django_capture_on_commit_callbacks(execute=True):
            intake.submit_values(
                entries, actor=org.root, access=Access.of(org.root), channel="grid"
            )

    return enter


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float = field(default_factory=time.monotonic)

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """What a webhook's other end got; `answers` are the statuses it gives in turn (then 200),
    `delay` how long it waits before answering."""

    url: str
    got: list[Received] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)
    delay: float = 0.0

    def wait(self, n: int, seconds: float = 5.0) -> list[Received]:
        end = time.monotonic() + seconds
        while len(self.got) < n and time.monotonic() < end:
            time.sleep(0.01)
        return self.got


@pytest.fixture
def receiver() -> Iterator[Callable[[], Receiver]]:
    servers: list[ThreadingHTTPServer] = []

    def start() -> Receiver:
        state = Receiver("")

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if state.delay:
                    time.sleep(state.delay)
                state.got.append(Received(self.path, dict(self.headers.items()), body))
                status = state.answers.pop(0) if state.answers else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        servers.append(server)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        return state

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
