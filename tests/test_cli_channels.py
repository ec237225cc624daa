"""`claimbot digest --channel` and `search --channel` take a channel as /claims in: does: its id or its name,
with or without '#' (issue "A user's first hour", item 7), on both databases.

`ingest --channel news` files claims under the channel id "news"; a Slack share has an id (C0NEWS) and a
name ("news"). Claims are stored with the storage factories (the commands need no spaCy).
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from bot.entry.cli import app
from storage import db
from tests.storage.factories import claim, new_article, shared


@pytest.fixture
def env(fresh_db_url: str) -> dict[str, str]:
    engine = db.make_engine(fresh_db_url)
    try:
        with Session(engine) as session:
            art = new_article
            river = [claim("tanks crossed the river")]
            shared(session, art(title="CLI"), river, team="local", channel="news", channel_name=None)
            shared(session, art(title="Slack"), [claim("tanks were spotted at dawn")], channel="C0NEWS",
                   channel_name="news")  # fmt: skip
            shared(session, art(title="Leak"), [claim("tanks in a private channel")], channel="G0LEAKS",
                   channel_name="leaks", private=True)  # fmt: skip
            session.commit()
    finally:
        engine.dispose()
    return {"DATABASE_URL": fresh_db_url}


def cli(*args: str, env: dict[str, str]) -> str:
    result = CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("channel", ["#news", "news", "NEWS"])
def test_digest_channel_by_name_with_or_without_hash(env: dict[str, str], channel: str) -> None:
    both = cli("digest", "--since", "1h", "--channel", channel, env=env)
    assert f"Claims shared in {channel}" in both and "(2 articles, 2 claims)" in both, both
    assert "tanks crossed the river" in both and "tanks were spotted at dawn" in both
    local = cli("digest", "--since", "1h", "--channel", channel, "--team", "local", env=env)
    assert "(1 article, 1 claim)" in local and "tanks crossed the river" in local
    slack = cli("digest", "--since", "1h", "--channel", channel, "--team", "T1", env=env)
    assert "(1 article, 1 claim)" in slack and "tanks were spotted at dawn" in slack


def test_digest_channel_by_id_and_unknown(env: dict[str, str]) -> None:
    assert "tanks were spotted at dawn" in cli("digest", "--since", "1h", "--channel", "C0NEWS", env=env)
    nothing = cli("digest", "--since", "1h", "--channel", "#nosuch", env=env)
    assert "(0 articles, 0 claims)" in nothing and "Nothing shared." in nothing


def test_search_in_and_channel_forms(env: dict[str, str]) -> None:
    def found(*args: str) -> list[str]:
        return [json.loads(line)["content"] for line in cli("search", *args, "--json", env=env).splitlines()]

    assert found("tanks in:#news") == ["tanks were spotted at dawn", "tanks crossed the river"]
    assert found("in:news") == ["tanks were spotted at dawn", "tanks crossed the river"]
    assert found("tanks in:news", "--team", "local") == ["tanks crossed the river"]
    assert found("tanks", "--team", "T1") == ["tanks were spotted at dawn"]  # #leaks is private
    for channel in ("#leaks", "leaks", "G0LEAKS"):
        assert found("tanks", "--team", "T1", "--channel", channel) == [
            "tanks in a private channel",
            "tanks were spotted at dawn",
        ], channel
