"""The benchmark's page timings: a signed-in client, p50 and p95 of repeated requests."""

from __future__ import annotations

import contextlib
import logging
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

PAGE_RUNS = 20  # requests timed per page and kind


@dataclass
class PageTiming:
    url: str  # after a redirect, where it led
    first_ms: float
    times_ms: list[float]  # repeats, the scores from the cache when they were kept
    computed_ms: list[float]  # repeats with the scores cache emptied first: computed each time
    queries: int
    size_kb: float

    @property
    def p50(self) -> float:
        return _percentile(self.times_ms, 50)

    @property
    def p95(self) -> float:
        return _percentile(self.times_ms, 95)

    @property
    def computed_p50(self) -> float:
        return _percentile(self.computed_ms, 50)

    @property
    def computed_p95(self) -> float:
        return _percentile(self.computed_ms, 95)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def page_client_user() -> Any:
    """The benchmark's superuser, created the first time."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    user = user_model.objects.filter(username="bench-admin").first()
    if user is None:
        user = user_model.objects.create_superuser("bench-admin", "bench-admin@bench.example")
    return user


def page_client() -> Any:
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    client.force_login(page_client_user())
    return client


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """No request tracebacks or missing static folder warnings in the middle of the report."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def time_page(client: Any, url: str, *, redirected: bool = False) -> PageTiming | str:
    """Timings of a page, or why it cannot be timed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    try:
        start = time.perf_counter()
        with quiet(), CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        first = (time.perf_counter() - start) * 1000
        # Counted now: the next request's start clears the log that the capture slices.
        n_queries = len(queries.captured_queries)
    except Exception as exc:  # the page is someone else's work in progress: report, go on
        message = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else ""
        return f"not available yet: {type(exc).__name__} {message}".strip()
    if response.status_code in (301, 302) and not redirected:
        return time_page(client, response["Location"], redirected=True)
    if response.status_code != 200:
        return f"not available yet: HTTP {response.status_code}"
    from django.core.cache import caches

    def timed(*, computed: bool) -> list[float]:
        times = []
        for _ in range(PAGE_RUNS):
            if computed:
                caches["scores"].clear()
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        return times

    computed = timed(computed=True)
    cached = timed(computed=False)
    return PageTiming(url, first, cached, computed, n_queries, len(response.content) / 1024)
