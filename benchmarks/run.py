"""Fourfold's performance benchmark on a synthetic organization.

    .venv/bin/python -m benchmarks.run [--units 1000 --kpis 20000 --years 5] [--keep DIR]
    .venv/bin/python -m benchmarks.run --quick      # 50 units, 1000 KPIs, 2 years: a smoke test

It writes a scorecard file and a values CSV, loads and imports them with the real command
line into a fresh SQLite database, then times the scoring engine and the unit pages in this
process. --period-targets also imports a target per month, --reimport times a second, unchanged
import, and --profile adds where the time goes (cProfile) in load, import, compute and a page.

The import is held to two goals: the whole file (1.16 M values at the default size) in at most
11 s, and at most 20 s a million values; the report gives the values in the file, the values
per second and the seconds a million values take. At the end, the bulk API is timed in this
process through django.test.Client with a read-write token: `POST /api/v1/measurements/bulk`
of 10,000 values, first all new, then the same again (unchanged), then all changed.

The database settings are environment variables, so they are set before Django is
imported: keep Django imports inside functions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import profiles, revisions, scale, synthetic
from .checks import time_check
from .pages import PAGE_RUNS, page_client, page_client_user, quiet, time_page

DEFAULT = {"units": 1000, "kpis": 20000, "years": 5}
QUICK = {"units": 50, "kpis": 1000, "years": 2}
COMPUTE_RUNS = 3
GOAL_IMPORT_S = 11.0
GOAL_IMPORT_S_PER_MILLION = 20.0
BIG_FILE = 500_000  # values from which an import is held to the goal a million values
API_BULK_VALUES = 10_000
GOAL_SCORES_S = scale.GOAL_COMPUTE_S
GOAL_PAGE_P95_MS = 100.0


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    failed: bool = False

    def add(self, text: str = "") -> None:
        self.lines.append(text)

    def timing(self, label: str, seconds: float, goal: float | None = None) -> None:
        self.add(f"  {label:<50} {seconds:8.2f} s  {_verdict(seconds, goal, 's')}")

    def millis(self, label: str, ms: float, goal: float | None = None) -> None:
        self.add(f"  {label:<50} {ms:8.1f} ms {_verdict(ms, goal, 'ms')}")


def _verdict(value: float, goal: float | None, unit: str) -> str:
    if goal is None:
        return ""
    if value <= goal:
        return f"goal ≤ {goal:g} {unit}: met"
    return f"goal ≤ {goal:g} {unit}: MISSED by {100 * (value / goal - 1):.0f} %"


def progress(text: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def fourfold_command() -> list[str]:
    script = Path(sys.executable).parent / "fourfold"
    return [str(script)] if script.exists() else [sys.executable, "-m", "fourfold.cli"]


@dataclass
class Ran:
    seconds: float
    ok: bool
    output: str


def run_command(args: list[str]) -> Ran:
    start = time.perf_counter()
    done = subprocess.run([*fourfold_command(), *args], capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    text = (done.stdout if done.returncode == 0 else done.stderr or done.stdout).strip()
    return Ran(seconds, done.returncode == 0, text)


def _tail(text: str, n: int = 8) -> str:
    lines = text.splitlines()[-n:]
    return "\n".join(f"      {line[:300]}" for line in lines)


@dataclass
class Step:
    label: str
    args: list[str]
    goal: float | None = None
    snapshot: str = ""  # with --profile, copy the database to this file before the step
    values: int = 0  # values in the imported file: report values per second


EMPTY, LOADED = "before-load.sqlite3", "before-import.sqlite3"


def _command_step(report: Report, step: Step) -> bool:
    progress(f"fourfold {' '.join(step.args)}")
    ran = run_command(step.args)
    if not ran.ok:
        report.add(f"  {step.label:<50} FAILED after {ran.seconds:.1f} s:")
        report.add(_tail(ran.output))
        report.failed = True
        return False
    report.timing(step.label, ran.seconds, step.goal)
    if step.values:
        # A small file's time is mostly the start-up: hold only big files to the goal.
        per_million = ran.seconds * 1e6 / step.values
        goal = GOAL_IMPORT_S_PER_MILLION if step.values >= BIG_FILE else None
        report.add(
            f"      → {step.values:,} values, {step.values / ran.seconds:,.0f} values/s: "
            f"{per_million:.1f} s a million values  {_verdict(per_million, goal, 's')}".rstrip()
        )
    report.add(f"      → {ran.output.splitlines()[-1][:200] if ran.output else '(no output)'}")
    return True


# -- in-process measurements -----------------------------------------------------------------


def setup_django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "fourfold.settings"
    import django

    from fourfold.memory import keep_freed_memory

    keep_freed_memory()  # as the command line and the WSGI application do
    django.setup()


def sizes(report: Report, org: synthetic.Organization, database: Path) -> None:
    from fourfold.measures.models import KPI, Measurement, Target
    from fourfold.strategy.models import Link, Objective, Unit

    kpis = KPI.objects.filter(archived=False)
    rows = [
        ("units", Unit.objects.count(), len(org.units)),
        ("objectives", Objective.objects.filter(archived=False).count(), org.objectives),
        (
            "  aligned to a parent's objective",
            Objective.objects.exclude(aligned_to=None).count(),
            org.aligned,
        ),
        ("  cause-effect links", Link.objects.count(), org.links),
        ("KPIs", kpis.count(), org.kpis),
        ("  monthly", kpis.filter(frequency="monthly").count(), org.monthly_kpis),
        ("  quarterly", kpis.filter(frequency="quarterly").count(), org.quarterly_kpis),
        ("values", Measurement.objects.count(), org.values),
        ("targets", Target.objects.count(), org.targets + org.period_targets),
        (
            "  yearly, in the scorecard file",
            Target.objects.filter(period__regex=r"^\d{4}$").count(),
            org.targets,
        ),
    ]
    report.add(f"  {'':<36} {'in database':>12} {'generated':>12}")
    for label, found, made in rows:
        flag = "" if found == made else "   ← differs"
        report.add(f"  {label:<36} {found:>12,} {made:>12,}{flag}")
    size = sum(
        Path(f"{database}{s}").stat().st_size
        for s in ("", "-wal")
        if Path(f"{database}{s}").exists()
    )
    report.add(f"  {'database file':<36} {size / 2**20:>10,.0f} MB")


def time_compute(report: Report, big_unit: str) -> None:
    from django.core.cache import caches

    from fourfold.core import evaluate
    from fourfold.scoring import cache, engine

    totals, evals = [], []
    scores: Any = None
    for i in range(COMPUTE_RUNS):
        progress(f"engine.compute() run {i + 1} of {COMPUTE_RUNS}")
        caches[cache.ALIAS].clear()  # nothing kept: every row read (scale.py times them kept)
        scale.forget_file()  # and no file of rows (scale.py times computations from it)
        start = time.perf_counter()
        scores = engine.compute()
        middle = time.perf_counter()
        evaluate.evaluate(scores.inputs)
        end = time.perf_counter()
        totals.append(middle - start)
        evals.append(end - middle)
    reads = [t - e for t, e in zip(totals, evals, strict=True)]
    report.timing(
        f"engine.compute(), nothing kept, best of {COMPUTE_RUNS}", min(totals), GOAL_SCORES_S
    )
    report.timing(
        f"engine.compute(), nothing kept, median of {COMPUTE_RUNS}",
        statistics.median(totals),
        GOAL_SCORES_S,
    )
    # What compute() spends outside the core: reading rows and shaping them into arrays.
    report.timing("  of which reading the database (median)", statistics.median(reads))
    report.timing("  of which core evaluate.evaluate(inputs) (median)", statistics.median(evals))
    inputs = scores.inputs
    n_nodes = len(scores.result.node_scheme)
    cells = sum(v.score.size for v in scores.result.views.values())
    report.add(
        f"      → {len(inputs.kpi_frequency):,} KPIs, {n_nodes:,} scored nodes, "
        f"{len(inputs.value):,} values, {len(inputs.target):,} targets, "
        f"{inputs.n_years} fiscal years from {inputs.first_month}; {cells:,} scores in all views"
    )
    start = time.perf_counter()
    engine.compute(unit=big_unit)
    report.timing(
        f"engine.compute(unit='{big_unit}') (one subtree, once)", time.perf_counter() - start
    )


def time_pages(report: Report, org: synthetic.Organization) -> list[str]:
    """Time the pages; return the URLs that answered."""
    client = page_client()
    big, big_kpis = org.big_unit
    top_kpis = org.kpis_per_unit[0]
    answered = []
    pages: list[tuple[str, int, float | None]] = [(big, big_kpis, GOAL_PAGE_P95_MS)]
    if org.top_unit != big:
        pages.append((org.top_unit, top_kpis, None))
    for code, kpis, goal in pages:
        url = f"/units/{code}/?period={org.last_month}"
        progress(f"GET {url} × {PAGE_RUNS}")
        result = time_page(client, url)
        label = f"GET {url} ({kpis} KPIs)"
        if isinstance(result, str):
            report.add(f"  {label:<50} {result}")
            continue
        answered.append(result.url)
        report.add(f"  {label}" + (f", redirected to {result.url}" if result.url != url else ""))
        report.millis("  first request", result.first_ms)
        report.millis(f"  p50 of {PAGE_RUNS}, scores computed each time", result.computed_p50)
        report.millis(f"  p95 of {PAGE_RUNS}, scores computed each time", result.computed_p95, goal)
        report.millis(f"  p50 of {PAGE_RUNS}, repeats (scores cache)", result.p50)
        report.millis(f"  p95 of {PAGE_RUNS}, repeats (scores cache)", result.p95)
        report.add(f"      → {result.queries} queries, {result.size_kb:,.0f} KB of HTML")
    return answered


def api_bulk_items(org: synthetic.Organization, n: int) -> list[dict[str, Any]]:
    """n values that the database does not hold yet: monthly KPIs, months before the first."""
    from fourfold.core import periods
    from fourfold.measures.models import KPI

    codes = list(
        KPI.objects.filter(frequency="monthly", formula="", archived=False)
        .order_by("pk")
        .values_list("code", flat=True)
    )
    first = periods.month_ordinal(org.first_month)
    items: list[dict[str, Any]] = []
    back = 1
    while codes and len(items) < n:
        month = periods.month_key(first - back)
        items += [{"kpi": c, "period": month, "actual": 1.0} for c in codes[: n - len(items)]]
        back += 1
    return items


def time_api_bulk(report: Report, org: synthetic.Organization) -> None:
    """Three bulk upserts of the same KPIs and periods: new, unchanged, changed."""
    import json

    from django.test import Client

    from fourfold.api.models import ApiToken

    user = page_client_user()
    _, secret = ApiToken.issue(user, "benchmark", "write")
    client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {secret}")
    items = api_bulk_items(org, API_BULK_VALUES)
    changed = [{**item, "actual": 0.0} for item in items]  # 1 and 0 suit yes / no KPIs too
    for label, body, expect in (
        ("all new", items, "created"),
        ("the same again (unchanged)", items, "unchanged"),
        ("all changed", changed, "changed"),
    ):
        progress(f"POST /api/v1/measurements/bulk: {label}")
        data = json.dumps(body)
        start = time.perf_counter()
        with quiet():
            response = client.post(
                "/api/v1/measurements/bulk", data, content_type="application/json"
            )
        seconds = time.perf_counter() - start
        text = f"{len(body):,} values, {label}"
        if response.status_code != 200:
            report.add(f"  {text:<50} FAILED: HTTP {response.status_code}")
            report.add(_tail(response.content.decode(errors="replace")))
            report.failed = True
            return
        counts = response.json()
        report.timing(text, seconds)
        report.add(
            f"      → {counts['created']:,} created, {counts['changed']:,} changed, "
            f"{counts['unchanged']:,} unchanged; {len(body) / seconds:,.0f} values/s"
        )
        if counts[expect] != len(body):
            report.add(f"      ← expected {len(body):,} {expect}")
            report.failed = True


# -- the run -----------------------------------------------------------------------------


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description="Time Fourfold on a synthetic organization."
    )
    parser.add_argument("--units", type=int, help=f"units (default {DEFAULT['units']})")
    parser.add_argument("--kpis", type=int, help=f"KPIs (default {DEFAULT['kpis']})")
    parser.add_argument("--years", type=int, help=f"years of values (default {DEFAULT['years']})")
    parser.add_argument("--quick", action="store_true", help="50 units, 1000 KPIs, 2 years")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="work in DIR and keep it")
    parser.add_argument("--reimport", action="store_true", help="also time a second import")
    parser.add_argument(
        "--period-targets",
        action="store_true",
        help="also import a target for every month or quarter (targets.csv), so that month, "
        "quarter and year-to-date views are scored, not only years",
    )
    parser.add_argument(
        "--profile", action="store_true", help="also profile load, import, compute() and pages"
    )
    args = parser.parse_args(argv)
    base = QUICK if args.quick else DEFAULT
    for name, value in base.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    if args.units < 1 or args.kpis < 1 or args.years < 1:
        parser.error("--units, --kpis and --years must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.keep:
        folder = args.keep.resolve()
        folder.mkdir(parents=True, exist_ok=True)
    else:
        folder = Path(tempfile.mkdtemp(prefix="fourfold-bench-"))
    database = folder / "bench.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)  # always a fresh database
    # Before Django is imported, here and in the commands this process starts.
    os.environ["FOURFOLD_DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["FOURFOLD_HOME"] = str(folder)
    try:
        report = run(args, folder, database)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print("\n".join(report.lines))
    return 1 if report.failed else 0


def run(args: argparse.Namespace, folder: Path, database: Path) -> Report:
    report = Report()
    report.add(
        f"Fourfold benchmark: {args.units:,} units, {args.kpis:,} KPIs, {args.years} years"
        f"  ({dt.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} CPUs, Python "
        f"{sys.version.split()[0]}, SQLite)"
    )
    report.add(
        f"Folder: {folder}{'' if args.keep else ' (removed at the end; --keep DIR keeps it)'}"
    )
    report.add(f"Command: {' '.join(fourfold_command())}")
    report.add()
    report.add("Timings")
    progress(f"generating {args.units} units, {args.kpis} KPIs, {args.years} years")
    start = time.perf_counter()
    org, yaml_path, csv_path = synthetic.generate(
        folder,
        n_units=args.units,
        n_kpis=args.kpis,
        years=args.years,
        today=dt.date.today(),
        period_targets=args.period_targets,
    )
    made = (
        "scorecard.yaml, values.csv and targets.csv"
        if args.period_targets
        else ("scorecard.yaml and values.csv")
    )
    report.timing(f"generate {made}", time.perf_counter() - start)
    report.add(
        f"      → {yaml_path.stat().st_size / 2**20:,.1f} MB of YAML, "
        f"{csv_path.stat().st_size / 2**20:,.1f} MB of CSV, "
        f"months {org.first_month}..{org.last_month}"
    )
    one_row = folder / "one-row.csv"
    with csv_path.open(encoding="utf-8") as values:
        one_row.write_text(values.readline() + values.readline(), encoding="utf-8")
    steps = [
        Step("fourfold dump (creates the empty database)", ["dump", "-o", str(folder / "e.yaml")]),
        Step(f"fourfold load {yaml_path.name}", ["load", str(yaml_path)], snapshot=EMPTY),
        Step("fourfold import --check one-row.csv (start-up)", ["import", "--check", str(one_row)]),
        Step(
            f"fourfold import {csv_path.name} ({org.values:,} rows)",
            ["import", str(csv_path)],
            goal=GOAL_IMPORT_S,
            snapshot=LOADED,
            values=org.values,
        ),
    ]
    if args.reimport:
        steps.append(
            Step(
                f"fourfold import {csv_path.name} again",
                ["import", str(csv_path)],
                values=org.values,
            )
        )
    if args.period_targets:
        targets = folder / "targets.csv"
        steps.append(
            Step(
                f"fourfold import {targets.name} ({org.period_targets:,} rows)",
                ["import", str(targets)],
            )
        )
    for step in steps:
        if args.profile and step.snapshot:
            # The database as this command finds it, for the profiled run of the same command.
            profiles.copy_database(database, folder / step.snapshot)
        if not _command_step(report, step):
            return report
    time_check(report, fourfold_command())

    setup_django()
    big, _ = org.big_unit
    time_compute(report, big)
    report.add()
    report.add("Revisions: scoring as things stood")
    revisions.time_as_of(report, progress)
    # The pages find the forecasts a deployment's worker keeps (nightly, after values change).
    from fourfold.forecasts import tasks

    progress("the worker's nightly task")
    started = time.perf_counter()
    kept = tasks.recompute()
    report.timing(f"the worker's nightly task: {kept}", time.perf_counter() - started)
    answered = time_pages(report, org)
    report.add()
    report.add("Sizes")
    sizes(report, org, database)
    if not args.period_targets:
        report.add()
        report.add(
            "Note: targets are yearly only, so month, quarter and year-to-date views have no\n"
            "target and no score; --period-targets imports one per month or quarter as well."
        )
    if args.profile:
        profile_all(report, folder, yaml_path, csv_path, answered)
    # After the sizes and the profiles, as they write values (benchmarks/scale.py).
    report.add()
    report.add("Scores at scale (issue 15, part 2): wall time, CPU time beside it")
    scale.figures(report, "SQLite", org.last_month)
    # Last, as it adds values that the sizes and the profiles above should not see.
    report.add()
    report.add(f"Bulk API: POST /api/v1/measurements/bulk with {API_BULK_VALUES:,} values")
    time_api_bulk(report, org)
    return report


def profile_all(
    report: Report, folder: Path, yaml_path: Path, csv_path: Path, urls: list[str]
) -> None:
    from fourfold.scoring import engine

    env = dict(os.environ)
    copy = folder / "profiled.sqlite3"
    for label, source, args in (
        ("fourfold load", folder / EMPTY, ["load", str(yaml_path)]),
        ("fourfold import", folder / LOADED, ["import", str(csv_path)]),
    ):
        progress(f"profiling {label}")
        profiles.copy_database(source, copy)
        out = folder / f"{args[0]}.prof"
        status, lines = profiles.command(args, env, copy, out)
        report.add()
        report.add(f"Profile of {label} (top {profiles.TOP} by cumulative time; {out.name})")
        if status:
            report.add(f"  failed with status {status}:")
        for line in lines:
            report.add(f"  {line}")
    progress("profiling engine.compute()")
    report.add()
    report.add(f"Profile of engine.compute() (top {profiles.TOP} by cumulative time; compute.prof)")
    for line in profiles.call(engine.compute, folder / "compute.prof"):
        report.add(f"  {line}")
    if urls:
        client = page_client()
        progress(f"profiling GET {urls[0]}")
        report.add()
        report.add(f"Profile of 5 × GET {urls[0]} (page.prof)")
        for line in profiles.call(
            lambda: [client.get(urls[0]) for _ in range(5)], folder / "page.prof"
        ):
            report.add(f"  {line}")


if __name__ == "__main__":
    sys.exit(main())
