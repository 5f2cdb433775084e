"""How fast every KPI of the benchmark organization is forecast.

    .venv/bin/python -m benchmarks.forecast_speed [--units 1000 --kpis 20000 --years 5]
    .venv/bin/python -m benchmarks.forecast_speed --keep DIR   # reuse DIR's database next time

It makes the synthetic organization of `benchmarks.run` (a scorecard file and a values CSV),
loads and imports them with the real command line into a fresh SQLite database (or reuses the
one --keep left), then, in this process, times the forecast of the current fiscal year for
every KPI: the scores it reads (the engine, once), and the forecasts themselves (goal: at most
10 s for the 20,000 KPIs), as `fourfold forecast` and the API make them. Then `fourfold check`
over the organization (goal: at most 10 s) as it runs where the worker keeps the forecasts
(nightly and after values change: the check reads the kept ones whose basis still holds),
after the worker's nightly task has run, and before it has, when every forecast is made
(`--cold`, or a database with no kept forecast). Wall and CPU time are printed with the load
average: the machine may be shared, and the wall clock counts other processes' turns too.

The database settings are environment variables, so they are set before Django is imported.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path

from . import synthetic
from .checks import GOAL_CHECK_S, run_check
from .run import DEFAULT, fourfold_command, run_command, setup_django

GOAL_S = 10.0


def build(folder: Path, units: int, kpis: int, years: int) -> None:
    org, yaml_path, csv_path = synthetic.generate(
        folder, n_units=units, n_kpis=kpis, years=years, today=dt.date.today()
    )
    for args in (["load", str(yaml_path)], ["import", str(csv_path)]):
        done = run_command(args)
        if not done.ok:
            raise SystemExit(f"fourfold {args[0]} failed: {done.output[-500:]}")
        print(f"fourfold {args[0]}: {done.seconds:.1f} s")
    print(f"{org.kpis:,} KPIs, {org.values:,} values, months {org.first_month}..{org.last_month}")


def _verdict(seconds: float, goal: float) -> str:
    return f"goal <= {goal:.0f} s  {'ok' if seconds <= goal else 'MISSED'}"


def check(label: str) -> bool:
    """Time `fourfold check --json` in its own process, as a user runs it."""
    checked = run_check(fourfold_command())
    if checked.failed:
        print(f"  {label}: FAILED {checked.done.stderr.strip()[:300]}")
        return False
    ok = checked.seconds <= GOAL_CHECK_S
    print(f"  {label:<36}{checked.seconds:6.2f} s   {_verdict(checked.seconds, GOAL_CHECK_S)}")
    print(
        f"    CPU {checked.cpu:.2f} s, load average {checked.load:.1f}; {checked.findings()}"[:200]
    )
    return ok


def keep() -> None:
    """The worker's nightly task: make and keep the forecasts of the year and the quarter."""
    from fourfold.forecasts import tasks

    started, cpu = time.perf_counter(), time.process_time()
    kept = tasks.recompute()
    print(
        f"  the nightly task: {kept} in {time.perf_counter() - started:.2f} s "
        f"({time.process_time() - cpu:.2f} s CPU)"
    )


def measure(cold: bool) -> bool:
    setup_django()
    from django.utils import timezone

    from fourfold.forecasts import services
    from fourfold.forecasts.models import MadeForecast
    from fourfold.scoring import cache

    today = timezone.localdate()
    year = services.current_year(today)
    started = time.perf_counter()
    cache.scores(today=today)
    engine_s = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    found = services.forecast(None, year, today=today, fan=False)
    forecast_s, cpu_s = time.perf_counter() - started, time.process_time() - cpu
    methods = Counter(f.method for f in found.values())
    print(f"forecasts of {year} for {len(found):,} KPIs ({os.cpu_count()} CPUs)")
    print(f"  scores read from the engine         {engine_s:6.2f} s")
    ok = forecast_s <= GOAL_S
    verdict = _verdict(forecast_s, GOAL_S)
    print(f"  forecasts (history, models, paths)  {forecast_s:6.2f} s   {verdict}")
    # On a shared machine the wall clock counts other processes' turns too.
    load = os.getloadavg()[0]
    print(f"    of which this process on a CPU      {cpu_s:6.2f} s, load average {load:.1f}")
    for method, count in methods.most_common():
        print(f"    {method:<32} {count:>7,}")
    print("fourfold check --json, the whole organization")
    if cold or not MadeForecast.objects.exists():
        MadeForecast.objects.all().delete()
        ok &= check("no forecast kept (all made)")
        keep()
    ok &= check("with the kept forecasts")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=DEFAULT["units"])
    parser.add_argument("--kpis", type=int, default=DEFAULT["kpis"])
    parser.add_argument("--years", type=int, default=DEFAULT["years"])
    parser.add_argument("--keep", type=Path, metavar="DIR", help="work in DIR and keep it")
    parser.add_argument(
        "--cold", action="store_true", help="forget the kept forecasts and time a check first"
    )
    args = parser.parse_args(argv)
    folder = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="ff-fc-"))
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "bench.sqlite3"
    os.environ["FOURFOLD_DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["FOURFOLD_HOME"] = str(folder)
    try:
        if not database.exists():
            build(folder, args.units, args.kpis, args.years)
        return 0 if measure(args.cold) else 1
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
