"""A user's and an operator's first hour: wrong settings get one line that says what is wrong, and nothing
is left behind (issue "A user's and an operator's first hour").

Real processes of ``python -m bot.entry.cli`` where the exit code and stderr matter, the Slack stand-in
for Slack, real SQLite files and the real PostgreSQL.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import Result
from typer.testing import CliRunner

from bot.config import Settings
from bot.entry.cli import app
from bot.slack_standin import SlackStandin
from storage import db, models
from storage.search import MAX_LIMIT
from tests.plugins.app import ACME, SIGNING_SECRET, WORKSPACES

GOOD_TOKEN = WORKSPACES[ACME]["bot_token"]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
UNREACHABLE = "http://127.0.0.1:1/api/"  # nothing listens on port 1: refused at once


def claimbot(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The real command in a real process, with only the settings given (none from this environment)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CLAIMBOT_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot.entry.cli", *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def invoke(*args: str, env: dict[str, str]) -> Result:
    """The CLI in-process: real exit code and stderr, no spaCy needed by these commands."""
    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)


def last_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert lines, "nothing on stderr"
    return lines[-1]


def assert_one_clean_line(result: Any, *words: str) -> str:
    """Exit 1, no traceback, and the last stderr line (the CLI's message) says all of ``words``."""
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    line = last_line(result.stderr)
    assert line.startswith("claimbot: "), result.stderr
    for word in words:
        assert word in line, (word, result.stderr)
    return line


# -- item 3: Slack credentials are checked before starting -------------------------------------------------


@pytest.fixture
def slack_env(fresh_db_url: str, standin: SlackStandin) -> dict[str, str]:
    return {"DATABASE_URL": fresh_db_url, "CLAIMBOT_SLACK_API_URL": standin.base_url}


@pytest.mark.backends("sqlite")
def test_serve_with_a_wrong_bot_token_says_which_setting(slack_env: dict[str, str]) -> None:
    env = {**slack_env, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_BOT_TOKEN": "xoxb-not-a-real-token"}
    result = claimbot("serve", "--port", "0", env=env)
    line = assert_one_clean_line(result, "SLACK_BOT_TOKEN", "invalid_auth")
    assert "xoxb-not-a-real-token" not in result.stderr
    assert "gunicorn" not in result.stderr.lower() and "Worker" not in result.stderr, line


@pytest.mark.backends("sqlite")
def test_run_checks_the_bot_token_then_the_app_token(slack_env: dict[str, str]) -> None:
    wrong_bot = claimbot(
        "run", env={**slack_env, "SLACK_BOT_TOKEN": "xoxb-wrong", "SLACK_APP_TOKEN": "xapp-1-A0-1-x"}
    )
    assert_one_clean_line(wrong_bot, "SLACK_BOT_TOKEN", "invalid_auth")
    # A good bot token passes auth.test; the stand-in knows no app-level token, so Slack refuses that one.
    wrong_app = claimbot(
        "run", env={**slack_env, "SLACK_BOT_TOKEN": GOOD_TOKEN, "SLACK_APP_TOKEN": "xapp-1-A0-1-unknown"}
    )
    line = assert_one_clean_line(wrong_app, "SLACK_APP_TOKEN", "apps.connections.open")
    assert "SLACK_BOT_TOKEN" not in line
    not_app_level = claimbot(
        "run", env={**slack_env, "SLACK_BOT_TOKEN": GOOD_TOKEN, "SLACK_APP_TOKEN": GOOD_TOKEN}
    )
    assert_one_clean_line(not_app_level, "SLACK_APP_TOKEN", "xapp-")


@pytest.mark.backends("sqlite")
def test_run_loads_the_model_before_it_connects(slack_env: dict[str, str], standin: SlackStandin) -> None:
    """Socket Mode takes a sample page through the analysis before its first event, so a model that is
    not installed is said at start, in one line, not in the first shared link's thread."""
    standin.add_app_token("xapp-1-A0-1-good")
    env = {
        **slack_env,
        "SLACK_BOT_TOKEN": GOOD_TOKEN,
        "SLACK_APP_TOKEN": "xapp-1-A0-1-good",
        "CLAIMBOT_SPACY_MODEL": "en_no_such_model",
    }
    result = claimbot("run", env=env)
    assert_one_clean_line(result, "cannot load the spaCy model 'en_no_such_model'")


@pytest.mark.backends("sqlite")
def test_serve_says_a_missing_model_before_gunicorn_starts(slack_env: dict[str, str]) -> None:
    env = {
        **slack_env,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_BOT_TOKEN": GOOD_TOKEN,
        "CLAIMBOT_SPACY_MODEL": "en_no_such_model",
    }
    result = claimbot("serve", "--port", "0", env=env)
    assert_one_clean_line(result, "cannot load the spaCy model 'en_no_such_model'", "not installed")
    assert "gunicorn" not in result.stderr.lower()


@pytest.mark.backends("sqlite")
@pytest.mark.parametrize("command", ["run", "serve"])
def test_unreachable_slack_is_one_line(fresh_db_url: str, command: str) -> None:
    env = {
        "DATABASE_URL": fresh_db_url,
        "CLAIMBOT_SLACK_API_URL": UNREACHABLE,
        "SLACK_BOT_TOKEN": "xoxb-any",
        "SLACK_APP_TOKEN": "xapp-1-any",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
    }
    result = claimbot(command, env=env)
    assert_one_clean_line(result, f"cannot reach Slack at {UNREACHABLE}", "refused")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.backends("sqlite")
def test_every_missing_setting_is_listed_at_once(fresh_db_url: str) -> None:
    env = {"DATABASE_URL": fresh_db_url}
    run = claimbot("run", env=env)
    assert_one_clean_line(run, "SLACK_APP_TOKEN", "SLACK_BOT_TOKEN")
    serve = claimbot("serve", env=env)
    assert_one_clean_line(serve, "SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN")
    # Only the signing secret: gunicorn used to boot workers that crashed ("Worker failed to boot").
    secret_only = claimbot("serve", env={**env, "SLACK_SIGNING_SECRET": SIGNING_SECRET})
    line = assert_one_clean_line(secret_only, "SLACK_BOT_TOKEN", "SLACK_CLIENT_ID")
    assert "SLACK_SIGNING_SECRET" not in line
    half_oauth = claimbot(
        "serve", env={**env, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_CLIENT_ID": "111.222"}
    )
    assert_one_clean_line(half_oauth, "SLACK_CLIENT_SECRET")


# -- item 1: a wrong DATABASE_URL says what is wrong ------------------------------------------------------


def _pg(path: str, *, user: str = "postgres", port: int = 5432) -> str:
    return f"postgresql://{user}@127.0.0.1:{port}/{path}"


@pytest.mark.parametrize(
    ("url", "words"),
    [
        (_pg("claims", port=1), ["cannot connect to the database at", "Connection refused"]),
        (_pg("claimbot_no_such_db"), ["no such database 'claimbot_no_such_db'", "createdb"]),
        (_pg("postgres", user="nobody:s3cret-pw"), ["cannot connect", 'role "nobody" does not exist']),
        ("sqlite:////nonexistent-claimbot/x.db", ["folder /nonexistent-claimbot does not exist"]),
    ],
    ids=["refused", "no-database", "no-user", "no-sqlite-folder"],
)
@pytest.mark.parametrize("command", [("search", "x"), ("digest",), ("db", "current"), ("db", "upgrade")])
def test_a_wrong_database_url_says_what_is_wrong(
    url: str, words: list[str], command: tuple[str, ...]
) -> None:
    result = invoke(*command, env={"DATABASE_URL": url})
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert "not migrated" not in line
    for word in words:
        assert word in line, line
    assert "s3cret-pw" not in result.stderr + result.stdout


@pytest.mark.backends("postgresql")
def test_not_migrated_only_when_the_database_answers(fresh_db_url: str) -> None:
    db.downgrade(fresh_db_url, "base")
    result = invoke("search", "x", env={"DATABASE_URL": fresh_db_url})
    assert result.exit_code == 1
    assert "is not migrated: run `claimbot db upgrade`" in result.stderr


def test_a_schema_behind_head_names_both_revisions(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    db.upgrade(url, "0001")
    with pytest.raises(db.SchemaNotCurrent, match=r"it is at 0001, this code needs .*claimbot db upgrade"):
        db.ensure_current(db.make_engine(url))


# -- item 2: read-only commands never create a database, and never print a traceback ------------------------


@pytest.mark.parametrize("command", [("search", "x"), ("digest",), ("db", "current")])
def test_read_only_commands_leave_no_file_behind(tmp_path: Path, command: tuple[str, ...]) -> None:
    typo = tmp_path / "claimbto.db"
    result = invoke(*command, env={"DATABASE_URL": f"sqlite:///{typo}"})
    assert result.exit_code == 1
    assert f"there is no SQLite database at {typo}" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_app_refuses_a_missing_sqlite_file_without_creating_it(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.db"
    with pytest.raises(db.SchemaNotCurrent):
        db.ensure_current(db.make_engine(f"sqlite:///{missing}"))
    assert not missing.exists()


def test_db_upgrade_creates_the_database_that_search_then_reads(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}"}
    assert invoke("db", "upgrade", env=env).exit_code == 0
    searched = invoke("search", "x", env=env)
    assert searched.exit_code == 0, searched.stderr


def test_db_current_with_a_bad_url_prints_one_line_not_a_traceback() -> None:
    result = claimbot("db", "current", env={"DATABASE_URL": _pg("claims", port=1)})
    assert_one_clean_line(result, "Connection refused")
    assert len(result.stderr.strip().splitlines()) == 1


# -- item 4: no "token will be unused" warning on start ------------------------------------------------------


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.mark.backends("sqlite")
def test_start_logs_no_token_unused_warning(
    fresh_db_url: str, standin: SlackStandin, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.entry.app import build_deps, create_app
    from bot.services import Services

    monkeypatch.setenv("SLACK_BOT_TOKEN", GOOD_TOKEN)  # as a deployment sets it: Bolt reads it too
    settings = Settings(
        _env_file=None,
        database_url=fresh_db_url,
        slack_api_url=standin.base_url,
        slack_signing_secret=SIGNING_SECRET,
    )
    records = _Records()
    bolt_log = logging.getLogger("bot.slack")
    bolt_log.addHandler(records)
    services = Services.create(settings, check_schema=False)
    try:
        deps = build_deps(services)
        app_ = create_app(deps)
        deps.queue.close()
    finally:
        bolt_log.removeHandler(records)
        services.close()
    assert app_.client.token == GOOD_TOKEN
    assert not [m for m in records.messages if "token" in m and "unused" in m], records.messages


# -- item 5: the app's log lines in both run modes, JSON on request, secrets redacted ------------------------


@pytest.fixture
def our_loggers() -> Iterator[None]:
    """Put our loggers back as they were: configuring logging is process-wide."""
    from bot.logs import OUR_LOGGERS

    saved = [(logging.getLogger(n), logging.getLogger(n).handlers[:]) for n in OUR_LOGGERS]
    levels = [(log, log.level, log.propagate) for log, _ in saved]
    yield
    for log, handlers in saved:
        log.handlers = handlers
    for log, level, propagate in levels:
        log.setLevel(level)
        log.propagate = propagate


@pytest.mark.backends("sqlite")
def test_run_logs_json_lines_at_the_configured_level(slack_env: dict[str, str]) -> None:
    env = {
        **slack_env,
        "SLACK_BOT_TOKEN": GOOD_TOKEN,
        "SLACK_APP_TOKEN": "xapp-1-A0-1-unknown",
        "CLAIMBOT_LOG_FORMAT": "json",
    }
    result = claimbot("run", env=env)
    *logged, message = result.stderr.strip().splitlines()
    assert message.startswith("claimbot: ") and "SLACK_APP_TOKEN" in message
    records = [json.loads(line) for line in logged]  # one JSON object per line
    assert any(r["level"] == "INFO" and ACME in r["message"] for r in records), records
    assert {"time", "level", "logger", "message"} <= set(records[0])
    assert GOOD_TOKEN not in result.stderr
    quiet = claimbot("run", env={**env, "CLAIMBOT_LOG_LEVEL": "WARNING"})
    assert len(quiet.stderr.strip().splitlines()) == 1, quiet.stderr
    bad = claimbot("run", env={**env, "CLAIMBOT_LOG_FORMAT": "xml"})
    assert bad.returncode == 2 and "CLAIMBOT_LOG_FORMAT" in bad.stderr


def test_json_log_lines_carry_ids_and_no_secret(
    our_loggers: None, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.entry.cli import setup_app_logging

    settings = Settings(
        _env_file=None,
        slack_bot_token="xoxb-123-secret-token",
        slack_signing_secret="plain-signing-secret-value",
        log_format="json",
    )
    setup_app_logging(settings)
    log = logging.getLogger("bot.jobs.shares")
    ids = {"share_id": 7, "team": "T0ACME", "channel": "C0NEWS", "event_id": "Ev01"}
    log.info("posting with %s and %s", "xoxb-123-secret-token", "plain-signing-secret-value", extra=ids)
    log.debug("not at INFO")
    (line,) = capsys.readouterr().err.strip().splitlines()
    record = json.loads(line)
    assert {k: record[k] for k in ids} == ids
    assert record["level"] == "INFO" and record["logger"] == "bot.jobs.shares"
    assert "secret" not in line, line


# -- item 9: honest options --------------------------------------------------------------------------------


def test_limit_over_the_real_cap_is_refused(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}"}
    assert invoke("db", "upgrade", env=env).exit_code == 0
    assert invoke("search", "x", "--limit", str(MAX_LIMIT), env=env).exit_code == 0
    over = invoke("search", "x", "--limit", str(MAX_LIMIT + 1), env=env)
    assert over.exit_code == 2 and f"{MAX_LIMIT}" in over.stderr


def _help(*command: str) -> str:
    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    return result.stdout


def test_help_names_only_options_that_exist_and_flags_take_no_value() -> None:

    import typer.main

    for command in (["search"], ["digest"], ["extract"], ["ingest"]):
        text = _help(*command)
        click_command = typer.main.get_command(app).commands[command[0]]  # type: ignore[attr-defined]
        names = {o for p in click_command.params for o in (*p.opts, *p.secondary_opts)} | {"--help"}
        assert set(re.findall(r"--[a-z][a-z-]+", text)) <= names, command
    assert f"at most {MAX_LIMIT}" in _help("search")
    for command in (["search"], ["extract"], []):
        for row in _help(*command).splitlines():
            if "--json" in row or "--verbose" in row or "--version" in row:
                assert "<bool>" not in row, row


def test_version_is_the_package_version() -> None:
    from importlib.metadata import version

    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"claimbot {version('claimbot')}"


def test_search_channel_shows_that_private_channels_claims(fresh_db_url: str) -> None:
    from sqlalchemy.orm import Session

    from storage import repository
    from tests.storage.factories import claim, new_article

    engine = db.make_engine(fresh_db_url)
    try:
        with Session(engine) as session:
            repository.store_article(session, new_article(title="Bridge"), [claim("the bridge is closed")])
            session.commit()
        with engine.begin() as conn:
            conn.execute(
                sa.update(models.SearchEntry).values(team="T0ACME", channel="G0DESK", private=True)
            )
    finally:
        engine.dispose()
    env = {"DATABASE_URL": fresh_db_url}
    outside = invoke("search", "bridge", "--json", "--team", "T0ACME", env=env)
    inside = invoke("search", "bridge", "--json", "--team", "T0ACME", "--channel", "G0DESK", env=env)
    assert outside.exit_code == inside.exit_code == 0, inside.stderr
    assert outside.stdout.strip() == ""
    assert [json.loads(line)["content"] for line in inside.stdout.splitlines()] == ["the bridge is closed"]


# -- item 10: on a terminal, the ingest bar and the printed cards don't run together ----------------------

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def on_a_terminal(*args: str, env: dict[str, str], timeout: float = 180) -> str:
    """Run the command with stdout and stderr on one pseudo-terminal, as a user sees it; return the screen
    stream with the colour and cursor codes taken out (carriage returns kept)."""
    import pty
    import select

    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CLAIMBOT_", "DATABASE_"))}
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.entry.cli", *args],
        env={**base, "TERM": "xterm", "COLUMNS": "200", **env},
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
    )
    os.close(follower)
    chunks: list[bytes] = []
    try:
        while True:
            ready, _, _ = select.select([leader], [], [], timeout)
            if not ready:
                raise AssertionError("the command hung")
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: the command is done
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        process.wait(timeout=30)
        os.close(leader)
    return ANSI.sub("", b"".join(chunks).decode("utf-8", "replace"))


@pytest.mark.backends("sqlite")
def test_ingest_bar_and_cards_do_not_collide_on_a_terminal(fresh_db_url: str) -> None:
    samples = FIXTURES
    inputs = [str(samples / name) for name in ("council-flood-defences.html", "northvale-layoffs.html")]
    screen = on_a_terminal("ingest", *inputs, env={"DATABASE_URL": fresh_db_url})
    titles = [json.loads((p.with_suffix(".expected.json")).read_text())["title"] for p in map(Path, inputs)]
    segments = [seg for line in screen.split("\n") for seg in line.split("\r")]
    for title in titles:
        holding = [seg for seg in segments if title in seg]
        assert holding, (title, screen[-2000:])
        # The bar's own text (n/2 and the elapsed time) never shares a line with a card.
        assert not [seg for seg in holding if re.search(r"\d/2\b|\d:\d\d:\d\d", seg)], holding
