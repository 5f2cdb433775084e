"""Fourfold under load on a real server: 50 simulated users for 2 minutes against the demo on
PostgreSQL, four fifths reading (Home, scorecards, KPI pages, API reads) and one fifth writing
(the entry grid, the bulk API). It prints p50, p95 and max per kind of request, the errors, and
the lost updates: every write the server accepted must be a version in the history afterwards.

    python -m benchmarks.load                       fourfold serve, as shipped
    python -m benchmarks.load --server waitress     or gunicorn / granian, to compare
    python -m benchmarks.load --users 50 --seconds 120 --processes 3
    python -m benchmarks.load --database postgres://… --port 8301   a server and port given

Without --database it starts a PostgreSQL server of its own, as scripts/test.sh does (as root).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import os
import random
import re
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .load_machine import (
    Cpu,
    Postgres,
    free_port,
    postgres,
    server_command,
    serving,
    where_cpu_went,
)

PASSWORD = "load-test-password"
PAGE_GOAL_MS = 300.0
PAGES = ("home", "scorecards", "scorecard", "kpi page", "entry grid", "entry grid save")


@dataclass
class Target:
    """A value the writers change: a monthly KPI's latest month."""

    kpi_id: int
    code: str
    unit: str
    period: str
    value: float


@dataclass
class Plan:
    units: list[str]
    kpis: list[tuple[str, str]]  # (unit, code) of KPIs to read
    month: str
    targets: list[Target]
    readers: list[tuple[str, str]]  # (username, API token)
    writers: list[tuple[str, str]]


@dataclass
class Tally:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    accepted_writes: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, ms: float, error: str | None = None, accepted: int = 0) -> None:
        with self.lock:
            self.times[kind].append(ms)
            if error:
                self.errors[kind].append(error)
            self.accepted_writes += accepted


# --- the data ---------------------------------------------------------------------------------


def prepare(users: int, writers: int) -> Plan:
    """The demo made up for today, and the simulated users with their tokens."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from fourfold.accounts.models import Role
    from fourfold.api.models import ApiToken
    from fourfold.demo import install
    from fourfold.intake.models import ApprovalRule
    from fourfold.measures.models import KPI, Measurement
    from fourfold.strategy.models import Unit

    today = timezone.localdate()
    install.install(today)
    month = (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    password = make_password(PASSWORD)
    user_model = get_user_model()
    people: list[tuple[str, str]] = []
    for i in range(users):
        writer = i >= users - writers
        name = f"load-{'writer' if writer else 'reader'}-{i}"
        user = user_model.objects.create(
            username=name, email=f"{name}@load.example", password=password
        )
        kind = Role.Kind.EDITOR if writer else Role.Kind.VIEWER
        Role.objects.create(user=user, kind=kind, unit=None)
        people.append((name, ApiToken.issue(user, "load", "write" if writer else "read")[1]))
    held = set(ApprovalRule.objects.values_list("kpi_id", flat=True))
    kpis = KPI.objects.filter(archived=False).select_related(
        "objective__perspective__scorecard__unit", "scheme"
    )
    values = {m.kpi_id: m.value for m in Measurement.objects.filter(period=month, kpi__in=kpis)}
    targets = [
        Target(k.pk, k.code, k.objective.perspective.scorecard.unit.code, month, values[k.pk])
        for k in kpis
        if k.frequency == "monthly" and not k.formula and k.pk in values and k.pk not in held
        and k.scheme.type != "yes_no"
    ]  # fmt: skip
    return Plan(
        units=list(Unit.objects.values_list("code", flat=True)),
        kpis=[(k.objective.perspective.scorecard.unit.code, k.code) for k in kpis],
        month=month,
        targets=targets,
        readers=people[: users - writers],
        writers=people[users - writers :],
    )


def versions_since(start: dt.datetime, targets: list[Target]) -> int:
    """Versions of the written values entered since the start: the current one and those kept."""
    from fourfold.measures.models import Measurement, MeasurementVersion

    ids = {t.kpi_id for t in targets}
    months = {t.period for t in targets}
    rows = {"kpi_id__in": ids, "period__in": months, "entered_at__gte": start}
    return (
        Measurement.objects.filter(**rows).count()
        + MeasurementVersion.objects.filter(**rows).count()
    )


# --- a simulated user -------------------------------------------------------------------------


class Browser:
    """One person's connection, kept alive, with their cookies."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def send(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, str, dict[str, str]]:
        sent = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=sent)
                answer = self.conn.getresponse()
                text = answer.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A kept-alive connection that the server closed: open another, once.
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
        for name, value in answer.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";")[0]
        return answer.status, text, {k.lower(): v for k, v in answer.getheaders()}

    def form(self, path: str, fields: dict[str, str], htmx: bool = False) -> tuple[int, str]:
        fields = {**fields, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://127.0.0.1:{self.port}{path}",
            "Origin": f"http://127.0.0.1:{self.port}",
            **({"HX-Request": "true"} if htmx else {}),
        }
        status, text, _ = self.send("POST", path, urllib.parse.urlencode(fields).encode(), headers)
        return status, text

    def sign_in(self, username: str) -> None:
        self.send("GET", "/accounts/login/")
        status, _ = self.form("/accounts/login/", {"username": username, "password": PASSWORD})
        if status != 302:
            raise SystemExit(f"{username} could not sign in: {status}")


Action = Callable[[Browser, str, random.Random], None]
COUNTER = iter(range(1, 10**9))
COUNTER_LOCK = threading.Lock()


def unique() -> int:
    with COUNTER_LOCK:
        return next(COUNTER)


@contextlib.contextmanager
def timed(kind: str) -> Iterator[dict[str, Any]]:
    """Time one request; the block says its error (None: fine) and the writes accepted."""
    outcome: dict[str, Any] = {"error": None, "accepted": 0}
    start = time.perf_counter()
    try:
        yield outcome
    except (OSError, http.client.HTTPException) as exc:
        outcome["error"] = f"{type(exc).__name__}: {exc}"
    TALLY.add(kind, (time.perf_counter() - start) * 1000, outcome["error"], outcome["accepted"])


def reader_actions(plan: Plan) -> list[tuple[float, Action]]:
    def page(kind: str, path: Callable[[random.Random], str]) -> Action:
        def act(b: Browser, token: str, r: random.Random) -> None:
            where = path(r)
            with timed(kind) as out:
                status, _, _ = b.send("GET", where)
                out["error"] = None if status == 200 else f"{status} {where}"

        return act

    def api(b: Browser, token: str, r: random.Random) -> None:
        unit, code = r.choice(plan.kpis)
        path = r.choice(
            [
                f"/api/v1/scores?unit={unit}&period={plan.month}",
                f"/api/v1/measurements?kpi={code}",
                f"/api/v1/kpis/{code}",
                "/api/v1/units",
            ]
        )
        with timed("api read") as out:
            status, _, _ = b.send("GET", path, headers={"Authorization": f"Bearer {token}"})
            out["error"] = None if status == 200 else f"{status} {path}"

    m = plan.month
    return [
        (0.25, page("home", lambda r: "/")),
        (0.15, page("scorecards", lambda r: "/scorecards/")),
        (0.25, page("scorecard", lambda r: f"/units/{r.choice(plan.units)}/?period={m}")),
        (0.20, page("kpi page", lambda r: "/units/{}/kpis/{}/".format(*r.choice(plan.kpis)))),
        (0.15, api),
    ]


def writer_actions(plan: Plan) -> list[tuple[float, Action]]:
    def grid(b: Browser, token: str, r: random.Random) -> None:
        target = r.choice(plan.targets)
        path = f"/units/{target.unit}/entry/?period={target.period}"
        text = ""
        with timed("entry grid") as out:
            status, text, _ = b.send("GET", path)
            out["error"] = None if status == 200 else f"{status} {path}"
            if f'name="value_{target.kpi_id}"' not in text:
                out["error"] = f"no field for {target.code} in {path}"
        if out["error"]:
            return
        value = round(target.value * 1.001 + unique() / 1000, 3)
        fields = {f"value_{target.kpi_id}": f"{value}", f"confirm_{target.kpi_id}": "on"}
        with timed("entry grid save") as out:
            status, text = b.form(path, fields, htmx=True)
            if status != 200 or "Saved 1 value" not in text:
                notice = re.search(r"(Nothing[^<]*|Saved[^<]*)", text)
                out["error"] = f"{status} {notice.group(1) if notice else text[:200]}"
            else:
                out["accepted"] = 1

    def bulk(b: Browser, token: str, r: random.Random) -> None:
        chosen = r.sample(plan.targets, 5)
        items = [
            {
                "kpi": t.code,
                "period": t.period,
                "actual": round(t.value * 1.001 + unique() / 1000, 3),
            }
            for t in chosen
        ]
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        body = json.dumps(items).encode()
        with timed("bulk api") as out:
            status, text, _ = b.send("POST", "/api/v1/measurements/bulk", body, headers)
            if status != 200:
                out["error"] = f"{status} {text[:200]}"
            else:
                counts = json.loads(text)
                out["accepted"] = counts["created"] + counts["changed"]
                if out["accepted"] != len(items):
                    out["error"] = f"{counts}"

    return [(0.5, grid), (0.5, bulk)]


TALLY = Tally()


def simulate(
    port: int, who: tuple[str, str], actions: list[tuple[float, Action]],
    clock: dict[str, float], think: tuple[float, float], seed: int, ready: threading.Barrier,
) -> None:  # fmt: skip
    r = random.Random(seed)
    b = Browser(port)
    b.sign_in(who[0])
    ready.wait()
    weights = [w for w, _ in actions]
    time.sleep(r.uniform(*think))  # the users do not all start at once
    while time.monotonic() < clock["until"]:
        (act,) = r.choices([a for _, a in actions], weights)
        act(b, who[1], r)
        time.sleep(r.uniform(*think))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def report(args: argparse.Namespace, lost: int, versions: int, elapsed: float) -> bool:
    print(
        f"\n{args.users} users ({args.users - args.writers} reading, {args.writers} writing), "
        f"{args.seconds:.0f} s, think time {args.think[0]:g}-{args.think[1]:g} s, server "
        f"{args.server} ({args.processes} processes x {args.threads} threads), PostgreSQL"
    )
    print(f"{'request':<18}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'errors':>8}")
    worst_page = 0.0
    for kind in sorted(TALLY.times, key=lambda k: (k not in PAGES, k)):
        times = TALLY.times[kind]
        p95 = percentile(times, 95)
        if kind in PAGES:
            worst_page = max(worst_page, p95)
        print(
            f"{kind:<18}{len(times):>7}{percentile(times, 50):>9.0f}{p95:>9.0f}"
            f"{max(times):>9.0f}{len(TALLY.errors[kind]):>8}"
        )
    requests = sum(len(t) for t in TALLY.times.values())
    errors = sum(len(e) for e in TALLY.errors.values())
    print(f"throughput: {requests / elapsed:.1f} requests/s")
    for kind, found in TALLY.errors.items():
        for text in found[:3]:
            print(f"  error, {kind}: {text}")
    ok_pages = worst_page <= PAGE_GOAL_MS
    print(f"pages p95 (worst kind): {worst_page:.0f} ms   goal <= {PAGE_GOAL_MS:.0f} ms   "
          f"{'met' if ok_pages else 'NOT MET'}")  # fmt: skip
    print(f"errors: {errors}   goal 0   {'met' if errors == 0 else 'NOT MET'}")
    print(
        f"accepted writes: {TALLY.accepted_writes}, versions in the history: {versions}, lost "
        f"updates: {lost}   goal 0   {'met' if lost == 0 else 'NOT MET'}"
    )
    return ok_pages and errors == 0 and lost == 0


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--server", default="fourfold", help="fourfold | waitress | gunicorn | granian"
    )
    parser.add_argument("--processes", type=int, default=3, help="application processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per process")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--writers", type=int, default=None, help="default: a fifth of the users")
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--think", type=float, nargs=2, default=(1.0, 3.0), metavar=("MIN", "MAX"),
                        help="seconds a user waits between two requests")  # fmt: skip
    parser.add_argument("--database", help="a postgres:// URL; default: a server of its own")
    parser.add_argument(
        "--port", type=int, default=None, help="the application server's port; default: a free one"
    )
    parser.add_argument(
        "--postgres-port", type=int, default=None,
        help="the port of the PostgreSQL server it starts; default: a free one",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.writers is None:
        args.writers = args.users // 5
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    with contextlib.ExitStack() as stack:
        database = (
            Postgres(args.database, None)
            if args.database
            else stack.enter_context(postgres(args.postgres_port))
        )
        url = database.url
        home = stack.enter_context(tempfile.TemporaryDirectory())
        env = dict(os.environ, FOURFOLD_DATABASE_URL=url, FOURFOLD_HOME=home)
        env.pop("FOURFOLD_DEBUG", None)
        os.environ.update(FOURFOLD_DATABASE_URL=url, FOURFOLD_HOME=home)
        from fourfold.cli import setup

        setup()
        print("loading the demo and the users …", flush=True)
        plan = prepare(args.users, args.writers)
        port = args.port or free_port()
        command = server_command(args.server, port, args.processes, args.threads)
        server = stack.enter_context(serving(command, env, port))
        from django.db import connections
        from django.utils import timezone

        connections.close_all()
        people = [(who, reader_actions(plan)) for who in plan.readers]
        people += [(who, writer_actions(plan)) for who in plan.writers]
        clock: dict[str, float] = {}
        moment: list[dt.datetime] = []
        cpu: list[Cpu] = []
        load_at_start: list[float] = []

        def go() -> None:
            # The clock starts once every user has signed in (the barrier lets them all go).
            moment.append(timezone.now())
            load_at_start.append(os.getloadavg()[0])
            cpu.append(Cpu.now(server.pid, database.pid()))
            clock["begun"] = time.monotonic()
            clock["until"] = clock["begun"] + args.seconds

        ready = threading.Barrier(args.users + 1, action=go)
        threads = [
            threading.Thread(
                target=simulate,
                args=(port, who, actions, clock, tuple(args.think), i, ready),
                daemon=True,
            )
            for i, (who, actions) in enumerate(people)
        ]
        for thread in threads:
            thread.start()
        print(f"{len(people)} users signing in, then {args.seconds:.0f} s of load …", flush=True)
        ready.wait()
        for thread in threads:
            thread.join(timeout=args.seconds + 120)
        elapsed = time.monotonic() - clock["begun"]
        used = Cpu.now(server.pid, database.pid()) - cpu[0]
        versions = versions_since(moment[0], plan.targets)
        lost = max(0, TALLY.accepted_writes - versions)
    ok = report(args, lost, versions, elapsed)
    requests = sum(len(t) for t in TALLY.times.values())
    where_cpu_went(
        used, elapsed, load_at_start[0], requests, own_database=database.folder is not None
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
