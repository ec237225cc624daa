"""Export records as CSV or JSON Lines, one line at a time (the caller streams them to a file or stdout).

JSON Lines are verbatim. CSV is for spreadsheets: lists are JSON text, times ISO 8601, booleans
true/false, and a text cell that a spreadsheet would run as a formula (starting with = + - @, a tab or a
carriage return) gets a leading apostrophe, OWASP's advice against CSV injection: claims come from
pages anyone can write. Use JSON Lines when the exact characters matter.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

FORMATS = ("csv", "jsonl")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_lines(records: Iterable[dict[str, Any]], fields: Sequence[str], fmt: str) -> Iterator[str]:
    """One string per record, ending in a newline (CSV: CRLF, and a cell may hold newlines), after a header
    line for CSV."""
    if fmt == "jsonl":
        for record in records:
            yield json.dumps({name: _json_value(record[name]) for name in fields}, ensure_ascii=False) + "\n"
        return
    if fmt != "csv":
        raise ValueError(f"unknown export format {fmt!r}: one of {', '.join(FORMATS)}")
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # RFC 4180: CRLF rows, so a cell holding \r or \n is quoted
    for row in _rows(records, fields):
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def _rows(records: Iterable[dict[str, Any]], fields: Sequence[str]) -> Iterator[Sequence[str]]:
    yield fields
    for record in records:
        yield [_csv_cell(record[name]) for name in fields]


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text
