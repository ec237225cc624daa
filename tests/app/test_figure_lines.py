"""Earlier and conflicting figures in the thread, end to end: Moscow's figure of its losses, shared after
Kyiv's, gets a line saying it differs, pointing at Kyiv's thread; never from another workspace or from a
private channel the thread's channel cannot see, and never from a copy of the same story."""

from __future__ import annotations

import json

from tests.app.test_stories import COPY, WIRE, reply_to, share
from tests.plugins.app import CAROL, DESK, GENERAL, GLOBEX, NEWS, SlackHarness

MOSCOW = "moscow-first-casualty-figures.html"  # 498 Russian servicemen killed, 2 Mar, by Moscow


def test_a_figure_that_differs_from_one_shared_before_says_so(slack: SlackHarness, page_server) -> None:
    kyiv = share(slack, page_server.url(WIRE))
    [kyiv_reply] = slack.replies(NEWS, kyiv["ts"])
    moscow = share(slack, page_server.url(MOSCOW))
    body = reply_to(slack, NEWS, moscow)

    assert "Differs from Ukraine's General Staff — <https://" in body
    assert "|about 5,840> (1 Mar 2022, <#C0NEWS" in body
    links = [c.response["permalink"] for c in slack.standin.calls_to("chat.getPermalink")
             if c.params["message_ts"] == kyiv_reply["ts"]]  # fmt: skip
    assert links and links[0] in body
    blocks = json.loads(body)
    claim_block = next(i for i, b in enumerate(blocks) if "1,597" in json.dumps(b) and b["type"] == "section")
    assert blocks[claim_block + 1]["type"] == "context"  # the line sits right under its claim


def test_no_line_from_another_workspace_a_private_channel_or_a_copy(slack: SlackHarness, page_server) -> None:
    share(slack, page_server.url(WIRE), channel=DESK)  # ACME, private
    share(slack, page_server.url(WIRE), team=GLOBEX, channel=GENERAL, user=CAROL)
    moscow = share(slack, page_server.url(MOSCOW))
    assert "Differs from" not in reply_to(slack, NEWS, moscow)

    copy = share(slack, page_server.url(COPY), channel=DESK)  # a copy of the story shared there before
    assert "Differs from" not in reply_to(slack, DESK, copy) and "Earlier:" not in reply_to(slack, DESK, copy)


def test_the_digest_attaches_a_chart_when_a_tracked_figure_changed(slack: SlackHarness, page_server) -> None:
    from datetime import UTC, datetime, timedelta

    from tests.app.test_chart_command import png_size
    from tests.app.test_claims_command import run_command
    from tests.app.test_digests import PARIS, digest_posts, next_local
    from tests.plugins.app import ALICE

    run_command(slack, "digest on 09:00", user=ALICE)
    share(slack, page_server.url(WIRE))
    share(slack, page_server.url(MOSCOW))
    files_before = len(slack.standin.files(NEWS))
    slack.clock.now = next_local(9, PARIS, datetime.now(UTC)) + timedelta(minutes=1)
    assert slack.scheduler().tick() == 1

    [post] = digest_posts(slack, NEWS)
    files = slack.standin.files(NEWS)
    assert len(files) == files_before + 1
    chart = files[-1]
    assert chart.thread_ts == post.response["ts"]  # in the digest's thread
    assert chart.mimetype == "image/png" and png_size(chart.content) == (1200, 700)
    assert (chart.initial_comment or "").startswith("A figure tracked here changed today: ")
    assert "servicemen" in (chart.title or "")


def test_a_digest_with_no_changed_figure_attaches_nothing(slack: SlackHarness, page_server) -> None:
    from datetime import UTC, datetime, timedelta

    from tests.app.test_claims_command import run_command
    from tests.app.test_digests import PARIS, next_local
    from tests.plugins.app import ALICE

    run_command(slack, "digest on 09:00", user=ALICE)
    share(slack, page_server.url(WIRE))
    files_before = len(slack.standin.files(NEWS))
    slack.clock.now = next_local(9, PARIS, datetime.now(UTC)) + timedelta(minutes=1)
    assert slack.scheduler().tick() == 1
    assert len(slack.standin.files(NEWS)) == files_before
