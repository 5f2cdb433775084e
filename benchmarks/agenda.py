"""The agenda of a review of the benchmark organization's top unit, each figure beside its goal.

    .venv/bin/python -m benchmarks.agenda [--units 1000 --kpis 20000 --years 5]
    .venv/bin/python -m benchmarks.agenda --keep DIR   # reuse DIR's database next time

It makes the synthetic organization of `benchmarks.run` (a scorecard file and a values CSV),
loads and imports them with the real command line into a fresh SQLite database (or reuses the
one --keep left), gives the top unit twenty open action items, then times in this process
the agenda of a review of the top unit for the last month that has ended
(`fourfold.reviews.agenda.build`, what planning a review and `fourfold agenda` run), once
the process has imported its URL patterns as a server has: first with the organization's
scores already computed (a page or the worker scored since the last
change: the usual case; goal at most 1 s), then again after one value changed (the scores
brought up to date incrementally), and last from nothing kept at all (the scores of the whole
organization computed first). Wall and CPU time are printed: the machine may be shared.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .forecast_speed import build
from .run import DEFAULT, setup_django

GOAL_S = 1.0
ACTIONS = 20


def _timed(work: Callable[[], Any]) -> tuple[Any, float, float]:
    started, cpu = time.perf_counter(), time.process_time()
    done = work()
    return done, time.perf_counter() - started, time.process_time() - cpu


def figure(label: str, wall: float, cpu: float, goal: float | None) -> bool:
    verdict = "" if goal is None else f"goal ≤ {goal:.0f} s  {'met' if wall <= goal else 'MISSED'}"
    print(f"  {label:<58} {wall:6.2f} s  (CPU {cpu:5.2f} s)  {verdict}")
    return goal is None or wall <= goal


def measure() -> bool:
    setup_django()
    from django.contrib.auth.models import User
    from django.core.cache import caches
    from django.urls import get_resolver
    from django.utils import timezone

    from fourfold.accounts.access import Access
    from fourfold.core import periods
    from fourfold.measures import intake
    from fourfold.measures.models import KPI
    from fourfold.measures.services import ValueEntry
    from fourfold.reviews import agenda, services
    from fourfold.reviews.models import ActionItem
    from fourfold.scoring import cache
    from fourfold.strategy.models import Unit

    today = timezone.localdate()
    period = periods.month_key(periods.month_ordinal(f"{today:%Y-%m}") - 1)
    top = Unit.objects.filter(parent=None).order_by("pk").first()
    assert top is not None, "the benchmark organization has no top unit"
    root = User.objects.filter(username="bench-root").first() or User.objects.create_superuser(
        "bench-root", "root@bench.example", "x"
    )
    kpi = KPI.objects.filter(objective__perspective__scorecard__unit=top).order_by("pk").first()
    have = ActionItem.objects.filter(unit=top, status=ActionItem.Status.OPEN).count()
    for i in range(have, ACTIONS):
        services.create_action(
            root,
            top,
            title=f"Benchmark action {i + 1}",
            owner=root,
            due_date=today + dt.timedelta(days=i - ACTIONS // 2),
            kpi=kpi,
        )
    print(
        f"the agenda of {top.code} for {period} (today {today}), "
        f"{KPI.objects.count():,} KPIs, {ACTIONS} open actions, {os.cpu_count()} CPUs"
    )
    # The agenda links each item to its page: the first `reverse` of a process imports every
    # URL pattern (the API's schemas too), which a running server has done long before.
    _, wall, cpu = _timed(lambda: get_resolver().url_patterns)
    figure("the URL patterns, imported once per process", wall, cpu, None)
    _, wall, cpu = _timed(lambda: cache.scores(unit=top.code, today=today))
    figure("the organization's scores, computed once (kept)", wall, cpu, None)
    built, wall, cpu = _timed(lambda: agenda.build(top, period, today=today))
    ok = figure("agenda of the top unit, scores kept", wall, cpu, GOAL_S)
    reasons: dict[str, int] = {}
    for item in built.items:
        reasons[item.reason] = reasons.get(item.reason, 0) + 1
    print(f"      → {len(built.items)} items, {built.minutes} min: {reasons}")
    _, wall, cpu = _timed(lambda: agenda.build(top, period, today=today))
    ok &= figure("the same again", wall, cpu, GOAL_S)
    assert kpi is not None
    intake.submit_values(
        [ValueEntry(kpi.pk, period, float(int(time.time()) % 997))],  # a change each run
        actor=root,
        access=Access.of(root),
        channel="grid",
    )
    _, wall, cpu = _timed(lambda: agenda.build(top, period, today=today))
    ok &= figure("after one value changed (scores brought up to date)", wall, cpu, GOAL_S)
    year = periods.year_of(period, 1)
    yearly, wall, cpu = _timed(lambda: agenda.build(top, year, today=today))
    ok &= figure(f"agenda of the top unit for the year {year}, scores kept", wall, cpu, GOAL_S)
    print(f"      → {len(yearly.items)} items, {yearly.minutes} min")
    for kept in caches.all(initialized_only=True):
        kept.clear()
    _, wall, cpu = _timed(lambda: agenda.build(top, period, today=today))
    figure("with nothing kept (the whole organization scored first)", wall, cpu, None)
    print(f"    load average {os.getloadavg()[0]:.1f}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=DEFAULT["units"])
    parser.add_argument("--kpis", type=int, default=DEFAULT["kpis"])
    parser.add_argument("--years", type=int, default=DEFAULT["years"])
    parser.add_argument("--keep", type=Path, metavar="DIR", help="work in DIR and keep it")
    args = parser.parse_args(argv)
    folder = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="ff-agenda-"))
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "bench.sqlite3"
    os.environ["FOURFOLD_DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["FOURFOLD_HOME"] = str(folder)
    try:
        if not database.exists():
            build(folder, args.units, args.kpis, args.years)
        return 0 if measure() else 1
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
