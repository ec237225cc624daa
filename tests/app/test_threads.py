"""A shared link gets one summary in its thread: end to end over real HTTP."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from storage import models
from tests.plugins.app import ACME, ALICE, NEWS, WORKSPACES, SlackHarness

SEED = "seed-russian-losses.html"


def reply_text(message: dict) -> str:
    return json.dumps(message.get("blocks") or [], ensure_ascii=False) + message.get("text", "")


def posted(slack: SlackHarness, count: int = 1) -> list:
    calls = slack.standin.wait_for("chat.postMessage", count=count, where=lambda c: c.ok, timeout=30)
    slack.idle()
    return calls


def test_a_shared_link_gets_one_threaded_summary_with_progress_reaction(
    slack: SlackHarness, page_server
) -> None:
    event = slack.share(f"Worth reading {page_server.url(SEED)}")
    call = posted(slack)[0]
    assert call.params["channel"] == NEWS
    assert call.params["thread_ts"] == event["ts"]
    body = reply_text(call.params)
    assert "Igor Konashenkov" in body and "*1,597*" in body
    assert call.params["metadata"]["event_type"] == "claimbot_summary"
    assert call.token == WORKSPACES[ACME]["bot_token"]
    added = slack.standin.calls_to("reactions.add")
    removed = slack.standin.calls_to("reactions.remove")
    assert [c.params["name"] for c in added] == ["hourglass_flowing_sand"]
    assert [c.params["name"] for c in removed] == ["hourglass_flowing_sand"]
    assert added[0].at < call.at <= removed[0].at
    assert slack.standin.messages(NEWS)[0].get("reactions") in (None, [])
    with slack.services.transaction() as session:
        share = session.scalars(select(models.Share)).one()
        assert (share.status, share.reply_ts, share.user) == ("done", call.response["ts"], ALICE)


def test_a_link_posted_inside_a_thread_is_answered_in_that_thread(slack: SlackHarness, page_server) -> None:
    parent = slack.share("Discussion thread")
    slack.share(page_server.url(SEED), thread_ts=parent["ts"])
    call = posted(slack)[0]
    assert call.params["thread_ts"] == parent["ts"]


def test_several_links_get_one_reply_with_three_summaries_and_the_rest_by_title(
    slack: SlackHarness, page_server
) -> None:
    urls = [
        page_server.url(SEED),
        page_server.url("council-flood-defences.html"),
        page_server.url("northvale-layoffs.html"),
        page_server.url(f"redirect?to={page_server.url('malformed.html')}"),
    ]
    slack.share("Today's reading: " + " ".join(urls))
    calls = posted(slack)
    assert len(slack.standin.calls_to("chat.postMessage")) == 1
    blocks = calls[0].params["blocks"]
    assert sum(1 for b in blocks if b["type"] == "divider") == 2
    assert "Also shared" in reply_text(calls[0].params)


def test_an_unreadable_link_is_explained_in_one_line(slack: SlackHarness, page_server) -> None:
    slack.share(page_server.url("status/404"))
    call = posted(slack)[0]
    last = call.params["blocks"][-1]["text"]["text"]
    assert "couldn't read" in last and "404" in last and "\n" not in last
    with slack.services.transaction() as session:
        share = session.scalars(select(models.Share)).one()
        assert share.status == "failed" and "404" in (share.error or "")


def test_bot_messages_own_posts_and_plain_text_are_ignored(slack: SlackHarness, page_server) -> None:
    ws = WORKSPACES[ACME]
    slack.share(page_server.url(SEED), subtype="bot_message", bot_id="B0OTHER")
    slack.share(page_server.url(SEED), user=ws["bot_user_id"], bot_id=ws["bot_id"])
    slack.share("no links here, just talk")
    slack.idle()
    assert slack.standin.calls_to("chat.postMessage") == []
    with slack.services.transaction() as session:
        assert session.scalar(select(func.count()).select_from(models.Share)) == 0


@pytest.mark.settings(deny_domains="127.0.0.1")
def test_denied_domains_are_ignored(slack: SlackHarness, page_server) -> None:
    slack.share(page_server.url(SEED))
    slack.idle()
    assert slack.standin.calls_to("chat.postMessage") == []


def test_edits_and_link_previews_only_count_when_they_add_a_link(slack: SlackHarness, page_server) -> None:
    original = slack.share(f"read {page_server.url(SEED)}")
    posted(slack)
    preview = slack.sender.message_changed_event(
        original, attachments=[{"title": "Preview", "from_url": "x"}]
    )
    typo_fix = slack.sender.message_changed_event(original, text=f"read this {page_server.url(SEED)}")
    for event in (preview, typo_fix):
        assert slack.sender.event(ACME, event).status_code == 200
    slack.idle()
    assert len(slack.standin.calls_to("chat.postMessage")) == 1
    added = slack.sender.message_changed_event(
        original, text=f"read {page_server.url(SEED)} and {page_server.url('northvale-layoffs.html')}"
    )
    slack.sender.event(ACME, added)
    second = posted(slack, count=2)[1]
    assert second.params["thread_ts"] == original["ts"]
    assert "Northvale" in reply_text(second.params) and "Konashenkov" not in reply_text(second.params)


def test_the_same_event_delivered_three_times_gets_one_reply(slack: SlackHarness, page_server) -> None:
    event = slack.sender.message_event(ACME, NEWS, ALICE, page_server.url(SEED), ts=slack.next_ts())
    slack.standin.add_message(event)
    first = slack.sender.event(ACME, event, event_id="Ev0SAME")
    retry1 = slack.sender.event(ACME, event, event_id="Ev0SAME", retry_num=1, retry_reason="http_timeout")
    retry2 = slack.sender.event(ACME, event, event_id="Ev0SAME", retry_num=2, retry_reason="http_error")
    assert [r.status_code for r in (first, retry1, retry2)] == [200, 200, 200]
    posted(slack)
    assert len(slack.standin.calls_to("chat.postMessage")) == 1


def test_a_retry_whose_first_delivery_never_arrived_is_processed(slack: SlackHarness, page_server) -> None:
    event = slack.sender.message_event(ACME, NEWS, ALICE, page_server.url(SEED), ts=slack.next_ts())
    slack.standin.add_message(event)
    response = slack.sender.event(ACME, event, event_id="Ev0LOST", retry_num=1, retry_reason="http_timeout")
    assert response.status_code == 200
    assert posted(slack)[0].params["thread_ts"] == event["ts"]


def test_a_message_and_its_mention_event_get_one_reply(slack: SlackHarness, page_server) -> None:
    ts = slack.next_ts()
    bot = WORKSPACES[ACME]["bot_user_id"]
    text = f"<@{bot}> {page_server.url(SEED)}"
    message = slack.sender.message_event(ACME, NEWS, ALICE, text, ts=ts)
    mention = slack.sender.app_mention_event(ACME, NEWS, ALICE, text, ts=ts)
    slack.standin.add_message(message)
    slack.sender.event(ACME, message)
    slack.sender.event(ACME, mention)
    posted(slack)
    assert len(slack.standin.calls_to("chat.postMessage")) == 1


def test_rate_limited_reply_is_retried_and_arrives_once(slack: SlackHarness, page_server) -> None:
    slack.standin.fail_next("chat.postMessage", status=429, retry_after=1)
    slack.share(page_server.url(SEED))
    posted(slack)
    attempts = slack.standin.calls_to("chat.postMessage")
    assert [c.status for c in attempts] == [429, 200]
    assert attempts[1].at - attempts[0].at >= 1.0


def test_dropped_connection_is_retried_and_reply_arrives_once(slack: SlackHarness, page_server) -> None:
    slack.standin.drop_connection_next("chat.postMessage")
    event = slack.share(page_server.url(SEED))
    posted(slack)
    replies = slack.replies(NEWS, event["ts"])
    assert len(replies) == 1


def test_pending_shares_are_resumed_after_a_restart(slack: SlackHarness, page_server) -> None:
    """A share recorded before a crash (pending, never processed) is summarised when the app starts."""
    from bot.jobs.queue import resume_pending
    from storage import repository

    event = slack.sender.message_event(ACME, NEWS, ALICE, page_server.url(SEED), ts=slack.next_ts())
    slack.standin.add_message(event)
    with slack.services.transaction() as session:
        repository.record_share(
            session,
            team=ACME,
            channel=NEWS,
            message_ts=event["ts"],
            url=page_server.url(SEED),
            thread_ts=event["ts"],
        )
    assert resume_pending(slack.services, slack.runtime.deps.queue) == 1
    assert posted(slack)[0].params["thread_ts"] == event["ts"]
    assert resume_pending(slack.services, slack.runtime.deps.queue) == 0


def test_refused_blocks_fall_back_to_a_plain_text_reply(slack: SlackHarness, page_server) -> None:
    slack.standin.fail_next("chat.postMessage", error="invalid_blocks")
    event = slack.share(page_server.url(SEED))
    calls = slack.standin.wait_for("chat.postMessage", count=2, timeout=30)
    slack.idle()
    assert [c.status for c in calls] == [200, 200] and not calls[0].ok and calls[1].ok
    assert "blocks" not in calls[1].params and "1,597 Russian military personnel" in calls[1].params["text"]
    assert calls[1].params["thread_ts"] == event["ts"]
