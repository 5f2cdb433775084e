"""How fast every KPI of the benchmark organization is forecast.

    .venv/bin/python -m benchmarks.forecast_speed [--units 1000 --kpis 20000 --years 5]
    .venv/bin/python -m benchmarks.forecast_speed --keep DIR   # reuse DIR's database next time

It makes the synthetic organization of `benchmarks.run` (a scorecard file and a values CSV),
loads and imports them with the real command line into a fresh SQLite database (or reuses the
one --keep left), then, in this process, times the forecast of the current fiscal year for
every KPI: the scores it reads (the engine, once), and the forecasts themselves (goal: at most
10 s for the 20,000 KPIs), as `fourfold forecast` and the API make them.

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
from .run import DEFAULT, run_command, setup_django

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


def measure() -> bool:
    setup_django()
    from django.utils import timezone

    from fourfold.forecasts import services
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
    print(
        f"  forecasts (history, models, paths)  {forecast_s:6.2f} s   goal <= {GOAL_S:.0f} s"
        f"  {'ok' if ok else 'MISSED'}"
    )
    # On a shared machine the wall clock counts other processes' turns too.
    print(f"    of which this process on a CPU      {cpu_s:6.2f} s")
    for method, count in methods.most_common():
        print(f"    {method:<32} {count:>7,}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=DEFAULT["units"])
    parser.add_argument("--kpis", type=int, default=DEFAULT["kpis"])
    parser.add_argument("--years", type=int, default=DEFAULT["years"])
    parser.add_argument("--keep", type=Path, metavar="DIR", help="work in DIR and keep it")
    args = parser.parse_args(argv)
    folder = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="ff-fc-"))
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
