"""Tables out as CSV or XLSX, streamed in constant memory, with formula-like cells neutralized.

A spreadsheet treats a cell starting with =, +, -, @ (and a tab or carriage return before
them) as a formula, so such text from the database (a department name, an idea's title)
could run in the reader's spreadsheet. Text cells that start with one of those characters
get a leading apostrophe; numbers and dates are written as they are.
"""
from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_FLUSH_ROWS = 500
CHUNK_BYTES = 64 * 1024
FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass
class Table:
    """A titled table: its column headings and its rows (any iterable, read once, possibly streamed)."""

    name: str  # the file name without extension
    title: str
    columns: Sequence[str]
    rows: Iterable[Sequence]


def neutralize(value):
    """The value with formula-like text made inert by a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return neutralize(value)


def csv_chunks(table: Table) -> Iterator[bytes]:
    """The table as UTF-8 CSV (with a byte-order mark for spreadsheets), yielded every few hundred rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([neutralize(c) for c in table.columns])
    pending = 0
    for row in table.rows:
        writer.writerow([_csv_cell(v) for v in row])
        pending += 1
        if pending >= CSV_FLUSH_ROWS:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue().encode("utf-8")


def write_xlsx(table: Table, path: str) -> None:
    """Write the table as one worksheet to `path`, row by row, with text cells neutralized."""
    from lms.insights.xlsx import write_workbook

    rows = ([neutralize(v) for v in row] for row in table.rows)
    write_workbook(path, _sheet_name(table.title), [str(neutralize(c)) for c in table.columns], rows)


def xlsx_chunks(table: Table) -> Iterator[bytes]:
    """The table as an XLSX file: written to a temporary file in constant memory, then read out in chunks."""
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        write_xlsx(table, path)
        with open(path, "rb") as file:
            while chunk := file.read(CHUNK_BYTES):
                yield chunk
    finally:
        os.unlink(path)


def chunks(table: Table, fmt: str) -> Iterator[bytes]:
    """The table's bytes in `fmt` ("csv" or "xlsx")."""
    if fmt == "csv":
        return csv_chunks(table)
    if fmt == "xlsx":
        return xlsx_chunks(table)
    raise ValueError(f"unknown export format {fmt!r}")


def _sheet_name(title: str) -> str:
    # Excel forbids []:*?/\ in sheet names and allows at most 31 characters.
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in title).strip("' ")
    return (cleaned or "Table")[:31]
