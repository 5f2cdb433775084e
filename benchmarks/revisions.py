"""The cost of scoring as things stood (`engine.compute(as_of=...)`) beside scoring now.

An as-of computation reads the definitions from their versions (fourfold.revisions) and the
values and targets as they stood, instead of the tables; the goal is at most twice the time
of the plain `engine.compute()` on the same organization.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

GOAL_RATIO = 2.0
RUNS = 3


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
