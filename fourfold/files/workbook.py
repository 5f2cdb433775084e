"""Reading a workbook's first sheet in streaming mode, after its size is checked, refusing
what reading its cells' values would get silently wrong."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

from .limits import ImportFileError, Limits, check_zip, rows_counted

Body = Iterator[tuple[int, Any]]


# A formula cell whose result was never computed and saved (as openpyxl and other libraries
# write them): its value reads as empty. A formula whose result is text says t="str".
_UNCOMPUTED = re.compile(
    rb"<(?:\w+:)?c\b([^>]*)>\s*<(?:\w+:)?f\b[^>]*?(?:/>|>[^<]*</(?:\w+:)?f>)\s*"
    rb"(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>|</(?:\w+:)?c>)"
)
_MERGED = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([^"]+)"')
_REF = re.compile(rb'\br="([A-Z]+[0-9]+)"')
_TEXT_RESULT = re.compile(rb'\bt="(?:str|inlineStr|s)"')


def _check_sheet_xml(data: bytes, path: str | None, name: str, sheet: str) -> None:
    """Refuse what reading the cells' values would get silently wrong: merged cells (every cell
    but the first reads as empty) and formulas whose results were never saved."""
    if path is None:
        return
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for xml in _pieces(archive, path):
                _check_piece(xml, name, sheet)
    except (zipfile.BadZipFile, KeyError, OSError):
        return


# A sheet's XML is read in pieces that overlap by more than any one cell's XML can hold, so
# that a pattern split between two pieces is whole in the second.
PIECE, OVERLAP = 4 * 1024 * 1024, 64 * 1024


def _pieces(archive: Any, path: str) -> Iterator[bytes]:
    with archive.open(path) as member:
        tail = b""
        while chunk := member.read(PIECE):
            yield tail + chunk
            tail = chunk[-OVERLAP:]


def _check_piece(xml: bytes, name: str, sheet: str) -> None:
    where = f"{name}, sheet '{sheet}'"
    if b"mergeCell" in xml and (merged := _MERGED.search(xml)):
        raise ImportFileError(
            f"{where}: cells {merged.group(1).decode()} are merged; unmerge them and fill in "
            "every cell, as each row needs its own kpi, period and numbers"
        )
    if b"<f" in xml or b":f" in xml:
        for found in _UNCOMPUTED.finditer(xml):
            attributes = found.group(1)
            if _TEXT_RESULT.search(attributes):
                continue
            ref = _REF.search(attributes)
            cell = f"cell {ref.group(1).decode()}" if ref else "a cell"
            raise ImportFileError(
                f"{where}: {cell} holds a formula whose result was never saved (the program that "
                "wrote the file does not compute formulas); open and save it in a spreadsheet "
                "application, or write the numbers"
            )


def read_xlsx(data: bytes, name: str, limits: Limits) -> tuple[list[Any], Body]:
    """The first sheet that has any cell filled, its first row being the header; read in
    streaming mode, after the archive's size is checked."""
    import zipfile

    from openpyxl import load_workbook

    check_zip(data, name, limits)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError) as exc:
        raise ImportFileError(f"{name} is not a readable XLSX workbook") from exc
    for sheet in book.worksheets:
        # The sheet's own dimension may say a million columns (each row padded to them) or
        # too few (rows cut short): read the cells as they are, and the limits hold them.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is not None and any(cell is not None for cell in header):
            break
    else:
        book.close()
        raise ImportFileError(
            f"{name} is empty: the first row of its first sheet must name the columns"
        )
    try:
        _check_sheet_xml(data, getattr(sheet, "_worksheet_path", None), name, sheet.title)
    except ImportFileError:
        book.close()
        raise

    def body() -> Body:
        try:
            for number, row in rows_counted(enumerate(rows, start=2), name, limits):
                if any(cell is not None and str(cell).strip() for cell in row):
                    yield number, tuple(row)
        finally:
            book.close()

    return list(header), body()
