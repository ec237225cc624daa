"""Slack down, unreachable or refusing: the reply stays owed, is retried with backoff and lands once.

Past slack_sdk's own retries (429 and dropped connections, a few times) the reply is kept pending in the
database with its attempt count and re-driven by the sweep, without reading the page again. A refusal
that will not change, or too many attempts, fails the share with its reason, and App Home lists it.
"""

from __future__ import annotations

import itertools
import time

import pytest
from sqlalchemy import select

from storage import models
from tests.faults.helpers import FAST, SEED, open_home
from tests.plugins.app import ALICE, BOB, DESK, NEWS, SlackHarness


def share_row(slack: SlackHarness) -> models.Share:
    with slack.services.transaction() as session:
        return session.scalars(select(models.Share)).one()


def wait_until_failed(slack: SlackHarness, timeout: float = 20) -> None:
    """The share row is written right after Slack's ack, so it may not exist yet at first."""
    deadline = time.monotonic() + timeout
    while True:
        with slack.services.transaction() as session:
            if session.scalar(select(models.Share.status)) == "failed":
                return
        assert time.monotonic() < deadline, "the share never failed"
        time.sleep(0.05)


@pytest.mark.settings(**FAST)
def test_slack_answering_503_beyond_the_sdk_retries_gets_the_reply_posted_once_it_recovers(
    slack: SlackHarness, page_server
) -> None:
    slack.standin.fail_next("chat.postMessage", status=503, times=3)
    read_before = len(page_server.requests_to(SEED))
    event = slack.share(page_server.url(SEED))
    slack.standin.wait_for("chat.postMessage", where=lambda c: c.ok, timeout=30)
    slack.idle()
    attempts = slack.standin.calls_to("chat.postMessage")
    assert [c.status for c in attempts] == [503, 503, 503, 200]
    gaps = [b.at - a.at for a, b in itertools.pairwise(attempts)]
    assert gaps[0] >= 0.2 and gaps[1] >= 0.4 and gaps[2] >= 0.8  # exponential backoff
    assert (
        len(page_server.requests_to(SEED)) == read_before + 1
    )  # the page was read once, the reply retried alone
    assert len(slack.replies(NEWS, event["ts"])) == 1
    assert "Konashenkov" in str(attempts[-1].params.get("blocks"))
    share = share_row(slack)
    assert (share.status, share.reply_status, share.reply_attempts) == ("done", "posted", 3)
    assert share.reply_ts == attempts[-1].response["ts"] and share.claimed_by is None


@pytest.mark.settings(**FAST)
def test_slack_refusing_connections_keeps_the_reply_until_it_answers(
    slack: SlackHarness, page_server
) -> None:
    # slack_sdk retries a dropped connection twice: 4 drops outlast its retries, the sweep does the rest.
    slack.standin.drop_connection_next("chat.postMessage", times=4)
    event = slack.share(page_server.url(SEED))
    slack.standin.wait_for("chat.postMessage", where=lambda c: c.ok, timeout=30)
    slack.idle()
    assert len(slack.replies(NEWS, event["ts"])) == 1
    assert len([c for c in slack.standin.calls_to("chat.postMessage") if c.ok]) == 1
    share = share_row(slack)
    assert (share.reply_status, share.reply_attempts) == ("posted", 1)


@pytest.mark.settings(**FAST)
def test_a_reply_slack_refuses_for_good_fails_the_share_and_app_home_lists_it(
    slack: SlackHarness, page_server
) -> None:
    slack.standin.fail_next("chat.postMessage", error="channel_not_found")
    slack.share(page_server.url(SEED))
    wait_until_failed(slack)
    slack.idle()
    assert len(slack.standin.calls_to("chat.postMessage")) == 1  # not retried: it would never work
    share = share_row(slack)
    assert share.reply_status == "failed" and share.reply_error == "Slack answered channel_not_found"
    assert share.error == "the summary could not be posted: Slack answered channel_not_found"
    view = open_home(slack, BOB)
    assert "Links I couldn't read" in view and page_server.url(SEED) in view
    assert "channel_not_found" in view and f"<#{NEWS}>" in view


@pytest.mark.settings(**FAST)
def test_slack_down_for_too_long_gives_up_with_the_reason_and_private_failures_stay_private(
    slack: SlackHarness, page_server
) -> None:
    slack.standin.fail_next("chat.postMessage", status=500, times=5)  # exactly the attempts allowed
    slack.share(page_server.url(SEED), channel=DESK)  # private: App Home must not show it
    wait_until_failed(slack)
    slack.idle()
    assert [c.status for c in slack.standin.calls_to("chat.postMessage")] == [500] * 5
    share = share_row(slack)
    assert (share.reply_status, share.reply_attempts) == ("failed", 5)
    assert share.reply_error == "Slack answered internal_error (HTTP 500)"
    assert "Links I couldn't read" not in open_home(slack, ALICE)


def test_an_unreadable_link_reported_in_the_thread_also_shows_in_app_home(
    slack: SlackHarness, page_server
) -> None:
    slack.share(page_server.url("status/404"))
    slack.standin.wait_for("chat.postMessage", where=lambda c: c.ok, timeout=30)
    slack.idle()
    view = open_home(slack, BOB)
    assert "Links I couldn't read" in view and page_server.url("status/404") in view and "404" in view
