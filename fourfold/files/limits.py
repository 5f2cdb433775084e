"""How much a values file may hold, so that a small file cannot tie up the server.

A workbook is a zip archive: 2.5 MB of it can unpack to 700 MB of XML, and a CSV of 1 MB can
hold a million rows or 100,000 columns. Every limit is checked before the work it bounds
(the members' sizes before a workbook is opened, the rows as they are read, in streaming
mode) and stops the reading with one sentence that says which limit and what to do.
Files read by the command line and by connectors may be larger than web uploads, which must
answer within seconds whatever the file.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

MB = 1024 * 1024
# The most row problems a report lists; the others are counted.
LISTED = 100


T = TypeVar("T")


class ImportFileError(Exception):
    """The file as a whole cannot be read: missing, wrong format, wrong header, too big."""


@dataclass(frozen=True)
class Limits:
    bytes: int  # the file as stored
    unpacked: int  # a workbook's members, uncompressed
    rows: int
    columns: int
    cells: int  # the values a file gives (a row per value, or a KPI's row times its periods)


# The command line's and the connectors' files: a million values or two in a CSV, a full sheet.
FILES = Limits(bytes=64 * MB, unpacked=256 * MB, rows=2_000_000, columns=2_000, cells=5_000_000)
# A file uploaded through the web pages, read again for its preview and its import.
UPLOADS = Limits(bytes=5 * MB, unpacked=48 * MB, rows=200_000, columns=2_000, cells=500_000)


def _size(n: int) -> str:
    return f"{n / MB:,.1f} MB" if n >= MB else f"{n / 1024:,.0f} KB"


def check_bytes(size: int, name: str, limits: Limits) -> None:
    if size > limits.bytes:
        raise ImportFileError(
            f"{name} is {_size(size)}, more than the {_size(limits.bytes)} a file may be: split it"
        )


def check_zip(data: bytes, name: str, limits: Limits) -> None:
    """Refuse a workbook whose members unpack to more than the limit, before opening it. The
    sizes are those the archive declares: zipfile stops reading a member at its declared size
    (and fails on its checksum), so a member that lies about its size cannot unpack to more."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFileError(f"{name} is not a readable XLSX workbook") from exc
    if unpacked > limits.unpacked:
        raise ImportFileError(
            f"{name} unpacks to {_size(unpacked)}, more than the {_size(limits.unpacked)} a "
            "workbook may hold: split it, or save it as CSV"
        )


def rows_counted(
    rows: Iterator[tuple[int, Sequence[Any]]], name: str, limits: Limits
) -> Iterator[tuple[int, Sequence[Any]]]:
    """The rows, numbered from 2 under the header, stopping with one sentence at the first
    row past the limits (blank rows count: a sheet may skip a billion of them)."""
    for number, row in rows:
        if number > limits.rows + 1:
            raise ImportFileError(
                f"{name} has more than {limits.rows:,} rows, the most a file may hold: split it"
            )
        if len(row) > limits.columns:
            raise ImportFileError(too_wide(name, limits, row=number))
        yield number, row


def too_wide(name: str, limits: Limits, row: int = 1) -> str:
    return (
        f"{name}: row {row} has more than {limits.columns:,} columns, the most a file may "
        "have: split it"
    )


def too_many_cells(name: str, limits: Limits) -> str:
    return (
        f"{name} gives more than {limits.cells:,} values and targets, the most a file may "
        "hold: split it"
    )


def listed(problems: Sequence[T]) -> tuple[list[T], int]:
    """The problems a report lists, and how many more it only counts."""
    return list(problems[:LISTED]), max(0, len(problems) - LISTED)
