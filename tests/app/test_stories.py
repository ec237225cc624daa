"""The same story once, end to end: a second outlet's copy of a wire story points at the first share and
lists only what is new; another workspace or a private channel's share is never pointed at; the digest
counts the story once and names its outlets."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.app.test_claims_command import run_command, share_and_wait
from tests.app.test_digests import PARIS, digest_posts, next_local
from tests.plugins.app import ALICE, CAROL, DESK, GENERAL, GLOBEX, NEWS, SlackHarness

WIRE = "kyiv-general-staff-losses.html"  # a Reuters story as the Dnipro Herald carried it
COPY = "northern-post-wire-losses.html"  # the same story, retitled and trimmed by the Northern Post
OTHER = "council-flood-defences.html"


def reply_to(slack: SlackHarness, channel: str, event: dict[str, Any]) -> str:
    [reply] = slack.replies(channel, event["ts"])
    return json.dumps(reply.get("blocks") or [], ensure_ascii=False)


def share(slack: SlackHarness, url: str, **kwargs: Any) -> dict[str, Any]:
    before = len([c for c in slack.standin.calls_to("chat.postMessage") if c.ok])
    event = slack.share(url, **kwargs)
    slack.standin.wait_for("chat.postMessage", count=before + 1, where=lambda c: c.ok, timeout=30)
    slack.idle()
    return event


def test_a_copy_points_at_the_first_share_and_lists_only_what_is_new(
    slack: SlackHarness, page_server
) -> None:
    first = share(slack, page_server.url(WIRE))
    first_body = reply_to(slack, NEWS, first)
    assert "Same story as" not in first_body
    [first_reply] = slack.replies(NEWS, first["ts"])

    copy = share(slack, page_server.url(COPY))
    body = reply_to(slack, NEWS, copy)

    assert "Same story as <https://" in body and "Dnipro Herald" in body and "#news" in body
    assert "(Reuters copy, 7 of 7 claims the same)" in body
    assert "Nothing that story did not say." in body
    assert "had been killed since the invasion" not in body  # the claim was in the first thread already
    permalink = slack.standin.calls_to("chat.getPermalink")
    assert any(
        c.response.get("permalink", "") in body
        for c in permalink
        if c.params["message_ts"] == first_reply["ts"]
    )


def test_other_workspaces_and_private_channels_are_never_pointed_at(slack: SlackHarness, page_server) -> None:
    share(slack, page_server.url(WIRE), channel=DESK)  # ACME, private
    share(slack, page_server.url(WIRE), team=GLOBEX, channel=GENERAL, user=CAROL)
    copy = share(slack, page_server.url(COPY))  # ACME, public: neither earlier share is visible here
    body = reply_to(slack, NEWS, copy)
    assert "Same story as" not in body
    assert "had been killed since the invasion" in body

    inside = share(slack, page_server.url(COPY), channel=DESK, ts=slack.next_ts())
    assert "Same story as" in reply_to(slack, DESK, inside)


def test_the_digest_counts_a_story_once_and_names_its_outlets(slack: SlackHarness, page_server) -> None:
    run_command(slack, "digest on 09:00", user=ALICE)
    share_and_wait(slack, page_server.url(WIRE))
    share_and_wait(slack, page_server.url(OTHER))
    share_and_wait(slack, page_server.url(COPY))
    slack.clock.now = next_local(9, PARIS, datetime.now(UTC)) + timedelta(minutes=1)
    assert slack.scheduler().tick() == 1
    [post] = digest_posts(slack, NEWS)
    body = json.dumps(post.params["blocks"], ensure_ascii=False)
    assert body.count("Ukraine says about 5,840") == 1
    assert "Also in: Northern Post" in body
    assert "Kyiv puts Russian death toll" not in body
    assert "Harwick council" in body
