"""Hostile Slack input, end to end over signed HTTP: any /claims text, and events of any shape.

Queries never error and never reach SQL as code: each gets an ephemeral answer (results or one warning line)
and the claim table is unchanged afterwards. Malformed events get a 200 (Slack would otherwise redeliver),
no reply, no row, and a log line that says why they were dropped.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import pytest
from sqlalchemy import func, select

from storage import models
from storage.search import MAX_QUERY_CHARS
from tests.plugins.app import ACME, ALICE, NEWS, SlackHarness

SEED = "seed-russian-losses.html"

HOSTILE_QUERIES = [
    '"',
    '""',
    '"unterminated phrase',
    "%",
    "_",
    "*",
    "%_%",
    "mari*",
    "mariupol*",
    "NEAR(mariupol kyiv)",
    "mariupol OR 1=1",
    "mariupol AND NOT x",
    "-mariupol",
    "^mariupol",
    "(mariupol",
    "mariupol)",
    "{content}: mariupol",
    "content:mariupol",
    "claim_fts MATCH 'x'",
    "mariupol & kyiv | !x",
    "mariupol <-> kyiv",
    "mariupol:*",
    "'; DROP TABLE claim; --",
    '" OR 1=1 --',
    "mariupol'); DELETE FROM claim; --",
    "1; UPDATE claim SET content='pwned'",
    "source:",
    'source:"',
    "source:'; DROP TABLE source; --",
    "since:",
    "since:99999999999999999999d",
    "since:-1d",
    "in:#",
    "in:<#C0NEWS|news>",
    "in:'; DROP TABLE share; --",
    "\\",
    "\\x00 \x00 nul",
    "\u200b\u200f\u202e mariupol",
    "مرحبا 🦀 Ünïcödé",
    "*" * 300,
    ('"a" OR b* % _ \'; -- ' * 40)[: MAX_QUERY_CHARS - 1],  # just under the limit: reaches the search
    "mariupol " * 1_111,  # 10,000 characters
    "x" * 10_000,
]


def run_command(slack: SlackHarness, text: str) -> dict[str, Any]:
    key = f"cmd-{slack.next_ts()}"
    response = slack.sender.command(
        ACME, NEWS, ALICE, "/claims", text, response_url=slack.standin.response_url(key, channel=NEWS)
    )
    assert response.status_code == 200, (text[:80], response.status_code)
    return slack.standin.wait_for(f"response_url:{key}", timeout=20)[0].params


def claim_rows(slack: SlackHarness) -> list[tuple[Any, ...]]:
    with slack.services.transaction() as session:
        return [tuple(row) for row in session.execute(select(models.Claim.id, models.Claim.content)).all()]


def test_hostile_queries_get_an_answer_and_leave_the_claims_alone(
    slack: SlackHarness, page_server: Any
) -> None:
    slack.share(page_server.url(SEED))
    slack.standin.wait_for("chat.postMessage", where=lambda c: c.ok, timeout=30)
    slack.idle()
    before = claim_rows(slack)
    assert len(before) > 5
    warnings = 0
    for query in HOSTILE_QUERIES:
        message = run_command(slack, query)
        label = repr(query[:60])
        assert message["response_type"] == "ephemeral", label
        text = message["text"]
        if text.startswith(":warning:"):
            warnings += 1
            assert "\n" not in text and len(text) < 400, label
            assert "went wrong" not in text and "failed on our side" not in text, label
        else:
            assert "No claims match" in text or "Konashenkov" in json.dumps(message.get("blocks")), label
    assert claim_rows(slack) == before
    assert warnings < len(HOSTILE_QUERIES)  # most are searched, safely; not everything is refused
    # The search still works after all that.
    assert "Konashenkov" in json.dumps(run_command(slack, "konashenkov").get("blocks"))


def test_a_ten_thousand_character_query_is_refused_in_one_line(slack: SlackHarness) -> None:
    message = run_command(slack, "mariupol " * 1_111)
    assert message["response_type"] == "ephemeral"
    assert message["text"].startswith(":warning: that query is too long") and "\n" not in message["text"]


# --------------------------------------------------------------------------------------------- events


def envelope(slack: SlackHarness, event: Any, *, drop_event: bool = False) -> dict[str, Any]:
    body = slack.sender.event_envelope(ACME, {"type": "message"})
    body["event"] = event
    if drop_event:
        del body["event"]
    return body


def message(slack: SlackHarness, page_server: Any, **changes: Any) -> dict[str, Any]:
    """A message event sharing the seed link, with fields removed (None) or replaced."""
    event = slack.sender.message_event(ACME, NEWS, ALICE, f"read {page_server.url(SEED)}", ts=slack.next_ts())
    for key, value in changes.items():
        if value is None:
            event.pop(key, None)
        else:
            event[key] = value
    return event


MALFORMED: dict[str, tuple[Any, str]] = {
    # name: (how to build the body from (slack, page_server), what the log line says)
    "no_event": (lambda s, p: envelope(s, None, drop_event=True), "without a usable event (missing)"),
    "event_without_type": (lambda s, p: envelope(s, {"text": "hi", "ts": "1.0"}), "no event type"),
    "no_ts": (lambda s, p: envelope(s, message(s, p, ts=None)), "without a ts"),
    "ts_not_a_string": (lambda s, p: envelope(s, message(s, p, ts=1772400000.5)), "without a ts"),
    "no_channel": (lambda s, p: envelope(s, message(s, p, channel=None)), "without a channel"),
    "no_text_no_blocks": (
        lambda s, p: envelope(s, message(s, p, text=None, blocks=None)),
        "without text or blocks",
    ),
    "text_wrong_type_blocks_wrong_shape": (
        lambda s, p: envelope(s, message(s, p, text={"oops": 1}, blocks="not blocks")),
        "blocks of an unexpected shape",
    ),
    "unknown_subtype": (lambda s, p: envelope(s, message(s, p, subtype="brand_new_subtype")), "subtype"),
    "message_changed_without_message": (
        lambda s, p: envelope(s, {"type": "message", "subtype": "message_changed", "channel": NEWS}),
        "message_changed without a message object",
    ),
    "unknown_event_type": (
        lambda s, p: envelope(s, {"type": "reaction_added", "user": ALICE, "reaction": "eyes"}),
        "ignoring event of type 'reaction_added'",
    ),
    "mention_without_channel": (
        lambda s, p: envelope(s, {**message(s, p, channel=None, channel_type=None), "type": "app_mention"}),
        "app_mention",
    ),
    "home_opened_without_user": (
        lambda s, p: envelope(s, {"type": "app_home_opened", "tab": "home"}),
        "app_home_opened without a user",
    ),
}


# Bolt's own authorization middleware calls body["event"].get(...) before any middleware an app adds, so an
# `event` that is not an object ends in a 500 there. The fix is one line in bot/app.py (not ours to edit):
# App(before_authorize=handlers.events.guard.malformed_event_guard). strict: this fails once that lands.
NOT_AN_OBJECT: dict[str, tuple[Any, str]] = {
    "event_is_a_list": (lambda s, p: envelope(s, ["message"]), "without a usable event (type list"),
    "event_is_a_string": (lambda s, p: envelope(s, "message"), "without a usable event (type str"),
}


def wait_for_log(caplog: pytest.LogCaptureFixture, needle: str, timeout: float = 10) -> str | None:
    """Listeners run after the ack, in a worker thread: their log line may come a moment later."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for record in list(caplog.records):
            if needle in record.getMessage():
                return record.getMessage()
        time.sleep(0.05)
    return None


@pytest.fixture
def bot_logs(caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> pytest.LogCaptureFixture:
    """Our loggers' records at DEBUG, even after a CLI test turned their propagation off."""
    for name in ("bot", "handlers"):
        monkeypatch.setattr(logging.getLogger(name), "propagate", True)
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


@pytest.mark.parametrize("name", list(MALFORMED))
def test_malformed_events_are_acked_logged_and_ignored(
    slack: SlackHarness, page_server: Any, bot_logs: pytest.LogCaptureFixture, name: str
) -> None:
    check_ignored(slack, page_server, bot_logs, *MALFORMED[name])


@pytest.mark.parametrize("name", list(NOT_AN_OBJECT))
def test_an_event_that_is_not_an_object_is_acked_logged_and_ignored(
    slack: SlackHarness, page_server: Any, bot_logs: pytest.LogCaptureFixture, name: str
) -> None:
    check_ignored(slack, page_server, bot_logs, *NOT_AN_OBJECT[name])


def check_ignored(
    slack: SlackHarness, page_server: Any, bot_logs: pytest.LogCaptureFixture, build: Any, why: str
) -> None:
    body = build(slack, page_server)
    response = slack.sender.signed_post(json.dumps(body).encode(), "application/json")
    assert response.status_code == 200, response.text
    assert wait_for_log(bot_logs, why), [r.getMessage() for r in bot_logs.records]
    slack.idle()
    assert slack.standin.calls_to("chat.postMessage") == []
    assert slack.standin.calls_to("views.publish") == []
    with slack.services.transaction() as session:
        assert session.scalar(select(func.count()).select_from(models.Share)) == 0
    assert not [r for r in bot_logs.records if r.levelno >= logging.ERROR]


def test_blocks_of_the_wrong_shape_do_not_hide_a_link_in_the_text(
    slack: SlackHarness, page_server: Any, bot_logs: pytest.LogCaptureFixture
) -> None:
    event = message(slack, page_server, blocks=[1, None, "x", {"elements": "not a list"}])
    slack.standin.add_message(event)
    assert slack.sender.event(ACME, event).status_code == 200
    call = slack.standin.wait_for("chat.postMessage", where=lambda c: c.ok, timeout=30)[0]
    slack.idle()
    assert call.params["thread_ts"] == event["ts"] and "Konashenkov" in json.dumps(call.params["blocks"])
    assert wait_for_log(bot_logs, "blocks of an unexpected shape")
