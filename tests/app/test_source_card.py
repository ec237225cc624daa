"""`/claims who NAME` and App Home's "Most quoted this week", end to end: signed requests into the real
Bolt app, answers through the stand-in Slack's response_url and views.publish.

Articles are stored beforehand with claims built by hand (as in test_hidden_claims), so what a card says
does not hang on the extractor; sharing each link then indexes its claims for the channel it was shared in.
"""

from __future__ import annotations

import json
from typing import Any

from bot.claims import Claim
from bot.pipeline import to_records
from bot.reading.article import ArticleText
from storage import repository
from tests.app.test_claims_command import rendered, run_command, share_and_wait
from tests.plugins.app import ACME, BOB, CAROL, DESK, GENERAL, GLOBEX, NEWS, SlackHarness

RUIZ = {"source": "Ana Ruiz", "source_kind": "person", "role": "mayor", "source_aliases": ("Ruiz",)}


def store_article(
    slack: SlackHarness, url: str, title: str, claims: list[tuple[str, dict[str, Any]]]
) -> None:
    """An article whose text is its claims' sentences, each claim a span of it."""
    text = " ".join(f"{content}." for content, _ in claims)
    built = []
    for content, fields in claims:
        start = text.index(content)
        built.append(Claim(content, (start, start + len(content)), "indirect", cue="said", **fields))
    article = ArticleText(
        url=url, canonical_url=None, title=title, site=None, byline=None, published=None, text=text
    )
    with slack.services.transaction() as session:
        repository.store_article(session, *to_records(article, built, url))


def ruiz_everywhere(slack: SlackHarness, page_server: Any) -> None:
    """Ana Ruiz: 2 shown claims in ACME's #news (and a hidden belief), 1 in ACME's private #desk, 1 in
    GLOBEX. Carlos Ruiz: 1 claim in #news. Lena Park: 1 claim in GLOBEX only."""
    news = page_server.url("harbour-news")
    store_article(
        slack,
        news,
        "Harbour works",
        [
            ("the harbour bridge is closed to traffic", {**RUIZ, "source_mention": "Mayor Ruiz"}),
            ("the ferry will run every hour", {**RUIZ, "source_mention": "the mayor"}),
            (
                "the old causeway will hold",
                {**RUIZ, "source_mention": "Ruiz", "shown": False, "act": "belief"},
            ),
            ("the cables are worn", {"source": "Carlos Ruiz", "source_kind": "person", "role": "engineer"}),
        ],
    )
    desk = page_server.url("harbour-desk")
    store_article(
        slack,
        desk,
        "Desk memo",
        [("the budget doubles next year", {**RUIZ, "source_mention": "Ana Ruiz", "role": "budget chief"})],
    )
    globex = page_server.url("harbour-globex")
    store_article(
        slack,
        globex,
        "Globex harbour",
        [
            ("tolls will rise", {**RUIZ, "source_mention": "Deputy Ruiz"}),
            ("the port is full", {"source": "Lena Park", "source_kind": "person"}),
        ],
    )
    share_and_wait(slack, news)
    share_and_wait(slack, desk, channel=DESK)
    share_and_wait(slack, globex, team=GLOBEX, channel=GENERAL, user=CAROL)


def who(slack: SlackHarness, name: str, *, team: str = ACME, channel: str = NEWS, user: str = BOB) -> dict:
    message = run_command(slack, f"who {name}".strip(), team=team, channel=channel, user=user)
    assert message["response_type"] == "ephemeral"
    return message


def test_who_shows_the_card_the_asker_may_see(slack: SlackHarness, page_server: Any) -> None:
    ruiz_everywhere(slack, page_server)

    card = who(slack, "ruiz")
    body, text = rendered(card), card["text"]
    assert card["blocks"][0] == {"type": "header", "text": {"type": "plain_text", "text": "Ana Ruiz"}}
    assert text.startswith("Ana Ruiz\n2 claims · ")
    assert "Roles: mayor" in text and "budget chief" not in body
    # "Ruiz" names her only in a hidden belief, and the source row's alias list is not the viewer's
    assert "Also named: Mayor Ruiz, the mayor\n" in text
    assert f"<#{NEWS}> (2)" in body and "Channels: #news (2)" in text
    assert "the harbour bridge is closed to traffic" in body and "the ferry will run every hour" in body
    assert "slack.com/archives/C0NEWS/p" in body  # each claim links to our reply in its thread
    assert "Also matching: Carlos Ruiz" in text
    # never: the hidden belief, the private channel's claim, the other workspace's
    for absent in ("causeway", "the budget doubles", "tolls will rise", "Deputy Ruiz", DESK, GENERAL):
        assert absent not in body

    inside = who(slack, "Ana Ruiz", channel=DESK)
    assert inside["text"].startswith("Ana Ruiz\n3 claims")
    assert "the budget doubles next year" in rendered(inside) and f"<#{DESK}> (1)" in rendered(inside)
    assert "budget chief" in inside["text"]

    theirs = who(slack, '"ana ruiz"', team=GLOBEX, channel=GENERAL, user=CAROL)
    assert theirs["text"].startswith("Ana Ruiz\n1 claim · seen ")  # one claim: one date
    assert "tolls will rise" in rendered(theirs) and "Deputy Ruiz" in theirs["text"]
    assert "harbour bridge" not in rendered(theirs) and "Carlos Ruiz" not in rendered(theirs)


def test_who_without_a_name_or_a_match_answers_in_one_line(slack: SlackHarness, page_server: Any) -> None:
    ruiz_everywhere(slack, page_server)
    usage = who(slack, "")
    assert usage["text"].startswith("Usage: `/claims who NAME`") and "\n" not in usage["text"]
    nobody = who(slack, "Zebulon")
    assert nobody["text"] == "No source matching “Zebulon” in the claims you can see here."
    # quoted only in another workspace: not even the name is confirmed
    assert who(slack, "Lena Park")["text"] == "No source matching “Lena Park” in the claims you can see here."
    assert who(slack, "Lena Park", team=GLOBEX, channel=GENERAL, user=CAROL)["text"].startswith("Lena Park\n")
    assert "/claims who" in run_command(slack, "help")["text"]


def test_app_home_lists_the_weeks_most_quoted_public_sources(slack: SlackHarness, page_server: Any) -> None:
    ruiz_everywhere(slack, page_server)
    home = slack.sender.event_envelope(
        ACME, {"type": "app_home_opened", "user": BOB, "channel": "D0BOB", "tab": "home"}
    )
    assert slack.sender.signed_post(json.dumps(home).encode(), "application/json").status_code == 200
    blocks = slack.standin.wait_for("views.publish")[0].params["view"]["blocks"]
    headers = [b["text"]["text"] for b in blocks if b["type"] == "header"]
    assert "Most quoted this week" in headers
    at = next(i for i, b in enumerate(blocks) if b.get("text", {}).get("text") == "Most quoted this week")
    # Ana Ruiz: 2 shown claims in #news; her private-channel claim, her belief and GLOBEX's are not counted
    assert (
        blocks[at + 1]["text"]["text"]
        == "1. *Ana Ruiz* (mayor) — 2 claims\n2. *Carlos Ruiz* (engineer) — 1 claim"
    )
    assert "/claims who NAME" in blocks[at + 2]["elements"][0]["text"]
