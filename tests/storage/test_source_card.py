"""`/claims who NAME` and App Home's most quoted sources, on both backends: what a source card counts and
lists, what it must never count (another workspace, a private channel seen from outside, hidden claims),
how NAME picks a source, and the most quoted window."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage import repository as repo
from storage.models import Claim, Source
from storage.records import NewArticle, NewClaim, NewSource
from storage.sources import describe_source, find_sources, top_sources
from tests.storage.factories import KONASHENKOV, ROGAN, ZELENSKY, claim, new_article, shared

UTC = dt.UTC
T0 = dt.datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


def at(hours: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


def said(content: str, mention: str, role: str | None = None, **extra: object) -> NewClaim:
    return claim(content, KONASHENKOV, source_mention=mention, role=role, **extra)


def share_again(
    session: Session,
    article: NewArticle,
    *,
    channel: str,
    channel_name: str,
    when: dt.datetime,
    team: str = "T1",
    permalink: str | None = None,
) -> None:
    """Another share of an article already stored: its claims are indexed for this channel too."""
    _, share = shared(session, article, [], team=team, channel=channel, channel_name=channel_name, at=when)
    if permalink:
        repo.set_share_reply(session, [share.id], reply_ts="9.9", permalink=permalink)


@pytest.fixture
def konashenkov(session: Session) -> Session:
    """Igor Konashenkov quoted in T1 (#news C1, #war C2, private #desk G1), in T2, and once hidden.

    T1's public channels hold 7 distinct shown claims of his: 3 in an article shared in C1 then C2, 4 in
    one shared in C1 two days later (plus a hidden belief there).
    """
    first = new_article(title="Ministry reports losses")
    shared(
        session,
        first,
        [
            said("498 servicemen were killed", "Igor Konashenkov", role="spokesman"),
            said("the operation goes to plan", "Konashenkov", role="Major General"),
            said("no civilians were harmed", "He"),
        ],
        channel="C1",
        channel_name="news",
        at=at(0),
    )
    share_again(
        session, first, channel="C2", channel_name="war", when=at(1), permalink="https://s.example/war"
    )
    second = new_article(title="Ministry update")
    _, news_share = shared(
        session,
        second,
        [
            said("1,351 servicemen were killed", "the spokesman", role="spokesman"),
            said("the corridor is open", "the Russian spokesman"),
            said("the convoy was attacked", "Konashenkov"),
            said("talks will resume", "Konashenkov", role="Ministry spokesman"),
            said("the army will win", "the general", shown=False, act="belief"),
        ],
        channel="C1",
        channel_name="news",
        at=at(48),
    )
    repo.set_share_reply(session, [news_share.id], reply_ts="8.8", permalink="https://s.example/news")
    shared(
        session,
        new_article(title="Globex copy"),
        [said("the bridge is down", "Gen. Konashenkov", role="general")],
        team="T2",
        channel="C9",
        channel_name="globex-news",
        at=at(72),
    )
    shared(
        session,
        new_article(title="Desk memo"),
        [said("reserves were moved", "Spokesman Konashenkov", role="press officer")],
        channel="G1",
        channel_name="desk",
        private=True,
        at=at(96),
    )
    return session


def konashenkov_id(session: Session) -> int:
    [match] = find_sources(session, "Igor Konashenkov", team="T1", viewer_channel="C1")
    return match.id


def test_a_card_counts_the_viewers_shown_claims_once_each(konashenkov: Session) -> None:
    card = describe_source(konashenkov, konashenkov_id(konashenkov), team="T1", viewer_channel="C1")
    assert card is not None
    assert (card.name, card.kind) == ("Igor Konashenkov", "person")
    assert card.claims == 7  # 3 shared in two channels count once; the hidden belief, T2 and #desk not at all
    assert (card.first_seen, card.last_seen) == (at(0), at(48))
    assert [(c.channel, c.name, c.claims) for c in card.channels] == [("C1", "news", 7), ("C2", "war", 3)]
    # only what the claims this viewer can see say: the source row's own role and aliases may come from
    # another workspace's article
    assert card.roles == ("spokesman", "Major General", "Ministry spokesman")
    assert card.aliases == ("Konashenkov", "the spokesman")  # both name him in claims this viewer sees
    assert "Russian Defense Ministry spokesman" not in card.roles
    # how claims named him, minus his name and aliases; not the hidden claim's, T2's or the private channel's
    assert set(card.mentions) == {"He", "the Russian spokesman"}
    assert [hit.content for hit in card.latest] == [
        "1,351 servicemen were killed",
        "the corridor is open",
        "the convoy was attacked",
        "talks will resume",
        "498 servicemen were killed",  # its newest visible share is #war's
    ]
    assert [hit.permalink for hit in card.latest] == ["https://s.example/news"] * 4 + [
        "https://s.example/war"
    ]
    assert card.latest[0].article_title == "Ministry update" and card.latest[0].article_url
    assert (card.latest[-1].channel, card.latest[-1].channel_name) == ("C2", "war")
    assert all(hit.shown and hit.team == "T1" for hit in card.latest)


def test_a_private_channel_counts_only_from_inside_it(konashenkov: Session) -> None:
    source_id = konashenkov_id(konashenkov)
    inside = describe_source(konashenkov, source_id, team="T1", viewer_channel="G1")
    assert inside is not None
    assert inside.claims == 8 and inside.last_seen == at(96)
    assert [c.channel for c in inside.channels] == ["C1", "C2", "G1"]
    assert "press officer" in inside.roles and "Spokesman Konashenkov" in inside.mentions
    assert inside.latest[0].content == "reserves were moved"
    for viewer in ("C1", "C2", None):  # None: App Home's view, public channels only
        outside = describe_source(konashenkov, source_id, team="T1", viewer_channel=viewer)
        assert outside is not None and outside.claims == 7
        assert "G1" not in [c.channel for c in outside.channels]
        assert "press officer" not in outside.roles
        assert "reserves were moved" not in [h.content for h in outside.latest]


def test_another_workspace_sees_only_its_own_claims(konashenkov: Session) -> None:
    source_id = konashenkov_id(konashenkov)
    theirs = describe_source(konashenkov, source_id, team="T2", viewer_channel="C9")
    assert theirs is not None
    assert theirs.claims == 1 and (theirs.first_seen, theirs.last_seen) == (at(72), at(72))
    assert [(c.channel, c.name) for c in theirs.channels] == [("C9", "globex-news")]
    assert [h.content for h in theirs.latest] == ["the bridge is down"]
    assert "Major General" not in theirs.roles and "He" not in theirs.mentions
    # the source row's role and aliases were learnt from T1's articles: T2 sees only what its claim says
    assert "Russian Defense Ministry spokesman" not in theirs.roles
    seen = {
        c.source_mention
        for c in konashenkov.scalars(sa.select(Claim).where(Claim.content == "the bridge is down"))
    }
    assert set(theirs.aliases) <= seen
    assert describe_source(konashenkov, source_id, team="T3", viewer_channel="C1") is None
    assert describe_source(konashenkov, 10**9, team="T1", viewer_channel="C1") is None


def test_a_source_with_only_hidden_claims_has_no_card(session: Session) -> None:
    believer = NewSource("Ana Ruiz", "person", "mayor")
    shared(session, new_article(), [claim("the causeway will hold", believer, shown=False, act="belief")])
    assert find_sources(session, "Ruiz", team="T1", viewer_channel="C1") == []
    source_id = session.scalar(sa.select(Source.id).where(Source.name_key == "ana ruiz"))
    assert source_id is not None  # stored, searchable with include:hidden, but no card
    assert describe_source(session, source_id, team="T1", viewer_channel="C1") is None


def test_name_matching_ranks_an_exact_name_or_alias_first_then_the_most_claims(session: Session) -> None:
    anna = NewSource("Anna Konashenkova", "person", "analyst")
    shared(session, new_article(), [claim("one", KONASHENKOV), claim("two", KONASHENKOV)], at=at(0))
    shared(session, new_article(), [claim(f"point {i}", anna) for i in range(4)], at=at(1))

    exact_alias = find_sources(session, "konashenkov", team="T1", viewer_channel="C1")
    assert [(m.name, m.claims, m.exact) for m in exact_alias] == [
        ("Igor Konashenkov", 2, True),  # "Konashenkov" is his alias: first despite fewer claims
        ("Anna Konashenkova", 4, False),
    ]
    part = find_sources(session, "KONASHENK", team="T1", viewer_channel="C1")  # case-folded substring
    assert [(m.name, m.exact) for m in part] == [("Anna Konashenkova", False), ("Igor Konashenkov", False)]
    exact_name = find_sources(session, "  anna konashenkova ", team="T1", viewer_channel="C1")
    assert [(m.name, m.exact) for m in exact_name] == [("Anna Konashenkova", True)]
    assert find_sources(session, "the spokesman", team="T1", viewer_channel="C1")[0].exact
    for nothing in ("", "   ", "%", "_", "zzz"):  # LIKE's wildcards are plain characters here
        assert find_sources(session, nothing, team="T1", viewer_channel="C1") == []


def test_name_matching_never_names_a_source_the_viewer_cannot_see(session: Session) -> None:
    elsewhere = NewSource("Pavel Konashenkov", "person")
    private = NewSource("Oleg Konashenkov", "person")
    shared(session, new_article(), [claim("seen", KONASHENKOV)], at=at(0))
    shared(session, new_article(), [claim("theirs", elsewhere)], team="T2", channel="C9", at=at(1))
    shared(session, new_article(), [claim("inside", private)], channel="G1", private=True, at=at(2))

    def names(team: str, viewer: str) -> list[str]:
        return [m.name for m in find_sources(session, "konashenkov", team=team, viewer_channel=viewer)]

    assert names("T1", "C1") == ["Igor Konashenkov"]
    assert names("T1", "G1") == ["Igor Konashenkov", "Oleg Konashenkov"]
    assert names("T2", "C9") == ["Pavel Konashenkov"]
    assert names("T3", "C1") == []


def test_top_sources_counts_a_windows_shown_public_claims(session: Session) -> None:
    now = at(24 * 30)
    week = now - dt.timedelta(days=7)
    officials = NewSource("officials", "unnamed")
    recent = new_article(title="Recent")
    shared(session, recent, [claim(f"k{i}", KONASHENKOV) for i in range(2)], at=now - dt.timedelta(days=1))
    share_again(session, recent, channel="C2", channel_name="war", when=now - dt.timedelta(hours=2))
    shared(
        session,
        new_article(),
        [
            *(claim(f"z{i}", ZELENSKY) for i in range(3)),
            *(claim(f"zh{i}", ZELENSKY, shown=False, act="intention") for i in range(3)),
            *(claim(f"o{i}", officials) for i in range(5)),
        ],
        at=now - dt.timedelta(days=2),
    )
    shared(
        session,
        new_article(),
        [claim(f"old{i}", KONASHENKOV) for i in range(5)],
        at=now - dt.timedelta(days=9),
    )
    shared(
        session,
        new_article(),
        [claim(f"r{i}", ROGAN) for i in range(6)],
        channel="G1",
        private=True,
        at=now - dt.timedelta(days=1),
    )
    shared(
        session,
        new_article(),
        [claim(f"t{i}", ROGAN) for i in range(6)],
        team="T2",
        at=now - dt.timedelta(days=1),
    )

    def top(since: dt.datetime, team: str = "T1", limit: int = 5) -> list[tuple[str, int]]:
        return [(q.name, q.claims) for q in top_sources(session, team, since, limit=limit)]

    # Zelensky: 3 shown (his intentions are hidden); Konashenkov: 2, shared twice; officials: unnamed;
    # Rogan: only in a private channel and in T2; the 5 older claims fall outside the week
    assert top(week) == [("Volodymyr Zelensky", 3), ("Igor Konashenkov", 2)]
    assert top(now - dt.timedelta(days=10)) == [("Igor Konashenkov", 7), ("Volodymyr Zelensky", 3)]
    assert top(week, limit=1) == [("Volodymyr Zelensky", 3)]
    assert top(now) == []
    assert top(week, team="T2") == [("Tom Rogan", 6)]
    [konashenkov] = [q for q in top_sources(session, "T1", week) if q.name == "Igor Konashenkov"]
    assert konashenkov.role == "Russian Defense Ministry spokesman"
