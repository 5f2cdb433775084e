"""Where the time goes: cProfile runs of the command line and of code in this process."""

from __future__ import annotations

import cProfile
import pstats
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

TOP = 15


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database, WAL included."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


# Frames that only pass the call on (the interpreter, click, the CLI's entry point).
WRAPPERS = ("<frozen ", "<string>")
PASS_THROUGH = (
    "/click/",
    "/django/test/",
    "/django/core/handlers/",
    "/django/utils/deprecation.py",
    "/django/views/decorators/",
    "/django/contrib/auth/decorators.py",
    "middleware.py",
    "benchmarks/",
)
ENTRY_POINTS = ("main", "wrapper", "<module>")


def _wrapper(file: str, name: str) -> bool:
    if file.startswith(WRAPPERS) or any(part in file for part in PASS_THROUGH):
        return True
    if name == "<built-in method builtins.exec>":
        return True
    return file.endswith("fourfold/cli.py") and name in ENTRY_POINTS


def top(path: Path, n: int = TOP) -> list[str]:
    """The n functions with the most cumulative time, then the most own time, one line each."""
    stats = pstats.Stats(str(path))
    raw: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    total: float = stats.total_tt  # type: ignore[attr-defined]
    kept = [item for item in raw.items() if not _wrapper(item[0][0], item[0][2])]
    startup = sum(
        v[3] for (file, _, name), v in raw.items() if file.endswith("cli.py") and name == "setup"
    )
    lines = [f"total {total:.2f} s, of which Django set-up and migration check {startup:.2f} s"]
    header = f"{'cumulative':>11} {'own':>9} {'calls':>11}  function"
    for title, column, count in (("by cumulative time", 3, n), ("by own time", 2, n // 3 * 2)):
        lines += [f"top {count} {title}:", header]
        for (file, line, name), (_, calls, own, cumulative, _) in sorted(
            kept, key=lambda item: item[1][column], reverse=True
        )[:count]:
            place = f"{_short(file)}:{line}({name})" if line else name
            lines.append(f"{cumulative:10.2f}s {own:8.2f}s {calls:11,}  {place}")
    return lines


def _short(file: str) -> str:
    for marker in ("site-packages/", "/work/main/", "lib/python3.11/"):
        if marker in file:
            return file.split(marker, 1)[1]
    return file


def command(
    args: list[str], env: dict[str, str], database: Path, out: Path
) -> tuple[int, list[str]]:
    """Run `fourfold ARGS` under cProfile against the given database; exit status and top."""
    profiled = dict(env, FOURFOLD_DATABASE_URL=f"sqlite:///{database}")
    done = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "fourfold.cli", *args],
        env=profiled,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or not out.exists():
        return done.returncode, (done.stderr or done.stdout).strip().splitlines()[-5:]
    return 0, top(out)


def call(func: Callable[[], Any], out: Path) -> list[str]:
    """Profile one call in this process."""
    profile = cProfile.Profile()
    profile.runcall(func)
    profile.dump_stats(str(out))
    return top(out)
