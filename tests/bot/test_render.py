"""Block Kit builders: content, emphasis and Slack's limits."""

import dataclasses
import json
from datetime import UTC, date, datetime

from bot.views import slack_limits as limits
from bot.views.render import (
    DIGEST_MAX_CLAIMS,
    SHOW_ALL_ACTION,
    ArticleCard,
    ClaimLine,
    DigestView,
    Failure,
    SearchLine,
    SearchPage,
    card_text,
    claim_mrkdwn,
    claim_text,
    digest_blocks,
    digest_text,
    home_blocks,
    search_blocks,
    search_text,
    summary_blocks,
    summary_fallback,
)

CLAIM = ClaimLine(
    content="1,597 Russian military personnel were wounded during the operation",
    source="Igor Konashenkov",
    role="Russian Defense Ministry spokesman",
    cue="said",
    kind="indirect",
)


def card(n_claims: int = 3, title: str = "Losses in Ukraine") -> ArticleCard:
    return ArticleCard(
        title=title,
        url="https://news.example.com/a",
        site="Example News",
        published=date(2022, 3, 2),
        claims=[CLAIM] * n_claims,
        total_claims=n_claims,
    )


def texts(blocks: list[dict]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def test_claim_line_shows_source_role_cue_and_bold_numbers() -> None:
    line = claim_mrkdwn(CLAIM)
    assert line.startswith("*Igor Konashenkov* (Russian Defense Ministry spokesman) — _said_: ")
    assert "*1,597* Russian military personnel" in line


def test_only_whole_quantities_are_bold_not_digits_inside_names() -> None:
    line = claim_mrkdwn(
        ClaimLine(content="39 S-300 systems and 12 F-16 jets, up 4.5% since COVID-19", source="X")
    )
    assert "*39* S-300 systems and *12* F-16 jets, up *4.5%* since COVID-19" in line


def test_mrkdwn_control_characters_are_escaped() -> None:
    line = claim_mrkdwn(ClaimLine(content="a <b> & c", source="X <y>"))
    assert "&lt;b&gt; &amp; c" in line and "X &lt;y&gt;" in line


def test_summary_cuts_claims_and_says_how_many_more() -> None:
    blocks = summary_blocks([card(10)], max_claims=4)
    claim_sections = [b for b in blocks if b["type"] == "section" and "Konashenkov" in b["text"]["text"]]
    assert len(claim_sections) == 4
    assert "6 more claims not shown" in texts(blocks)  # the CLI's card: no stored article to list


def test_a_stored_article_offers_all_its_claims_behind_a_button() -> None:
    stored = dataclasses.replace(card(10), article_id=42)
    blocks = summary_blocks([stored], max_claims=4)
    assert "Showing 4 of 10 claims" in texts(blocks)
    [button] = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert button["action_id"] == SHOW_ALL_ACTION and button["text"]["text"] == "Show all 10 claims"
    assert json.loads(button["value"]) == {"a": 42, "p": 0}
    home = home_blocks([stored], [], [])
    assert all(b["type"] != "actions" for b in home)  # App Home has no conversation to answer in


def test_summary_lists_extra_articles_by_title_and_failures_in_one_line() -> None:
    cards = [card(1, f"Story {i}") for i in range(5)]
    blocks = summary_blocks(
        cards, [Failure("https://bad.example/x", "the page returned HTTP 404")], max_articles=3
    )
    body = texts(blocks)
    assert "Also shared" in body and "Story 3" in body and "Story 4" in body
    assert sum(1 for b in blocks if b["type"] == "divider") == 2
    assert "couldn't read" in blocks[-1]["text"]["text"] and "HTTP 404" in blocks[-1]["text"]["text"]


def test_summary_stays_within_slack_limits_for_huge_input() -> None:
    long_claim = ClaimLine(content="word " * 2000, source="S", cue="said")
    huge = ArticleCard(title="T" * 500, url="https://x.example", claims=[long_claim] * 60, total_claims=60)
    blocks = summary_blocks([huge] * 3, max_claims=60)
    assert len(blocks) <= limits.MAX_BLOCKS
    assert len(texts(blocks)) <= limits.MAX_BLOCKS_CHARS
    assert all(len(b["text"]["text"]) <= limits.MAX_SECTION_TEXT for b in blocks if b["type"] == "section")
    assert "not shown" in blocks[-1]["elements"][0]["text"]


def test_fallback_text_names_sources_and_failures() -> None:
    text = summary_fallback([card(2)], [Failure("https://bad.example", "no article text found")])
    assert "2 claims from Igor Konashenkov in “Losses in Ukraine”" in text
    assert "couldn't read https://bad.example: no article text found" in text


def test_search_page_has_paging_buttons_carrying_query_and_page() -> None:
    line = SearchLine(
        claim=CLAIM,
        article_title="Losses",
        article_url="https://news.example.com/a",
        shared_at=datetime(2022, 3, 2, tzinfo=UTC),
        permalink="https://acme.slack.com/archives/C1/p1",
    )
    blocks = search_blocks(SearchPage(query="mariupol", lines=[line] * 10, page=1, has_more=True))
    assert "11–20" in blocks[0]["text"]["text"]
    actions = blocks[-1]["elements"]
    assert [a["action_id"] for a in actions] == ["claims_prev", "claims_next"]
    assert json.loads(actions[0]["value"]) == {"q": "mariupol", "p": 0}
    assert json.loads(actions[1]["value"]) == {"q": "mariupol", "p": 2}
    assert "<https://acme.slack.com/archives/C1/p1|thread>" in blocks[1]["text"]["text"]


def test_last_page_has_no_next_button_and_empty_result_says_so() -> None:
    line = SearchLine(
        claim=CLAIM, article_title="A", article_url=None, shared_at=datetime(2022, 3, 2, tzinfo=UTC)
    )
    blocks = search_blocks(SearchPage(query="q", lines=[line], page=0, has_more=False))
    assert all(b["type"] != "actions" for b in blocks)
    empty = search_blocks(SearchPage(query="zzz", lines=[]))
    assert "No claims match `zzz`" in empty[0]["text"]["text"]


def test_digest_groups_by_article_and_caps_with_more_line() -> None:
    view = DigestView(
        channel_label="#news", day=date(2022, 3, 3), cards=[card(3, f"A{i}") for i in range(30)]
    )
    blocks = digest_blocks(view)
    assert blocks[0]["type"] == "header"
    assert blocks[1]["elements"][0]["text"] == "Shared in #news · 2022-03-03 · 30 articles · 90 claims"
    assert len(blocks) <= limits.MAX_BLOCKS
    assert "not shown" in blocks[-1]["elements"][0]["text"]
    assert "A0" in digest_text(view) and "A29" in digest_text(view)


def test_the_digest_says_the_period_it_covers_in_the_channels_time_zone() -> None:
    view = DigestView(
        channel_label="#news",
        day=date(2022, 3, 3),
        cards=[card(2, "A")],
        since=datetime(2022, 3, 2, 8, 0, tzinfo=UTC),
        until=datetime(2022, 3, 3, 8, 0, tzinfo=UTC),
        timezone="Europe/Paris",
    )
    period = "2 Mar 09:00 – 3 Mar 09:00 (Europe/Paris)"
    assert texts(digest_blocks(view)).count(period) == 1
    assert digest_text(view).splitlines()[0] == f"Claims shared in #news — {period} (1 article, 2 claims)"


def test_the_command_line_digest_shows_what_slack_shows() -> None:
    view = DigestView(channel_label="#news", day=date(2022, 3, 3), cards=[card(9, "A")])
    in_slack = [b["text"]["text"] for b in digest_blocks(view) if b["type"] == "section"][1:]
    printed = [line for line in digest_text(view).splitlines() if line.startswith("  • ")]
    assert len(printed) == len(in_slack) == DIGEST_MAX_CLAIMS
    assert digest_text(view).splitlines()[-1] == f"  … {9 - DIGEST_MAX_CLAIMS} more claims"


def test_claims_nested_in_a_claim_of_the_same_source_are_shown_once() -> None:
    from bot.views.cards import outermost

    spans = [(0, 100, "A"), (50, 90, "A"), (50, 90, "B"), (0, 100, "A"), (200, 220, None), (205, 210, None)]
    assert outermost(spans) == [0, 2, 4]


def test_a_sentence_initial_cue_reads_lowercase_in_the_summary() -> None:
    line = claim_mrkdwn(
        ClaimLine(content="2,300 homes are at risk", source="Environment Agency", cue="According to")
    )
    assert line.startswith("*Environment Agency* — _according to_: *2,300* homes")


def test_an_attribution_that_is_not_a_claim_says_so() -> None:
    """Only `include:hidden` searches list one; it must not read as "X said Y"."""
    belief = ClaimLine(
        content="the bridge will hold", source="Mayor Ruiz", cue="believes", shown=False, act="belief"
    )
    assert claim_mrkdwn(belief) == "*Mayor Ruiz* — _believes_ (belief, not a claim): the bridge will hold"
    line = SearchLine(
        claim=belief, article_title="Bridge", article_url=None, shared_at=datetime(2022, 3, 2, tzinfo=UTC)
    )
    assert search_text(SearchPage(query="bridge include:hidden", lines=[line])).startswith(
        "• Mayor Ruiz — believes (belief, not a claim): the bridge will hold"
    )
    assert "not a claim" not in claim_mrkdwn(CLAIM)
    assert "include:hidden" in limits.USAGE


THESIS = ClaimLine(
    content="Biden's border policy is a failure of nerve.",
    source="Tom Rogan",
    cue=None,
    kind="thesis",
)


def test_a_columnists_thesis_reads_writes_wherever_claims_are_shown() -> None:
    """A byline author's own thesis has no cue: it reads "writes", as a continued quotation reads
    "continued", in threads, searches, digests and App Home, in Block Kit and plain text alike."""
    mrkdwn = "*Tom Rogan* — _writes_: Biden's border policy is a failure of nerve."
    text = "Tom Rogan — writes: Biden's border policy is a failure of nerve."
    assert claim_mrkdwn(THESIS) == mrkdwn
    assert claim_text(THESIS) == text
    column = ArticleCard(title="Opinion", url="https://news.example.com/op", claims=[THESIS], total_claims=1)
    line = SearchLine(
        claim=THESIS, article_title="Opinion", article_url=None, shared_at=datetime(2022, 3, 2, tzinfo=UTC)
    )
    day = DigestView(channel_label="#news", day=date(2022, 3, 3), cards=[column])
    for blocks in (
        summary_blocks([column]),
        search_blocks(SearchPage(query="border", lines=[line])),
        digest_blocks(day),
        home_blocks([column], channels=[]),
    ):
        assert mrkdwn in texts(blocks)
    for plain in (card_text(column), search_text(SearchPage(query="border", lines=[line])), digest_text(day)):
        assert text in plain
    # a thesis the extractor did give a cue reads its cue; a continuation still reads "continued"
    assert claim_text(ClaimLine(content="c", source="S", cue="argues", kind="thesis")) == "S — argues: c"
    continued = ClaimLine(content="more", source="S", kind="continuation")
    assert claim_mrkdwn(continued) == "*S* — _continued_: more"
    assert claim_text(ClaimLine(content="x", source="S", kind="indirect")) == "S: x"
