"""The cost of scoring as things stood (`engine.compute(as_of=...)`) beside scoring now, and of
putting the tables back as they stood for a page, the API or a book (`past.as_it_stood`).

An as-of computation reads the definitions from their versions (fourfold.revisions) and the
values and targets as they stood, instead of the tables; the goal is at most twice the time
of the plain `engine.compute()` on the same organization. Putting the tables back costs what
changed since the moment: timed with the latest month's values (one per KPI) entered after
it, in a transaction rolled back; the goal is at most GOAL_PAST_S.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

GOAL_RATIO = 2.0
RUNS = 3
GOAL_PAST_S = 1.0


def time_as_of(report: Any, progress: Any) -> None:
    from django.core.cache import caches
    from django.utils import timezone

    from fourfold.revisions import snapshot
    from fourfold.revisions.models import Version
    from fourfold.scoring import cache, engine

    moment = timezone.now()
    plain, as_of = [], []
    for i in range(RUNS):
        progress(f"engine.compute() and compute(as_of=now), run {i + 1} of {RUNS}")
        # Both read every row: nothing kept from an earlier computation (scoring/kept.py).
        caches[cache.ALIAS].clear()
        start = time.perf_counter()
        engine.compute()
        middle = time.perf_counter()
        engine.compute(as_of=moment)
        plain.append(middle - start)
        as_of.append(time.perf_counter() - middle)
    start = time.perf_counter()
    snapshot.read(moment)
    read = time.perf_counter() - start
    ratio = statistics.median(as_of) / statistics.median(plain)
    report.add(f"  {'versions of the definition kept':<50} {Version.objects.count():>10,}")
    report.timing(f"engine.compute(), median of {RUNS}", statistics.median(plain))
    report.timing(f"engine.compute(as_of=now), median of {RUNS}", statistics.median(as_of))
    report.timing("  of which reading the definitions as they stood", read)
    verdict = "ok" if ratio <= GOAL_RATIO else "OVER GOAL"
    report.add(f"  {'as_of / plain':<50} {ratio:8.2f} ×  (goal ≤ {GOAL_RATIO:.0f} ×: {verdict})")
    if ratio > GOAL_RATIO:
        report.failed = True
    time_past(report, progress)


def time_past(report: Any, progress: Any) -> None:
    """Entering `as_it_stood(moment)` with the latest month's values entered since."""
    import datetime as dt

    from django.db import transaction
    from django.db.models import Max
    from django.utils import timezone

    from fourfold.measures.models import Measurement
    from fourfold.revisions import past

    months = Measurement.objects.filter(period__regex=r"^[0-9]{4}-[0-9]{2}$")
    latest = months.aggregate(latest=Max("period"))["latest"]
    if latest is None:
        return
    moment = timezone.now()
    times, moved = [], 0
    for i in range(RUNS):
        progress(f"as_it_stood with {latest}'s values entered since, run {i + 1} of {RUNS}")
        with transaction.atomic():
            since = moment + dt.timedelta(seconds=1)
            moved = Measurement.objects.filter(period=latest).update(entered_at=since)
            start = time.perf_counter()
            with past.as_it_stood(moment):
                pass
            times.append(time.perf_counter() - start)  # put back, then rolled back
            transaction.set_rollback(True)
    best = statistics.median(times)
    report.timing(f"as_it_stood, {moved:,} values entered since, median", best, GOAL_PAST_S)
    if best > GOAL_PAST_S:
        report.failed = True
    time_past_page(report, progress, moment, latest)


def time_past_page(report: Any, progress: Any, moment: Any, month: str) -> None:
    """One request of the top unit's scorecard as it stood (the scores are never cached for a
    moment, so one request says what each costs): with nothing changed since, and with the
    latest month's values entered since."""
    import datetime as dt
    import urllib.parse

    from django.db import transaction

    from fourfold.measures.models import Measurement
    from fourfold.strategy.models import Unit

    from .pages import page_client, quiet

    top = Unit.objects.filter(parent=None).order_by("order", "code").first()
    if top is None:
        return
    client = page_client()
    query = urllib.parse.urlencode({"period": month, "as_of": moment.isoformat()})
    address = f"/units/{top.code}/?{query}"
    for label, changed in (("nothing since", False), (f"{month} entered since", True)):
        progress(f"GET {address} ({label})")
        with quiet(), transaction.atomic():
            if changed:
                since = moment + dt.timedelta(seconds=1)
                Measurement.objects.filter(period=month).update(entered_at=since)
            start = time.perf_counter()
            answer = client.get(address)
            seconds = time.perf_counter() - start
            transaction.set_rollback(True)
        status = "" if answer.status_code == 200 else f" (status {answer.status_code})"
        report.timing(f"GET /units/{top.code}/ as it stood, {label}{status}", seconds)
