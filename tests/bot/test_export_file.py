"""CSV and JSON Lines of export records: spreadsheets get safe cells, JSON Lines the exact text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from bot.views.export_file import export_lines

FIELDS = ("claim_id", "content", "shown", "quantities", "shared_at", "published", "thread_link")
RECORD = {
    "claim_id": 7,
    "content": '=HYPERLINK("http://evil.example","click") and "quotes", commas,\nnewlines',
    "shown": True,
    "quantities": [{"value": 498.0, "counted": "servicemen"}],
    "shared_at": dt.datetime(2024, 3, 1, 12, 0, tzinfo=dt.UTC),
    "published": dt.date(2024, 3, 1),
    "thread_link": None,
}


def test_csv_has_a_header_and_parses_back_with_formulas_defused() -> None:
    text = "".join(export_lines([RECORD, {**RECORD, "claim_id": 8, "content": "-5 degrees"}], FIELDS, "csv"))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(FIELDS)
    assert rows[1] == [
        "7",
        "'" + RECORD["content"],  # a spreadsheet would run it: shown as text instead
        "true",
        '[{"value": 498.0, "counted": "servicemen"}]',
        "2024-03-01T12:00:00+00:00",
        "2024-03-01",
        "",
    ]
    assert rows[2][1] == "'-5 degrees"
    assert len(rows) == 3


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_defused_in_csv(start: str) -> None:
    text = "".join(export_lines([{**RECORD, "content": start + "1+1"}], FIELDS, "csv"))
    assert list(csv.reader(io.StringIO(text)))[1][1] == "'" + start + "1+1"


def test_csv_of_nothing_is_its_header() -> None:
    assert "".join(export_lines([], FIELDS, "csv")) == ",".join(FIELDS) + "\r\n"


def test_jsonl_is_verbatim_one_record_a_line() -> None:
    lines = list(export_lines([RECORD, RECORD], FIELDS, "jsonl"))
    assert len(lines) == 2 and all(line.endswith("\n") and line.count("\n") == 1 for line in lines)
    record = json.loads(lines[0])
    assert list(record) == list(FIELDS)
    assert record["content"] == RECORD["content"]  # no apostrophe: JSON readers don't run formulas
    assert record["shared_at"] == "2024-03-01T12:00:00+00:00"
    assert record["quantities"] == RECORD["quantities"]
    assert record["thread_link"] is None


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="csv, jsonl"):
        list(export_lines([RECORD], FIELDS, "xlsx"))
