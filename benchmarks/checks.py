"""`fourfold check` over the whole benchmark organization, held to its goal (issue 11)."""

from __future__ import annotations

import collections
import json
import os
import resource
import subprocess
import time
from dataclasses import dataclass
from typing import Any

GOAL_CHECK_S = 10.0


@dataclass
class Checked:
    """One run of `fourfold check --json`: its wall and CPU seconds, the load around it."""

    seconds: float
    cpu: float
    load: float  # the machine's load average over the last minute, when it ended
    done: subprocess.CompletedProcess[str]

    @property
    def failed(self) -> bool:
        # Exit status 1 only says that some finding is an error: the benchmark's data has some.
        return self.done.returncode not in (0, 1)

    def findings(self) -> str:
        rules = collections.Counter(
            json.loads(line)["rule"] for line in self.done.stdout.splitlines()
        )
        found = ", ".join(f"{rule} {n:,}" for rule, n in rules.most_common()) or "none"
        return f"{sum(rules.values()):,} findings: {found}"


def run_check(command: list[str]) -> Checked:
    """Run `fourfold check --json` as a user would."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [*command, "check", "--json"], capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Checked(seconds, cpu, os.getloadavg()[0], done)


def time_check(report: Any, command: list[str]) -> None:
    """Time `fourfold check --json` and report its time, CPU time and findings."""
    checked = run_check(command)
    label = "fourfold check --json (the whole organization)"
    if checked.failed:
        report.add(
            f"  {label:<50} FAILED after {checked.seconds:.1f} s: "
            f"{checked.done.stderr.strip()[:300]}"
        )
        report.failed = True
        return
    report.timing(label, checked.seconds, GOAL_CHECK_S)
    report.add(f"      → {checked.cpu:.1f} s CPU, load average {checked.load:.1f}")
    report.add(f"      → {checked.findings()}"[:300])
