"""The rows of values and targets kept in a file, for the first computation of a process.

A process keeps the rows it read (fourfold/scoring/kept.py); a new one would read all 2.3 M
of the benchmark's again, most of its first whole-organization computation (the drivers
build a Python object per column). So the rows read whole are also written to a file (one
per database, in ROWS_FILE_DIR) with the revision they stand at and that revision's mark
(fourfold/scoring/revision.py); a later process maps the file, checks it, and reads only
the rows of the KPIs written since, as kept.py does within a process. A unit's computation
with no rows kept picks its KPIs' rows from the file the same way (kept._some_from_file).

The file is used only when every check holds, else the rows are read from the database:

- its header names this database (engine, name, host, port) and this format;
- the revision it stands at is this database's: the one it is at with the same mark, or an
  earlier one whose write of values or targets is still kept with that mark (a backup
  restored, or another database, that counted up to the same number has other marks), and
  every write since can be followed (no change of definitions);
- its arrays lie within the file, have the lengths and types the header gives, and their
  CRC-32 is the header's (a file cut short or altered is removed, to be written again).

It is written (to a temporary file in the same folder, then renamed over the old one, so a
reader sees the old file or the new one whole) only when nothing was written to the database
while its rows were read, when they are at least ROWS_FILE_MIN_ROWS, and when they fit the
scores cache's bound; at most MAX_FILES files are kept in the folder (the least recently
written go first).

The arrays are mapped from the file, not copied (copying 80 MB would cost a new process about
0.1 s more): Fourfold only ever renames a new file over the old one, and a mapping holds on to
the file it mapped. A file cut short in place by something else while a process maps it
would stop that process (SIGBUS); remove it instead, or set FOURFOLD_ROWS_FILE=false.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import mmap
import os
import struct
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection

from . import data, revision

MAGIC = b"FFROWS\x00\x01"
FORMAT = "fourfold rows 1"
ALIGN = 64
MAX_FILES = 4
TEMPORARY_HOURS = 1.0  # a temporary file older than this was left by a process that died
NAMES = ("value_kpi", "value_period", "value", "target_kpi", "target_period")
TARGET_NUMBERS = 4  # target, red flag, low, high (data.TARGET_COLUMNS)
Stored = tuple[int, data.Codes, data.Read, data.Read]


def identity() -> str:
    """This database, as the file's name and header name it."""
    s = connection.settings_dict
    name = str(s.get("NAME") or "")
    if connection.vendor == "sqlite" and not name.startswith(("file:", ":memory:")):
        name = str(Path(name).resolve())
    return f"{connection.vendor}|{s.get('HOST') or ''}|{s.get('PORT') or ''}|{name}"


def path() -> Path | None:
    """Where this database's file is, or None when no file is kept."""
    if not getattr(settings, "ROWS_FILE", True):
        return None
    digest = hashlib.sha256(identity().encode()).hexdigest()[:16]
    return Path(settings.ROWS_FILE_DIR) / f"rows-{digest}.bin"


def _arrays(values: data.Read, targets: data.Read) -> list[np.ndarray[Any, Any]]:
    return [
        values.kpi_id,
        values.period,
        values.numbers[0],
        targets.kpi_id,
        targets.period,
        *targets.numbers,
    ]


def save(number: int, codes: data.Codes, values: data.Read, targets: data.Read) -> bool:
    """Write the rows, which stand at least at revision `number`, when the database is still
    at it (so they are exactly its rows) and they are worth a file; whether it was written."""
    where = path()
    rows = len(values.kpi_id) + len(targets.kpi_id)
    if where is None or rows < settings.ROWS_FILE_MIN_ROWS:
        return False
    arrays = [np.ascontiguousarray(a) for a in _arrays(values, targets)]
    scores: Any = settings.CACHES["scores"]
    options: dict[str, Any] = scores.get("OPTIONS", {})
    bound = float(options.get("MAX_MB", 0)) * 2**20
    if bound and sum(a.nbytes for a in arrays) > bound:
        return False
    now, _, mark = revision.marked()
    if now != number or mark == 0:
        return False  # written meanwhile: the rows may hold some of it, the file is not sure
    specs, offset, crc = [], 0, 0
    for array in arrays:
        specs.append([array.dtype.str, len(array), offset])
        offset += _padded(array.nbytes)
        crc = zlib.crc32(array.data, crc)
    header = json.dumps(
        {
            "format": FORMAT,
            "database": identity(),
            "revision": number,
            "mark": mark,
            "codes": list(codes),
            "arrays": specs,
            "crc32": crc,
        }
    ).encode()
    start = _padded(len(MAGIC) + 8 + len(header))
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            prefix=f".{where.name}.", suffix=".tmp", dir=where.parent
        )
    except OSError:  # a folder that cannot be written: no file, the rows are read each time
        return False
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(MAGIC + struct.pack("<Q", len(header)) + header)
            out.write(b"\0" * (start - out.tell()))
            for array in arrays:
                out.write(array.data.cast("B"))
                out.write(b"\0" * (_padded(array.nbytes) - array.nbytes))
        os.replace(temporary, where)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        return False
    with contextlib.suppress(OSError):
        _prune(where.parent, keep=where)
    return True


def _padded(size: int) -> int:
    return -(-size // ALIGN) * ALIGN


def _prune(folder: Path, *, keep: Path) -> None:
    """At most MAX_FILES files of rows, and no temporary file left by a process that died."""
    found = []
    for item in folder.iterdir():
        try:
            stat = item.stat()
        except OSError:
            continue
        if item.name.startswith(".rows-") and item.name.endswith(".tmp"):
            if time.time() - stat.st_mtime > TEMPORARY_HOURS * 3600:
                item.unlink(missing_ok=True)
        elif item.name.startswith("rows-") and item.name.endswith(".bin") and item != keep:
            found.append((stat.st_mtime, item))
    for _, item in sorted(found, reverse=True)[MAX_FILES - 1 :]:
        item.unlink(missing_ok=True)


class Unusable(ValueError):
    """The file is cut short, altered or not of this format."""


def load(now: tuple[int, int]) -> Stored | None:
    """The rows of the file and the revision they stand at, when the file is there and every
    check holds (see the module's docstring); `now` is the revision read before anything."""
    where = path()
    if where is None:
        return None
    try:
        stat = where.stat()
        with open(where, "rb") as handle:
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # no file (ValueError: an empty one)
        return None
    seen = (str(where), stat.st_ino, stat.st_mtime_ns, stat.st_size)
    try:
        header, start = _header(mapped)
        if header["database"] != identity():
            return None
        number, mark = int(header["revision"]), int(header["mark"])
        if number != now[0] and not revision.rows_can_follow(number, now):
            return None
        if not revision.in_history(number, mark):
            return None
        last = _checked.get("file")
        if last is not None and last[0] == seen and last[1] == number:
            mapped.close()
            return last[1:]
        found: Stored = (number, *_rows(mapped, header, start))
        _checked["file"] = (seen, *found)
        return found
    except (Unusable, KeyError, TypeError, ValueError, OverflowError, struct.error):
        with contextlib.suppress(OSError):  # written again by the next computation reading all
            where.unlink(missing_ok=True)
        return None


# The last file this process checked whole (its CRC-32 costs 40 ms for the benchmark's 80 MB),
# by its place, inode, time and size: a file renamed over it or changed is checked again.
# Its arrays are mapped from the file (the page cache's memory, not the process's).
_checked: dict[str, tuple[Any, ...]] = {}


def header(where: Path) -> tuple[dict[str, Any], int]:
    """The header of a file of rows, and where its arrays start (the offsets are from it)."""
    with open(where, "rb") as handle:
        return _header(mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ))


def _header(mapped: mmap.mmap) -> tuple[dict[str, Any], int]:
    if mapped[: len(MAGIC)] != MAGIC:
        raise Unusable("not a file of rows")
    (size,) = struct.unpack("<Q", mapped[len(MAGIC) : len(MAGIC) + 8])
    header = json.loads(mapped[len(MAGIC) + 8 : len(MAGIC) + 8 + size])
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise Unusable("another format")
    return header, _padded(len(MAGIC) + 8 + size)


def _rows(
    mapped: mmap.mmap, header: dict[str, Any], start: int
) -> tuple[data.Codes, data.Read, data.Read]:
    specs = header["arrays"]
    if len(specs) != len(NAMES) + TARGET_NUMBERS:
        raise Unusable("not the arrays of rows")
    arrays: list[Any] = []
    crc = 0
    for i, (dtype, length, offset) in enumerate(specs):
        want = np.dtype(np.int64 if i in (0, 1, 3, 4) else np.float64)
        if np.dtype(dtype) != want or length < 0:
            raise Unusable("an array of another type")
        begin = start + int(offset)
        if begin + int(length) * want.itemsize > len(mapped):
            raise Unusable("cut short")
        array = np.frombuffer(mapped, dtype=want, count=int(length), offset=begin)
        crc = zlib.crc32(array.data, crc)
        arrays.append(array)
    if crc != header["crc32"]:
        raise Unusable("altered")
    texts = header["codes"]
    codes = data.Codes()
    for text in texts:
        if not isinstance(text, str):
            raise Unusable("a period that is not text")
        codes[text]  # noqa: B018 (numbered in order)
    if len(codes) != len(texts):
        raise Unusable("a period twice")
    values = data.Read(arrays[0], arrays[1], [arrays[2]])
    targets = data.Read(arrays[3], arrays[4], arrays[5:])
    for read in (values, targets):
        if any(len(a) != len(read.kpi_id) for a in (read.period, *read.numbers)):
            raise Unusable("columns of different lengths")
        if len(read.period) and (read.period.min() < 0 or read.period.max() >= len(codes)):
            raise Unusable("a period that is not numbered")
    return codes, values, targets
