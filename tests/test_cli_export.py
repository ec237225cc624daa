"""`claimbot export`: every field of the matching claims, CSV or JSON Lines, to stdout or a file, on both
databases; bad input gets one line on stderr and a non-zero exit."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from bot.entry.cli import app
from storage import db
from storage.export import FIELDS
from tests.storage.factories import KONASHENKOV, ZELENSKY, claim, new_article, shared


@pytest.fixture
def env(fresh_db_url: str) -> Iterator[dict[str, str]]:
    engine: Engine = db.make_engine(fresh_db_url)
    with Session(engine) as session:
        shared(session, new_article(title="A"), [claim("tanks crossed the river", KONASHENKOV)], team="T1")
        shared(
            session,
            new_article(title="B"),
            [claim("=tanks were shelled, twice", ZELENSKY)],
            team="T1",
            channel="G1",
            channel_name="secret",
            private=True,
        )
        shared(session, new_article(title="C"), [claim("tanks left the town", ZELENSKY)], team="T2")
        session.commit()
    engine.dispose()
    yield {"DATABASE_URL": fresh_db_url}


def cli(*args: str, env: dict[str, str]) -> Result:
    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)


def test_csv_to_stdout_has_every_field_of_every_claim(env: dict[str, str]) -> None:
    result = cli("export", "tanks", env=env)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == list(FIELDS)
    assert [(r["content"], r["team"], r["article_title"]) for r in rows] == [
        ("tanks left the town", "T2", "C"),
        ("'=tanks were shelled, twice", "T1", "B"),  # a spreadsheet formula, defused
        ("tanks crossed the river", "T1", "A"),
    ]
    assert rows[1]["channel_private"] == "true"


def test_jsonl_to_a_file_as_a_workspace_member_sees_it(env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "claims.jsonl"
    result = cli("export", "--format", "jsonl", "--team", "T1", "--output", str(out), env=env)
    assert result.exit_code == 0, result.output
    assert "1 record(s) written to" in result.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["content"], r["source"], r["channel"]) for r in records] == [
        ("tanks crossed the river", "Igor Konashenkov", "C1")
    ]

    inside = cli("export", "--format", "jsonl", "--team", "T1", "--channel", "#secret", env=env)
    assert [json.loads(line)["content"] for line in inside.stdout.splitlines()] == [
        "=tanks were shelled, twice",  # JSON Lines are verbatim
        "tanks crossed the river",
    ]


def test_limit_and_an_empty_result(env: dict[str, str]) -> None:
    limited = cli("export", "--limit", "1", "--format", "jsonl", env=env)
    assert len(limited.stdout.splitlines()) == 1
    nothing = cli("export", "zeppelin", env=env)
    assert nothing.exit_code == 0
    assert nothing.stdout_bytes == (",".join(FIELDS) + "\r\n").encode()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("export", '"tanks'), 1, "bad query: unclosed quote"),
        (("export", "tanks", "--format", "xlsx"), 2, "--format must be one of: csv, jsonl"),
        (("export", "tanks", "--channel", "C1"), 2, "--channel needs --team"),
    ],
)
def test_bad_input_is_one_line_on_stderr(
    env: dict[str, str], args: tuple[str, ...], code: int, message: str
) -> None:
    result = cli(*args, env=env)
    assert result.exit_code == code
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_an_unwritable_output_is_refused(env: dict[str, str], tmp_path: Path) -> None:
    result = cli("export", "tanks", "--output", str(tmp_path / "missing" / "x.csv"), env=env)
    assert result.exit_code == 1
    assert "cannot write" in result.stderr
