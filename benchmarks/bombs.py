"""Hostile values files against the real command line: each refused quickly and in little memory.

    .venv/bin/python -m benchmarks.bombs [--keep DIR]

It builds the files the hardening issue named (a 2.5 MB workbook that unpacks to 700 MB, a
CSV of 100,000 columns, a CSV of three million short rows) and runs `fourfold import` on each
in a subprocess on a fresh database, printing the seconds and the subprocess's peak memory
(its maximum resident set size) beside the goals.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from openpyxl import Workbook

MB = 1024 * 1024
GOAL_S, GOAL_MB = 5.0, 300.0
BIN = Path(sys.executable).parent


def bomb(path: Path, unpacked: int, packed: int) -> None:
    """A real workbook whose first sheet's XML is padded with blanks to `unpacked` bytes, and
    a member of random bytes that brings the archive to about `packed` bytes."""
    book = Workbook()
    book.active.append(["kpi", "period", "actual"])  # type: ignore[union-attr]
    plain = io.BytesIO()
    book.save(plain)
    small = zipfile.ZipFile(plain)
    sheet_name = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as packed_zip:
        for member in small.infolist():
            xml = small.read(member)
            if member.filename != sheet_name:
                packed_zip.writestr(member, xml)
                continue
            head, tail = xml.split(b"</sheetData>")
            with packed_zip.open(sheet_name, "w", force_zip64=True) as sheet:
                sheet.write(head)
                piece = b" " * MB
                for _ in range(unpacked // MB):
                    sheet.write(piece)
                sheet.write(b"</sheetData>" + tail)
        so_far = path.stat().st_size if path.exists() else 0
        noise = random.Random(9).randbytes(max(0, packed - so_far - 4096))
        packed_zip.writestr("xl/media/noise.bin", noise, zipfile.ZIP_STORED)


def wide(path: Path, columns: int) -> None:
    months = [f"{1000 + i // 12}-{i % 12 + 1:02d}" for i in range(columns)]
    path.write_text("kpi," + ",".join(months) + "\nrevenue" + ",1" * columns + "\n")


def long(path: Path, rows: int) -> None:
    with path.open("w") as out:
        out.write("kpi,period,actual\n")
        out.write("x,2026-01,1\n" * rows)


def run(env: dict[str, str], *args: str) -> tuple[float, float, int, str]:
    """Seconds, peak memory (MB, from the child's own resource usage), exit status and
    standard error of one `fourfold` subprocess."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        child = subprocess.Popen(
            [str(BIN / "fourfold"), *args], env=env, stdout=subprocess.DEVNULL, stderr=err
        )
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        err.seek(0)
        text = err.read().decode(errors="replace")
    return seconds, usage.ru_maxrss / 1024, child.returncode, text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="Build the files in this folder and keep them.")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp())
    folder.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, FOURFOLD_HOME=str(folder / "home"))
    env.pop("FOURFOLD_DATABASE_URL", None)
    run(env, "dump", "-o", str(folder / "empty.yaml"))  # creates the database first

    files = folder / "bomb.xlsx", folder / "wide.csv", folder / "long.csv"
    bomb(files[0], 700 * MB, 2 * MB + MB // 2)
    wide(files[1], 100_000)
    long(files[2], 3_000_000)
    failed = False
    print("Hostile values files through `fourfold import` (refused, seconds, peak memory):")
    for path in files:
        seconds, peak, status, stderr = run(env, "import", str(path))
        refused = status != 0 and "Traceback" not in stderr
        ok = refused and seconds < GOAL_S and peak < GOAL_MB
        failed = failed or not ok
        size = path.stat().st_size / MB
        verdict = "refused" if refused else "NOT REFUSED"
        print(
            f"  import of {path.name} ({size:,.1f} MB): {verdict} in {seconds:.2f} s "
            f"(goal < {GOAL_S:.0f} s), {peak:,.0f} MB (goal < {GOAL_MB:.0f} MB)  "
            + ("ok" if ok else "MISSED")
        )
        print(f"      → {stderr.strip().splitlines()[-1] if stderr.strip() else ''}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
