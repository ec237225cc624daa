"""Attributions kept only for recall (a belief, an intention...) never reach a reader as "X said Y":
not in the thread, the digest or App Home, and in /claims only with include:hidden. End to end.

The article is stored beforehand with claims built by hand, so what is shown does not hang on what the
extractor decides; sharing its link then reads it from storage (a known article costs no fetch).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from bot.claims import Claim
from bot.pipeline import to_records
from bot.reading.article import ArticleText
from storage import repository
from tests.app.test_claims_command import rendered, run_command, share_and_wait
from tests.app.test_digests import PARIS, digest_posts, next_local
from tests.plugins.app import ACME, ALICE, BOB, NEWS, SlackHarness

TEXT = (
    "The mayor said the harbour bridge is closed to traffic. "
    "The mayor believes the old causeway will hold through winter. "
    "The engineer said the cables are worn."
)
SHOWN = ["the harbour bridge is closed to traffic", "the cables are worn"]
HIDDEN = "the old causeway will hold through winter"


def store_article(slack: SlackHarness, url: str) -> None:
    def claim(content: str, source: str, cue: str, **extra: object) -> Claim:
        start = TEXT.index(content)
        return Claim(content, (start, start + len(content)), "indirect", source=source, cue=cue, **extra)

    claims = [
        claim(SHOWN[0], "Mayor Ana Ruiz", "said"),
        claim(HIDDEN, "Mayor Ana Ruiz", "believes", shown=False, act="belief"),
        claim(SHOWN[1], "Engineer Tom Obi", "said"),
    ]
    article = ArticleText(
        url=url, canonical_url=None, title="Harbour works", site=None, byline=None, published=None, text=TEXT
    )
    with slack.services.transaction() as session:
        repository.store_article(session, *to_records(article, claims, url))


def test_the_thread_and_app_home_leave_out_a_belief(slack: SlackHarness, page_server) -> None:
    url = page_server.url("harbour-works")
    store_article(slack, url)
    share_and_wait(slack, url)
    (reply,) = [c for c in slack.standin.calls_to("chat.postMessage") if c.ok]
    body = rendered(reply.params)
    assert all(content in body for content in SHOWN)
    assert "causeway" not in body and "believes" not in body

    home = slack.sender.event_envelope(
        ACME, {"type": "app_home_opened", "user": BOB, "channel": "D0BOB", "tab": "home"}
    )
    assert slack.sender.signed_post(json.dumps(home).encode(), "application/json").status_code == 200
    view = json.dumps(slack.standin.wait_for("views.publish")[0].params["view"], ensure_ascii=False)
    assert "Harbour works" in view and "harbour bridge" in view
    assert "causeway" not in view


def test_the_digest_leaves_out_a_belief(slack: SlackHarness, page_server) -> None:
    run_command(slack, "digest on 09:00", user=ALICE)
    url = page_server.url("harbour-works")
    store_article(slack, url)
    share_and_wait(slack, url)
    slack.clock.now = next_local(9, PARIS, datetime.now(UTC)) + timedelta(minutes=3)
    assert slack.scheduler().tick() == 1
    (post,) = digest_posts(slack, NEWS)
    body = json.dumps(post.params["blocks"], ensure_ascii=False) + post.params.get("text", "")
    assert all(content in body for content in SHOWN) and "2 claims" in body
    assert "causeway" not in body


def test_claims_finds_a_belief_only_with_include_hidden(slack: SlackHarness, page_server) -> None:
    url = page_server.url("harbour-works")
    store_article(slack, url)
    share_and_wait(slack, url)
    assert "No claims match" in rendered(run_command(slack, "causeway"))
    assert "causeway" not in rendered(run_command(slack, "source:Ruiz"))
    wider = rendered(run_command(slack, "causeway include:hidden"))
    assert "_believes_ (belief, not a claim): the old causeway will hold through winter" in wider
    assert "include:hidden" in run_command(slack, "help")["text"]
