"""An operator's log of a share: JSON lines that name the share, the workspace and the channel."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot import logs
from tests.plugins.app import ACME, NEWS, WORKSPACES, SlackHarness


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """Our loggers as `CLAIMBOT_LOG_FORMAT=json` sets them, into a buffer; put back afterwards."""
    saved = {
        n: (logging.getLogger(n).handlers, logging.getLogger(n).level, logging.getLogger(n).propagate)
        for n in logs.OUR_LOGGERS
    }
    buffer = io.StringIO()
    logs.configure("INFO", "json", stream=buffer)
    yield buffer
    for name, (handlers, level, propagate) in saved.items():
        log = logging.getLogger(name)
        log.handlers, log.level, log.propagate = handlers, level, propagate


def test_a_share_is_logged_with_its_ids_and_no_token(
    slack: SlackHarness, page_server, json_log: io.StringIO
) -> None:
    event = slack.share(page_server.url("seed-russian-losses.html"))
    slack.standin.wait_for("chat.postMessage", where=lambda c: c.params.get("thread_ts") == event["ts"])
    slack.idle()
    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    recorded = next(r for r in lines if r["message"].startswith("shares "))
    replied = next(r for r in lines if r["message"].startswith("replied to shares"))
    assert (recorded["team"], recorded["channel"]) == (ACME, NEWS) and recorded["event_id"]
    assert replied["share_ids"] == recorded["share_ids"] and replied["channel"] == NEWS
    assert WORKSPACES[ACME]["bot_token"] not in json_log.getvalue()
