"""`fourfold check` over the whole benchmark organization, held to its goal (issue 11)."""

from __future__ import annotations

import collections
import json
import subprocess
import time
from typing import Any

GOAL_CHECK_S = 10.0


def time_check(report: Any, command: list[str]) -> None:
    """Run `fourfold check --json` as a user would and report its time and its findings.

    Exit status 1 only says that some finding is an error: the benchmark's own data has some.
    """
    start = time.perf_counter()
    done = subprocess.run(
        [*command, "check", "--json"], capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    label = "fourfold check --json (the whole organization)"
    if done.returncode not in (0, 1):
        report.add(f"  {label:<50} FAILED after {seconds:.1f} s: {done.stderr.strip()[:300]}")
        report.failed = True
        return
    report.timing(label, seconds, GOAL_CHECK_S)
    rules = collections.Counter(json.loads(line)["rule"] for line in done.stdout.splitlines())
    found = ", ".join(f"{rule} {n:,}" for rule, n in rules.most_common()) or "none"
    report.add(f"      → {sum(rules.values()):,} findings: {found}"[:300])
