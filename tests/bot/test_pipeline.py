"""From the extractor's claims to storage and back to a card: what a reader sees is the same either way."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.claims import Claim
from bot.features.cards import card_from_stored
from bot.pipeline import to_records
from bot.reading.article import ArticleText
from bot.views.cards import card_from_claims, readable, thread_claims
from storage import repository as repo

TEXT = (
    "The mayor said the bridge is closed. "
    "The mayor believes the bridge will hold, and that repairs are cheap. "
    "The engineer said the cables are worn, warning that they must be replaced."
)


def span(part: str, after: int = 0) -> tuple[int, int]:
    start = TEXT.index(part, after)
    return start, start + len(part)


def claims() -> list[Claim]:
    """In the extractor's order (most important first), one of them kept for recall only."""
    mayor, engineer = {"source": "Mayor Ruiz"}, {"source": "Engineer Obi"}
    closed, belief = "the bridge is closed", "the bridge will hold, and that repairs are cheap"
    worn, replaced = "the cables are worn, warning that they must be replaced", "they must be replaced"
    return [
        Claim(closed, span(closed), "indirect", cue="said", **mayor),
        Claim(belief, span(belief), "indirect", cue="believes", shown=False, act="belief", **mayor),
        # inside the hidden belief: no shown claim folds it, so it is listed
        Claim("repairs are cheap", span("repairs are cheap"), "indirect", cue="believes", **mayor),
        Claim(worn, span(worn), "indirect", cue="said", **engineer),
        # inside a shown claim of its own source (a participle cue): folded
        Claim(replaced, span(replaced), "indirect", cue="warning", **engineer),
    ]


def article() -> ArticleText:
    return ArticleText(
        url="https://news.example/bridge",
        canonical_url="https://news.example/bridge",
        title="Bridge",
        site="News Example",
        byline=None,
        published=None,
        text=TEXT,
    )


LISTED = [
    "the bridge is closed",
    "repairs are cheap",
    "the cables are worn, warning that they must be replaced",
]


def test_readable_leaves_out_hidden_claims_before_folding() -> None:
    spans = [(0, 10, "A"), (20, 60, "A"), (30, 40, "A"), (70, 90, "B"), (75, 80, "B")]
    assert readable(spans, [True, False, True, True, True]) == [0, 2, 3]
    assert readable(spans, [True] * 5) == [0, 1, 3]
    assert readable(spans, [False] * 5) == []
    assert [c.content for c in thread_claims(claims())] == LISTED


def test_to_records_carries_shown_and_act() -> None:
    _, records = to_records(article(), claims(), "https://news.example/bridge")
    assert [(r.shown, r.act) for r in records] == [
        (True, "communication"),
        (False, "belief"),
        (True, "communication"),
        (True, "communication"),
        (True, "communication"),
    ]


def test_a_stored_card_lists_what_the_extractors_card_lists_in_its_order(session: Session) -> None:
    new_article, records = to_records(article(), claims(), "https://news.example/bridge")
    stored, _ = repo.store_article(session, new_article, records)
    fresh = card_from_claims(article(), claims())
    again = card_from_stored(session, stored)
    assert [c.content for c in fresh.claims] == LISTED
    assert again.claims == fresh.claims and again.total_claims == fresh.total_claims == 3
    every = repo.article_claims(session, stored.id, include_hidden=True)
    assert [c.content for c in every] == [c.content for c in claims()]  # rank follows the extractor's order
    assert [(c.shown, c.act) for c in every][1] == (False, "belief")
