"""Whether a background worker runs, and one started beside the demo's server.

django-q2 keeps its clusters' status in the cache, which is each process's own memory here, so
the web process cannot see it. A worker shows itself through the database instead: the
scheduler inside every running cluster moves the heartbeat schedule's next run on each minute,
and each of its worker processes moves it on as it starts. A next run long past means that no
scheduler has looked for a while: no worker runs.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.utils import timezone
from django_q.models import Schedule

HEARTBEAT = "fourfold.connectors.tasks.heartbeat"
# The scheduler looks every 30 seconds and the heartbeat is due every minute: a next run
# later than this is what a running worker always keeps.
SILENT_AFTER = dt.timedelta(seconds=90)

log = logging.getLogger(__name__)


def running() -> bool:
    """Whether some background worker has shown itself in the last minute and a half."""
    due = Schedule.objects.filter(func=HEARTBEAT).values_list("next_run", flat=True).first()
    return due is not None and due > timezone.now() - SILENT_AFTER


def beat(**kwargs: Any) -> None:
    """Show a starting worker process at once, not only at its scheduler's first round 30
    seconds later; connected to django-q2's post_spawn signal."""
    try:
        Schedule.objects.update_or_create(
            func=HEARTBEAT,
            defaults={
                "name": "Worker heartbeat",
                "schedule_type": Schedule.MINUTES,
                "minutes": 1,
                "repeats": -1,
                "next_run": timezone.now() + dt.timedelta(minutes=1),
                # Its runs are not kept: they would crowd out the tasks worth reading.
                "kwargs": "{'q_options': {'save': False}}",
            },
        )
    except Exception:  # a worker that cannot say it is alive still works
        log.exception("the worker heartbeat could not be written")


@contextmanager
def alongside(log_file: Path, *, workers: int = 1) -> Iterator[subprocess.Popen[bytes]]:
    """A `fourfold worker` in a child process for as long as the block runs (the demo's server),
    on the same database, its output in `log_file`; stopped as one stops it by hand."""
    env = dict(os.environ, FOURFOLD_WORKERS=str(workers))
    with log_file.open("ab") as output:
        child = subprocess.Popen(
            [sys.executable, "-c", "from fourfold.cli import cli; cli()", "worker"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        yield child
    finally:
        stop(child)


def stop(child: subprocess.Popen[bytes], timeout: float = 20) -> None:
    """Stop a worker started by `alongside`: SIGINT (django-q2 hangs on SIGTERM), then kill."""
    if child.poll() is not None:
        return
    child.send_signal(signal.SIGINT)
    try:
        child.wait(timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
