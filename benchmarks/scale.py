"""Scores at scale (issue 15, part 2): each figure beside its goal, wall time and CPU time.

Called by benchmarks.run on the benchmark's database; also on its own, on a database kept
by `benchmarks.run --keep DIR` (migrated first; it writes values into it, so run it on a
copy), or on a PostgreSQL database into which the same files were loaded and imported
(`fourfold load DIR/scorecard.yaml`, `fourfold import DIR/values.csv`, then targets.csv):

    .venv/bin/python -m benchmarks.scale DIR/copy.sqlite3
    .venv/bin/python -m benchmarks.scale --postgres postgres://USER:PASSWORD@HOST:PORT/DB

The machine may be shared: CPU time (time.process_time) is given beside wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

GOAL_COMPUTE_S = 1.5
GOAL_PAGE_P95_MS = 100.0
GOAL_ONE_VALUE_MS = 150.0
GOAL_IMPORT_10000_S = 1.0
IMPORT_VALUES = 10_000
RUNS = 3
PAGE_RUNS = 10


def _timed(work: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall and CPU seconds of one call, and what it returned."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = work()
    return time.perf_counter() - wall, time.process_time() - cpu, out


def _line(report: Any, label: str, wall: float, cpu: float, goal: float, unit: str) -> None:
    from .run import _verdict

    scale = 1000 if unit == "ms" else 1
    report.add(
        f"  {label:<50} {wall * scale:8.2f} {unit:<2} (CPU {cpu * scale:.2f} {unit})  "
        f"{_verdict(min(wall, cpu) * scale, goal, unit)}"
    )


def forget_file() -> None:
    """Remove the file of rows (fourfold/scoring/stored.py): what follows reads every row."""
    from fourfold.scoring import stored

    where = stored.path()
    if where is not None:
        where.unlink(missing_ok=True)


# A new process: Django set up, then one engine.compute() of the whole organization timed,
# after one value entered when a KPI id and a month are given.
IN_A_PROCESS = """
import json, sys, time
from benchmarks.run import setup_django
setup_django()
from fourfold.scoring import engine
if len(sys.argv) > 2:
    from fourfold.measures.services import ValueEntry, record_values
    record_values([ValueEntry(int(sys.argv[1]), sys.argv[2], 4321.0)], actor=None, source="manual")
wall, cpu = time.perf_counter(), time.process_time()
engine.compute()
print(json.dumps([time.perf_counter() - wall, time.process_time() - cpu]))
"""


def _in_a_process(*args: str) -> tuple[float, float]:
    done = subprocess.run(
        [sys.executable, "-c", IN_A_PROCESS, *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    wall, cpu = json.loads(done.stdout.strip().splitlines()[-1])
    return float(wall), float(cpu)


def time_compute(report: Any, backend: str, month: str) -> None:
    """engine.compute() of the whole organization: the first computation of new processes,
    without the file of rows (nothing kept: every row read; it writes the file), from it, and
    from it with one value entered since; then in this process, nothing kept and no file,
    and best and median of RUNS with the rows kept (fourfold/scoring/kept.py), scores never
    cached."""
    from django.core.cache import caches

    from fourfold.scoring import cache, engine

    forget_file()
    cold = _in_a_process()
    _line(
        report, f"engine.compute() on {backend}, a new process, no file", *cold, GOAL_COMPUTE_S, "s"
    )
    filed = sorted((_in_a_process() for _ in range(RUNS)), key=lambda r: r[1])
    _line(
        report,
        f"  a new process, from the file (median of {RUNS})",
        *filed[RUNS // 2],
        GOAL_COMPUTE_S,
        "s",
    )
    kpi = str(_monthly_kpis(1, month)[0])
    behind = sorted((_in_a_process(kpi, month) for _ in range(RUNS)), key=lambda r: r[1])
    _line(
        report,
        "  the same, a value entered since (median)",
        *behind[RUNS // 2],
        GOAL_COMPUTE_S,
        "s",
    )
    caches[cache.ALIAS].clear()
    forget_file()
    first = _timed(engine.compute)[:2]
    _line(report, "  in this process, nothing kept, no file", *first, GOAL_COMPUTE_S, "s")
    runs = [_timed(engine.compute)[:2] for _ in range(RUNS)]
    best = min(runs, key=lambda r: r[1])
    median = sorted(runs, key=lambda r: r[1])[len(runs) // 2]
    _line(report, f"  the rows kept, best of {RUNS}", *best, GOAL_COMPUTE_S, "s")
    _line(report, "  the rows kept, median", *median, GOAL_COMPUTE_S, "s")


def _monthly_kpis(n: int, month: str) -> list[int]:
    from fourfold.measures.models import KPI

    return list(
        KPI.objects.filter(frequency="monthly", formula="", archived=False)
        .order_by("?")
        .values_list("pk", flat=True)[:n]
    )


def time_incremental(report: Any, client: Any, top: str, month: str) -> None:
    """The top unit's page and its scores after one value, then after 10,000, entered anywhere."""
    from django.core.cache import caches

    from fourfold.measures.services import ValueEntry, record_values
    from fourfold.scoring import cache, engine

    caches[cache.ALIAS].clear()
    url = f"/units/{top}/?period={month}"
    client.get(url)  # the scores kept, as after any earlier request
    ones, pages = [], []
    for i, kpi in enumerate(_monthly_kpis(PAGE_RUNS, month)):
        record_values([ValueEntry(kpi, month, 1000.0 + i)], actor=None, source="manual")
        ones.append(_timed(lambda: cache.scores(unit=top))[:2])
        kpi2 = _monthly_kpis(1, month)[0]
        record_values([ValueEntry(kpi2, month, 2000.0 + i)], actor=None, source="manual")
        pages.append(_timed(lambda: client.get(url))[:2])
    wall = statistics.median(w for w, _ in ones)
    cpu = statistics.median(c for _, c in ones)
    _line(
        report,
        "scores of the top unit after one value (median)",
        wall,
        cpu,
        GOAL_ONE_VALUE_MS,
        "ms",
    )
    ordered = sorted(pages)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    _line(report, f"GET {url} after one value (p95 of {len(pages)})", *p95, GOAL_ONE_VALUE_MS, "ms")
    entries = [ValueEntry(k, month, 3.0) for k in _monthly_kpis(IMPORT_VALUES, month)]
    if len(entries) < IMPORT_VALUES:  # fewer monthly KPIs: two months each
        entries += [ValueEntry(e.kpi_id, "2000-01", 3.0) for e in entries]
    record_values(entries[:IMPORT_VALUES], actor=None, source="file")
    wall, cpu, updated = _timed(lambda: cache.scores(unit=top))
    _line(
        report,
        f"scores after {IMPORT_VALUES:,} values imported",
        wall,
        cpu,
        GOAL_IMPORT_10000_S,
        "s",
    )
    wall, cpu, _ = _timed(lambda: client.get(url))
    _line(report, f"GET {url} after them", wall, cpu, GOAL_IMPORT_10000_S, "s")
    # Exactly what a computation from nothing gives.
    fresh = engine.compute()
    same = all(
        _same(getattr(updated.result.views[v], f), getattr(fresh.result.views[v], f))
        for v in fresh.result.views
        for f in ("score", "status", "actual", "target", "expected", "reported", "overdue")
    )
    report.add(f"      → equal to engine.compute() from nothing: {'yes' if same else 'NO'}")
    if not same:
        report.failed = True


def _same(a: Any, b: Any) -> bool:
    import numpy as np

    return bool(np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))


def cache_size(report: Any) -> None:
    from django.core.cache import caches

    from fourfold.scoring import cache

    kept: Any = caches[cache.ALIAS]
    bound = kept.max_bytes / cache.MB
    used = kept.used_bytes() / cache.MB
    report.add(
        f"  {'scores cache in use (the top unit: the whole organization)':<50} {used:8.0f} MB"
        f"  (bound: FOURFOLD_SCORES_CACHE_MB={bound:.0f})"
    )
    if kept.used_bytes() > kept.max_bytes:
        report.add("      ← over the bound")
        report.failed = True


def time_scores_leaf(report: Any, command: list[str], leaf: str) -> None:
    """`fourfold scores --unit LEAF` as a whole process: wall time and peak memory."""
    start = time.perf_counter()
    done = subprocess.run(
        [*command, "scores", "--unit", leaf, "--json"], capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    label = f"fourfold scores --unit {leaf} (a process)"
    if done.returncode != 0:
        report.add(f"  {label:<50} FAILED: {done.stderr.strip()[:300]}")
        report.failed = True
        return
    report.timing(label, seconds)
    rows = len(done.stdout.splitlines())
    report.add(f"      → {rows} rows; peak memory (children of the benchmark) {peak:,.0f} MB")


def leaf_unit() -> str:
    from fourfold.strategy.models import Unit

    parents = set(Unit.objects.exclude(parent=None).values_list("parent_id", flat=True))
    return str(
        Unit.objects.exclude(pk__in=parents).order_by("-pk").values_list("code", flat=True)[0]
    )


def figures(report: Any, backend: str, month: str | None = None) -> None:
    """Every figure of part 2 on the database Django is set up with (it writes values)."""
    from fourfold.strategy.models import Unit

    from .pages import page_client
    from .run import fourfold_command

    top = str(Unit.objects.filter(parent=None).order_by("pk").values_list("code", flat=True)[0])
    time_compute(report, backend, month or _last_month())
    time_incremental(report, page_client(), top, month or _last_month())
    cache_size(report)
    time_scores_leaf(report, fourfold_command(), leaf_unit())


def _last_month() -> str:
    """The month before this one: the last the benchmark's organization has values for."""
    from fourfold.core import periods

    return periods.month_key(periods.month_ordinal(time.strftime("%Y-%m")) - 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale")
    parser.add_argument(
        "database", type=Path, nargs="?", help="a database kept by benchmarks.run --keep"
    )
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="a PostgreSQL database holding the benchmark's organization instead (the files "
        "of benchmarks.run --keep loaded and imported into it with the command line)",
    )
    parser.add_argument(
        "--month", default=None, help="the month the pages show (default: the last one)"
    )
    args = parser.parse_args(argv)
    if (args.database is None) == (args.postgres is None):
        parser.error("give either a SQLite database or --postgres URL")
    if args.postgres:
        os.environ["FOURFOLD_DATABASE_URL"] = args.postgres
    else:
        os.environ["FOURFOLD_DATABASE_URL"] = f"sqlite:///{args.database.resolve()}"
        os.environ.setdefault("FOURFOLD_HOME", str(args.database.parent))
    from .run import Report, setup_django

    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    report = Report()
    figures(report, "PostgreSQL" if args.postgres else "SQLite", args.month)
    print("\n".join(report.lines))
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
