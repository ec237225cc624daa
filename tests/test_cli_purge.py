"""`claimbot purge` and `claimbot stats`, run in-process like the other CLI tests, on both databases.

Rows are stored with the storage factories (no spaCy). The world, counted by hand:

- T1/C1: article A (Konashenkov, Rogan) and article B (Zelensky); T1/C2: article E (Zelensky);
- T2/D1: B again, and D (Konashenkov);
- a digest in T1/C1, settings for T1/C1 and T1/C2 and T2/D1, event ids: two of T1, one of T2.

Purging T1 removes its 3 shares and their 4 search entries, A and E with their 3 claims, Rogan (Konashenkov
still speaks in D, Zelensky in B), the digest, two channel settings and two event ids: 18 rows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import Result
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from bot.entry.cli import app
from storage import db, retention
from storage import repository as repo
from storage.models import Base, Share
from tests.storage.factories import KONASHENKOV, ROGAN, ZELENSKY, claim, new_article, shared

T1_COUNTS = {
    "search_entry": 4,
    "share": 3,
    "article": 2,
    "claim": 3,
    "source": 1,
    "digest": 1,
    "channel_settings": 2,
    "slack_event": 2,
}
T1_C2_COUNTS = {"search_entry": 1, "share": 1, "article": 1, "claim": 1, "channel_settings": 1}
TABLES = ("article", "claim", "source", "share", "search_entry", "digest", "channel_settings", "slack_event")
ROW = re.compile(r"^(\w+)\s+([\d,]+)$")


@pytest.fixture
def db_engine(fresh_db_url: str) -> Iterator[Engine]:
    engine = db.make_engine(fresh_db_url)
    with Session(engine) as session:
        a = new_article(title="A")
        a_claims = [claim("tanks crossed the river", KONASHENKOV), claim("tanks were shelled", ROGAN)]
        shared(session, a, a_claims, team="T1", channel="C1")
        b = new_article(title="B")
        shared(session, b, [claim("tanks advanced at dawn", ZELENSKY)], team="T1", channel="C1")
        shared(session, b, [], team="T2", channel="D1")
        shared(session, new_article(title="E"), [claim("tanks left the town", ZELENSKY)], team="T1",
               channel="C2")  # fmt: skip
        shared(session, new_article(title="D"), [claim("tanks retreated", KONASHENKOV)], team="T2",
               channel="D1")  # fmt: skip
        repo.claim_digest(session, team="T1", channel="C1", local_date=dt.date(2026, 3, 2))
        for team, channel in (("T1", "C1"), ("T1", "C2"), ("T2", "D1")):
            repo.set_digest(session, team=team, channel=channel, enabled=True)
        for team, event_id in (("T1", "Ev1"), ("T1", "Ev2"), ("T2", "Ev3")):
            repo.remember_event(session, team, event_id)
        session.commit()
    yield engine
    engine.dispose()


@pytest.fixture
def env(fresh_db_url: str, db_engine: Engine) -> dict[str, str]:
    return {"DATABASE_URL": fresh_db_url}


def cli(*args: str, env: dict[str, str]) -> Result:
    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)


def everything(engine: Engine) -> dict[str, dict[int, tuple[Any, ...]]]:
    """Every row of every table a purge may touch, by id."""
    with engine.connect() as conn:
        return {
            name: {row.id: tuple(row) for row in conn.execute(sa.select(Base.metadata.tables[name]))}
            for name in TABLES
        }


def printed_counts(output: str) -> list[tuple[str, int]]:
    """The table lines of purge's output, in the order printed."""
    rows = [ROW.match(line) for line in output.splitlines()]
    return [(m[1], int(m[2].replace(",", ""))) for m in rows if m]


def in_order(counts: dict[str, int]) -> list[tuple[str, int]]:
    return [(t, counts[t]) for t in retention.TABLES if counts.get(t)]


def test_dry_run_prints_the_counts_and_removes_nothing(env: dict[str, str], db_engine: Engine) -> None:
    before = everything(db_engine)
    result = cli("purge", "--team", "T1", env=env)
    assert result.exit_code == 0, result.output
    assert printed_counts(result.stdout) == in_order(T1_COUNTS)
    assert result.stdout.splitlines()[-2:] == [
        "T1: would remove 18 row(s)",
        "dry run: nothing removed; add --yes to remove",
    ]
    assert everything(db_engine) == before


def test_yes_removes_and_prints_the_same_counts(env: dict[str, str], db_engine: Engine) -> None:
    dry = cli("purge", "--team", "T1", env=env)
    before = everything(db_engine)
    result = cli("purge", "--team", "T1", "--yes", env=env)
    assert result.exit_code == 0, result.output
    assert printed_counts(result.stdout) == printed_counts(dry.stdout) == in_order(T1_COUNTS)
    assert result.stdout.splitlines()[-1] == "T1: removed 18 row(s)"
    assert "dry run" not in result.stdout
    after = everything(db_engine)
    gone = {name: len(before[name].keys() - after[name].keys()) for name in TABLES}
    assert {name: n for name, n in gone.items() if n} == T1_COUNTS
    assert all(before[name][k] == row for name in TABLES for k, row in after[name].items())  # only gone
    with Session(db_engine) as session:
        assert session.scalars(sa.select(Share.team).distinct()).all() == ["T2"]
    left = cli("search", "tanks", "--json", env=env).stdout
    assert "tanks retreated" in left and "tanks advanced at dawn" in left  # T2's, B shared there too
    assert "tanks crossed the river" not in left and "tanks left the town" not in left
    again = cli("purge", "--team", "T1", "--yes", env=env)
    assert again.exit_code == 0 and again.stdout.strip() == "T1: nothing to remove"


def test_a_channel_purge_removes_that_channel_only(env: dict[str, str], db_engine: Engine) -> None:
    dry = cli("purge", "--team", "T1", "--channel", "#C2", env=env)
    assert printed_counts(dry.stdout) == in_order(T1_C2_COUNTS)
    assert "T1/C2: would remove 5 row(s)" in dry.stdout
    result = cli("purge", "--team", "T1", "--channel", "C2", "--yes", env=env)
    assert result.exit_code == 0, result.output
    assert printed_counts(result.stdout) == in_order(T1_C2_COUNTS)
    assert result.stdout.splitlines()[-1] == "T1/C2: removed 5 row(s)"
    with Session(db_engine) as session:
        left = session.execute(sa.select(Share.team, Share.channel).order_by(Share.id)).all()
        assert [tuple(r) for r in left] == [("T1", "C1"), ("T1", "C1"), ("T2", "D1"), ("T2", "D1")]
        assert repo.channel_settings(session, "T1", "C1") is not None
        assert repo.channel_settings(session, "T1", "C2") is None
    assert printed_counts(cli("purge", "--team", "T1", env=env).stdout) == in_order(
        {"search_entry": 3, "share": 2, "article": 1, "claim": 2, "source": 1, "digest": 1}
        | {"channel_settings": 1, "slack_event": 2}
    )


def stats_rows(output: str) -> dict[str, list[str]]:
    """Workspace rows of the stats table: team id -> its cells."""
    rows = {}
    for line in output.splitlines():
        cells = [c.strip() for c in re.split(r"[│┃]", line)[1:-1]]
        if cells and re.fullmatch(r"T\w+", cells[0]):
            rows[cells[0]] = cells
    return rows


def test_stats_lists_workspaces(env: dict[str, str], db_engine: Engine) -> None:
    with Session(db_engine) as session:
        retention.mark_uninstalled(
            session, "T0GONE", "app_uninstalled", dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
        )
        session.commit()
    result = cli("stats", env=env)
    assert result.exit_code == 0, result.output
    assert re.search(r"database: [\d.,]+ MB", result.stdout)
    rows = stats_rows(result.stdout)
    assert sorted(rows) == ["T0GONE", "T1", "T2"]
    # shares, articles, claims
    assert rows["T1"][1:4] == ["3", "3", "4"]
    assert rows["T2"][1:4] == ["2", "2", "2"]
    assert rows["T0GONE"][1:4] == ["0", "0", "0"]
    cli("purge", "--team", "T1", "--yes", env=env)
    assert sorted(stats_rows(cli("stats", env=env).stdout)) == ["T0GONE", "T2"]


def test_stats_prints_whole_dates_in_80_columns(env: dict[str, str], db_engine: Engine) -> None:
    """80 columns is what rich assumes when stdout is not a terminal (`claimbot stats | less`, a cron mail):
    the dates are what the command is for, they must not be cut to "2026-12-…"."""
    with Session(db_engine) as session:
        retention.mark_uninstalled(session, "T2", "app_uninstalled", dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
        session.commit()
        first, last = session.execute(
            sa.select(sa.func.min(Share.created_at), sa.func.max(Share.created_at))
        ).one()
    result = cli("stats", env={**env, "COLUMNS": "80"})
    oldest, newest = first.strftime("%Y-%m-%d"), last.strftime("%Y-%m-%d")
    rows = stats_rows(result.stdout)
    assert rows["T1"][4:] == [oldest, newest, "-"], result.stdout
    assert rows["T2"][4:] == [oldest, newest, "2026-03-01"], result.stdout


def one_line_error(result: Result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def test_missing_or_empty_team_is_refused(env: dict[str, str], db_engine: Engine) -> None:
    before = everything(db_engine)
    missing = cli("purge", env=env)
    assert missing.exit_code == 2 and "Missing option '--team'" in missing.stderr
    no_value = cli("purge", "--team", env=env)
    assert no_value.exit_code == 2 and "'--team' requires an argument" in no_value.stderr
    for empty in ("", "   "):
        result = cli("purge", "--team", empty, "--yes", env=env)
        assert result.exit_code == 2
        assert one_line_error(result) == "claimbot: --team needs a team id (e.g. T0123ABCD)"
    assert everything(db_engine) == before


@pytest.mark.parametrize("channel", ["#", "  ", ""])
def test_an_empty_channel_is_refused_not_read_as_the_whole_workspace(
    env: dict[str, str], db_engine: Engine, channel: str
) -> None:
    """`--channel "#"` (or a blank one, say from an unset shell variable) asks for one channel: it must not
    purge every channel of the workspace."""
    before = everything(db_engine)
    result = cli("purge", "--team", "T1", "--channel", channel, "--yes", env=env)
    assert everything(db_engine) == before, result.stdout
    assert result.exit_code != 0
    assert one_line_error(result).startswith("claimbot: ")


@pytest.mark.parametrize("command", [("purge", "--team", "T1", "--yes"), ("stats",)])
def test_a_missing_database_is_one_line_and_no_new_file(command: tuple[str, ...], tmp_path: Any) -> None:
    path = tmp_path / "typo.db"
    result = cli(*command, env={"DATABASE_URL": f"sqlite:///{path}"})
    assert result.exit_code == 1
    assert one_line_error(result).startswith(f"claimbot: there is no SQLite database at {path}")
    assert not path.exists()
