"""Alerts on a mid-sized organization, each figure beside its goal.

    .venv/bin/python -m benchmarks.alerts [--units 25] [--kpis 40] [--people 100]

On a fresh embedded database it loads a top unit and UNITS units below it with KPIS KPIs each
(a year of monthly values and targets), lets PEOPLE people follow the top unit (every KPI
and objective: red, got worse) with a daily digest and one person each KPI at once; then times
the judgement after a change of one value (what the worker does after each write), the
judgement of every alert (`fourfold alerts run`), and making and sending the daily digests
(Django's in-memory mail backend).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

GOAL_CHANGE_S = 2.0
GOAL_ALL_S = 10.0
GOAL_DIGESTS_S = 5.0


def card(units: int, kpis: int) -> str:
    months = [f"2026-{m:02d}" for m in range(1, 13)]
    lines = ["organization: {name: Bench, fiscal_year_start: 1}", "units:"]
    for u in range(units + 1):
        code = "top" if u == 0 else f"u{u}"
        lines += [f"  - code: {code}", f"    name: Unit {code}"]
        if u:
            lines.append("    parent: top")
        lines += [
            "    perspectives:",
            "      - code: fin",
            "        name: Financial",
            "        objectives:",
        ]
        for o in range(kpis // 5):
            lines += [
                f"          - code: {code}-o{o}",
                f"            name: Objective {o}",
                "            kpis:",
            ]
            for k in range(5):
                targets = ", ".join(f"{m}: {{target: 700, red_flag: 500}}" for m in months)
                values = ", ".join(
                    f"{m}: {650 + (i * 37 + k * 11 + u) % 120}" for i, m in enumerate(months[:11])
                )
                lines += [
                    f"              - code: {code}-k{o}{k}",
                    f"                name: KPI {o}.{k}",
                    "                direction: increase",
                    "                frequency: monthly",
                    "                aggregation: sum",
                    f"                targets: {{{targets}}}",
                    f"                values: {{{values}}}",
                ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=25)
    parser.add_argument("--kpis", type=int, default=40)
    parser.add_argument("--people", type=int, default=100)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp())
    os.environ.update(
        FOURFOLD_HOME=str(home),
        FOURFOLD_DATABASE_URL=f"sqlite:///{home}/b.sqlite3",
        FOURFOLD_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    from fourfold.cli import setup

    setup()
    import datetime as dt

    from django.contrib.auth.models import User

    from fourfold.accounts.access import Access
    from fourfold.accounts.models import Role
    from fourfold.alerts import deliver, evaluate, run, services
    from fourfold.alerts.models import Subscription
    from fourfold.files.load import load
    from fourfold.measures import intake
    from fourfold.measures.models import KPI
    from fourfold.measures.services import ValueEntry

    start = time.perf_counter()
    load(card(args.units, args.kpis), actor=None, source_name="bench.yaml")
    n_kpis = KPI.objects.count()
    print(f"loaded {args.units + 1} units, {n_kpis:,} KPIs in {time.perf_counter() - start:.1f} s")
    root = User.objects.create_superuser("root", "root@bench.example", "x")
    access = Access.of(root)
    top = services.subject(access, "unit", "top")
    people = [User.objects.create_user(f"p{i}", f"p{i}@bench.example") for i in range(args.people)]
    # Followers who may see what they follow: without a role on the top unit every event of
    # theirs is dropped when its message is made, and no digest is left to send.
    Role.objects.bulk_create(Role(user=p, kind=Role.Kind.VIEWER, unit=top.unit) for p in people)
    Subscription.objects.bulk_create(
        Subscription(
            user=p, kind="unit", unit=top.unit, conditions=["red", "worse"], frequency="daily"
        )
        for p in people
    )
    services.follow(root, access, services.subject(access, "kpi", "u1-k00"), conditions=["red"])
    today = dt.date(2026, 12, 2)
    evaluate.judge_periods(None, (), today=today)  # every alert's history, in silence

    def figure(label: str, seconds: float, goal: float) -> None:
        verdict = "ok" if seconds <= goal else "OVER"
        print(f"  {label:<62} {seconds:6.2f} s   goal ≤ {goal:.0f} s   {verdict}")

    kpi = KPI.objects.get(code="u1-k00")
    intake.submit_values(
        [ValueEntry(kpi.pk, "2026-12", 100)], actor=root, access=access, channel="grid"
    )
    start = time.perf_counter()
    found = evaluate.judge_periods([kpi.pk], ["2026-12"], today=today)
    sent = deliver.send_instant()
    figure(
        f"judge one changed KPI for {args.people + 1} subscriptions, send",
        time.perf_counter() - start,
        GOAL_CHANGE_S,
    )
    print(f"      → {len(found)} events, {len(sent)} sent at once")
    start = time.perf_counter()
    outcome = run.run(today, dry_run=True)
    figure(
        f"judge every alert ({n_kpis:,} KPIs × {args.people + 1} people), dry run",
        time.perf_counter() - start,
        GOAL_ALL_S,
    )
    start = time.perf_counter()
    digests = deliver.send_digests(today, weekly=False)
    figure(
        f"make and send {len(digests)} daily digests", time.perf_counter() - start, GOAL_DIGESTS_S
    )
    print(f"      → {len(outcome.deliveries)} messages in the dry run")


if __name__ == "__main__":
    main()
