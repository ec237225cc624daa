"""The query language, and search results on both backends: matching, filters, order, visibility."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from storage import repository as repo
from storage import search as search_module
from storage.records import NewSource
from storage.search import QueryError, SearchQuery, parse_query, search
from tests.storage.factories import KONASHENKOV, ZELENSKY, claim, new_article, shared

UTC = dt.UTC
T0 = dt.datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
NOW = T0 + dt.timedelta(days=10)


def at(hours: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


# --- parsing -------------------------------------------------------------------------------------------


def test_parse_words_phrases_and_filters() -> None:
    q = parse_query('Troops "killed in action" SOURCE:"Igor Konashenkov" Since:7d in:#News ukraine')
    assert q == SearchQuery(
        words=["Troops", "ukraine"],
        phrases=["killed in action"],
        source="Igor Konashenkov",
        since=dt.timedelta(days=7),
        channel=None,
        channel_name="News",  # an id or a name, matched without case (channel_ids)
    )


@pytest.mark.parametrize(
    ("text", "since"),
    [
        ("since:30m", dt.timedelta(minutes=30)),
        ("since:24h", dt.timedelta(hours=24)),
        ("since:2W", dt.timedelta(weeks=2)),
    ],
)
def test_parse_durations(text: str, since: dt.timedelta) -> None:
    assert parse_query(text).since == since


@pytest.mark.parametrize(
    ("text", "channel", "name"),
    [
        ("in:<#C0123ABCD|general>", "C0123ABCD", None),  # Slack's escaped form names the channel's id
        ("in:<#C0123ABCD|>", "C0123ABCD", None),
        ("in:<#C0123ABCD>", "C0123ABCD", None),
        ("<#C0123ABCD|general>", "C0123ABCD", None),  # "#general" picked in Slack, without in:
        ("in:C0123ABCD", None, "C0123ABCD"),  # an id or a name: whichever a share has
        ("in:#General", None, "General"),
        ("in:general", None, "general"),
        ("in:##general", None, "general"),
    ],
)
def test_parse_channels(text: str, channel: str | None, name: str | None) -> None:
    q = parse_query(text)
    assert (q.channel, q.channel_name) == (channel, name)


def test_parse_source_without_quotes_and_filters_only() -> None:
    q = parse_query("source:Konashenkov")
    assert (q.words, q.phrases, q.source) == ([], [], "Konashenkov")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty query"),
        ("   ", "empty query"),
        ('"" * - & |', "empty query"),
        ("include:hidden -killed", "-word only narrows a search"),
        ("foo:bar missiles", 'unknown filter "foo:"'),
        ("since:7x", 'bad duration "7x"'),
        ("since:week", 'bad duration "week"'),
        ("since:99999999d", 'bad duration "99999999d"'),
        ("source:", '"source:" needs a value'),
        ('source:""', '"source:" needs a value'),
        ("in:#", 'bad channel "#"'),
    ],
)
def test_query_errors(text: str, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(text)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_parse_include_hidden() -> None:
    assert parse_query("bridge INCLUDE:Hidden").include_hidden is True
    assert parse_query("bridge").include_hidden is False
    with pytest.raises(QueryError, match=r'^unknown "include:all" \(use include:hidden\)$'):
        parse_query("bridge include:all")
    with pytest.raises(QueryError, match=r"^empty query"):  # it widens a query; it is not one
        parse_query("include:hidden")


def test_a_url_is_a_word_not_a_filter() -> None:
    assert parse_query("https://news.example/a").words == ["https://news.example/a"]


# --- searching -----------------------------------------------------------------------------------------


@pytest.fixture
def corpus(session: Session) -> Session:
    """Two teams; team T1 has a public channel C1 (#news), another public C2 (#world), a private P1."""
    shared(
        session,
        new_article(title="Ministry reports losses"),
        [
            claim("498 servicemen were killed in action", KONASHENKOV, salience=0.9, cue="said"),
            claim("the operation is going according to plan", KONASHENKOV, salience=0.4),
        ],
        at=at(0),
    )
    shared(
        session,
        new_article(title="Kyiv speaks"),
        [claim("more than 2,870 Russian troops were killed", ZELENSKY, salience=0.8)],
        channel="C2",
        channel_name="world",
        at=at(1),
    )
    shared(
        session,
        new_article(title="Secret memo"),
        [claim("the missiles were moved to the border", NewSource("officials", "unnamed"))],
        channel="P1",
        channel_name="leaks",
        private=True,
        at=at(2),
    )
    shared(
        session,
        new_article(title="Other workspace"),
        [claim("troops were killed near the river", KONASHENKOV)],
        team="T2",
        channel="C7",
        at=at(3),
    )
    return session


def contents(hits: list) -> list[str]:
    return [h.content for h in hits]


def test_words_must_all_match_and_stem(corpus: Session) -> None:
    hits = search(corpus, "troops killed", team="T1", now=NOW)
    assert contents(hits) == ["more than 2,870 Russian troops were killed"]
    assert contents(search(corpus, "KILLING", team="T1", now=NOW)) == [
        "more than 2,870 Russian troops were killed",
        "498 servicemen were killed in action",
    ]
    assert search(corpus, "troops absentword", team="T1", now=NOW) == []


def test_phrases(corpus: Session) -> None:
    assert contents(search(corpus, '"killed in action"', team="T1", now=NOW)) == [
        "498 servicemen were killed in action"
    ]
    assert search(corpus, '"action in killed"', team="T1", now=NOW) == []


def test_title_and_source_names_are_searched(corpus: Session) -> None:
    # both claims match through the title; within one share the more salient comes first
    assert contents(search(corpus, "ministry losses", team="T1", now=NOW)) == [
        "498 servicemen were killed in action",
        "the operation is going according to plan",
    ]
    by_alias = search(corpus, "spokesman plan", team="T1", now=NOW)
    assert contents(by_alias) == ["the operation is going according to plan"]


def test_hit_fields(corpus: Session) -> None:
    (hit,) = search(corpus, '"2,870"', team="T1", now=NOW)
    assert hit.source == "Volodymyr Zelensky" and hit.role == "President of Ukraine"
    assert (hit.team, hit.channel, hit.channel_name) == ("T1", "C2", "world")
    assert hit.article_title == "Kyiv speaks" and hit.article_url.startswith("https://news.example/")
    assert hit.kind == "indirect" and hit.cue == "said" and hit.quantities == []
    assert hit.shared_at == at(1) and hit.message_ts and hit.thread_ts == hit.message_ts


def test_source_filter(corpus: Session) -> None:
    hits = search(corpus, "source:konashenkov", team="T1", now=NOW)
    assert contents(hits) == [
        "498 servicemen were killed in action",
        "the operation is going according to plan",
    ]
    assert contents(search(corpus, 'killed source:"Igor Konashenkov"', team="T1", now=NOW)) == [
        "498 servicemen were killed in action"
    ]
    assert contents(search(corpus, "source:zelen", team="T1", now=NOW)) == [
        "more than 2,870 Russian troops were killed"
    ]
    assert search(corpus, "source:nobody", team="T1", now=NOW) == []


PETROV = NewSource("Ivan Petrov", "person", "governor")
PETROVA = NewSource("Anna Petrova", "person", "minister")
PETRO = NewSource("Petro Poroshenko", "person", "former president")


@pytest.mark.parametrize("walk", [1, 16], ids=["in-subquery", "per-source"])
def test_source_filter_naming_several_sources(
    session: Session, monkeypatch: pytest.MonkeyPatch, walk: int
) -> None:
    """source:petro names three sources. PostgreSQL walks each one's entries newest first and merges them
    when it names at most PG_SOURCE_WALK, else it filters by the names' subquery: the same hits either way,
    newest share first across the sources, with words, since:, in: and pages."""
    monkeypatch.setattr(search_module, "PG_SOURCE_WALK", walk)
    speakers = [PETROV, PETRO, PETROVA, ZELENSKY, PETROVA, PETROV, PETRO, PETROV]
    for i, speaker in enumerate(speakers):
        shared(
            session,
            new_article(title=f"day {i}"),
            [claim(f"statement {i} on {'tanks' if i % 2 else 'grain'}", speaker)],
            channel="C1" if i < 6 else "C2",
            channel_name="news" if i < 6 else "world",
            at=at(24 * i),
        )
    newest_first = [f"statement {i} on {'tanks' if i % 2 else 'grain'}" for i in (7, 6, 5, 4, 2, 1, 0)]
    assert contents(search(session, "source:petro", team="T1", now=NOW)) == newest_first
    pages = [search(session, "source:petro", team="T1", limit=3, offset=o, now=NOW) for o in (0, 3, 6)]
    assert [contents(page) for page in pages] == [newest_first[:3], newest_first[3:6], newest_first[6:]]
    assert contents(search(session, "source:petro tanks", team="T1", now=NOW)) == [
        "statement 7 on tanks",
        "statement 5 on tanks",
        "statement 1 on tanks",
    ]
    assert contents(search(session, "source:petrova", team="T1", now=NOW)) == [
        "statement 4 on grain",
        "statement 2 on grain",
    ]
    assert contents(search(session, "source:petro since:4d", team="T1", now=at(24 * 7 + 1))) == [
        "statement 7 on tanks",
        "statement 6 on grain",
        "statement 5 on tanks",
        "statement 4 on grain",
    ]
    assert contents(search(session, "source:petro tanks in:#news", team="T1", now=NOW)) == [
        "statement 5 on tanks",
        "statement 1 on tanks",
    ]
    assert search(session, "source:petro tanks", team="T2", now=NOW) == []
    assert search(session, "source:petro absentword", team="T1", now=NOW) == []
    assert search(session, "source:petrovich", team="T1", now=NOW) == []


def test_source_names_are_matched_literally(session: Session) -> None:
    """LIKE's wildcards and the escape character in source: are plain characters."""
    for name in ("Agent_7", "Agentx7", "50% Group", "Fifty Group", "A/B Desk"):
        shared(session, new_article(title=name), [claim(f"statement by {name}", NewSource(name, "person"))])
    for text, expected in [
        ("source:agent_7", ["statement by Agent_7"]),
        ('source:"50%"', ["statement by 50% Group"]),
        ("source:a/b", ["statement by A/B Desk"]),
    ]:
        assert contents(search(session, text, team="T1", now=NOW)) == expected, text
    assert contents(search(session, "source:%", team="T1", now=NOW)) == ["statement by 50% Group"]
    assert contents(search(session, "source:_", team="T1", now=NOW)) == ["statement by Agent_7"]


@pytest.mark.parametrize("head", [(3000, 100), (1, 0)], ids=["head", "no-head"])
def test_results_do_not_depend_on_the_newest_entries_head(
    session: Session, monkeypatch: pytest.MonkeyPatch, head: tuple[int, int]
) -> None:
    """PostgreSQL answers from the newest entries when they hold a page, else from the GIN index: with a
    head of one entry every search takes the GIN branch (and re-reads it when claims repeat); the hits are
    the same."""
    monkeypatch.setattr(search_module, "PG_HEAD_ROWS", head[0])
    monkeypatch.setattr(search_module, "PG_HEAD_PER_HIT", head[1])
    art = new_article(title="Reshared")
    shared(session, art, [claim("convoy reached the city"), claim("convoy was shelled")], at=at(0))
    for i in range(6):
        shared(session, new_article(title=f"day {i}"), [claim(f"convoy report {i}", ZELENSKY)], at=at(1 + i))
    shared(session, art, [], channel="C2", channel_name="world", at=at(8))
    shared(session, art, [], channel="P1", private=True, at=at(9))
    shared(session, new_article(), [claim("convoy plans", shown=False, act="intention")], at=at(10))
    newest = ["convoy reached the city", "convoy was shelled"] + [
        f"convoy report {i}" for i in range(5, -1, -1)
    ]
    assert contents(search(session, "convoy", team="T1", now=NOW)) == newest
    assert [
        contents(search(session, "convoy", team="T1", limit=3, offset=o, now=NOW)) for o in (0, 3, 6)
    ] == [
        newest[:3],
        newest[3:6],
        newest[6:],
    ]
    assert [h.channel for h in search(session, "convoy", team="T1", limit=2, now=NOW)] == ["C2", "C2"]
    assert [
        h.channel for h in search(session, "convoy", team="T1", viewer_channel="P1", limit=2, now=NOW)
    ] == [
        "P1",
        "P1",
    ]
    assert contents(search(session, "convoy include:hidden", team="T1", limit=1, now=NOW)) == ["convoy plans"]
    assert contents(search(session, '"convoy report" since:3h', team="T1", now=at(7))) == [
        "convoy report 5",
        "convoy report 4",
        "convoy report 3",
    ]
    assert contents(search(session, "convoy in:#news", team="T1", limit=3, now=NOW)) == newest[2:5]
    assert search(session, "convoy absentword", team="T1", now=NOW) == []


def test_since_filter(corpus: Session) -> None:
    now = at(2.5)
    assert contents(search(corpus, "since:2h killed", team="T1", now=now)) == [
        "more than 2,870 Russian troops were killed"
    ]
    assert len(search(corpus, "since:2h", team="T1", now=now)) == 1  # the public claim; P1 is private
    assert search(corpus, "since:10m", team="T1", now=now) == []
    assert len(search(corpus, "since:1w", team="T1", now=now)) == 3


def test_channel_filter(corpus: Session) -> None:
    for text in ("killed in:C1", "killed in:#news", "killed in:<#C1|news>", "killed in:news"):
        assert contents(search(corpus, text, team="T1", now=NOW)) == [
            "498 servicemen were killed in action"
        ], text
    assert search(corpus, "killed in:#nosuch", team="T1", now=NOW) == []


def test_newest_first_and_pagination(session: Session) -> None:
    for i in range(7):
        shared(
            session, new_article(title=f"day {i}"), [claim(f"claim number {i} about tanks")], at=at(24 * i)
        )
    hits = search(session, "tanks", team="T1", now=NOW)
    assert [h.article_title for h in hits] == [f"day {i}" for i in reversed(range(7))]
    page1 = search(session, "tanks", team="T1", limit=3, now=NOW)
    page2 = search(session, "tanks", team="T1", limit=3, offset=3, now=NOW)
    page3 = search(session, "tanks", team="T1", limit=3, offset=6, now=NOW)
    assert [h.claim_id for h in page1 + page2 + page3] == [h.claim_id for h in hits]
    assert search(session, "tanks", team="T1", offset=7, now=NOW) == []


def test_share_completed_out_of_order_still_sorts_by_share_time(session: Session) -> None:
    old_article = new_article(title="shared first, processed last")
    new_article_ = new_article(title="shared second, processed first")
    stored_new, _ = repo.store_article(session, new_article_, [claim("tanks b")])
    stored_old, _ = repo.store_article(session, old_article, [claim("tanks a")])
    first, _ = repo.record_share(session, team="T1", channel="C1", message_ts="1.0", url=old_article.url)
    second, _ = repo.record_share(session, team="T1", channel="C1", message_ts="2.0", url=new_article_.url)
    first.created_at, second.created_at = at(0), at(1)
    repo.complete_share(session, second, stored_new)
    repo.complete_share(session, first, stored_old)
    assert contents(search(session, "tanks", team="T1", now=NOW)) == ["tanks b", "tanks a"]


def test_claim_shared_twice_appears_once_at_its_newest_visible_share(session: Session) -> None:
    art = new_article(title="Reshared")
    shared(session, art, [claim("artillery fire continued")], channel="C1", at=at(0))
    shared(session, new_article(), [claim("artillery in between")], at=at(1))
    shared(session, art, [], channel="P1", private=True, at=at(2))
    hits = search(session, "artillery", team="T1", now=NOW)
    assert [(h.content, h.channel) for h in hits] == [
        ("artillery in between", "C1"),
        ("artillery fire continued", "C1"),
    ]
    inside = search(session, "artillery", team="T1", viewer_channel="P1", now=NOW)
    assert [(h.content, h.channel) for h in inside] == [
        ("artillery fire continued", "P1"),
        ("artillery in between", "C1"),
    ]


def test_visibility_across_teams_and_private_channels(corpus: Session) -> None:
    t1 = contents(search(corpus, "killed", team="T1", now=NOW))
    assert "troops were killed near the river" not in t1  # T2's share
    t2 = contents(search(corpus, "killed", team="T2", now=NOW))
    assert t2 == ["troops were killed near the river"]

    assert search(corpus, "missiles", team="T1", now=NOW) == []  # private channel, searched elsewhere
    assert search(corpus, "missiles", team="T1", viewer_channel="C1", now=NOW) == []
    assert search(corpus, "missiles", team="T2", viewer_channel="P1", now=NOW) == []  # same id, other team
    assert contents(search(corpus, "missiles", team="T1", viewer_channel="P1", now=NOW)) == [
        "the missiles were moved to the border"
    ]
    assert search(corpus, "source:officials", team="T1", now=NOW) == []
    assert search(corpus, "in:P1", team="T1", now=NOW) == []

    operator = search(corpus, "killed", team=None, now=NOW)
    assert len(operator) == 3 and operator[0].team == "T2"
    assert len(search(corpus, "missiles", team=None, now=NOW)) == 1


def test_unshared_articles_are_only_for_the_operator(session: Session) -> None:
    stored, _ = repo.store_article(session, new_article(title="Ingested"), [claim("drones were launched")])
    assert search(session, "drones", team="T1", now=NOW) == []
    (hit,) = search(session, "drones", team=None, now=NOW)
    assert hit.team is None and hit.article_id == stored.id
    share, _ = repo.record_share(session, team="T1", channel="C1", message_ts="1.0", url=stored.url)
    repo.complete_share(session, share, stored)
    (hit,) = search(session, "drones", team=None, now=NOW)
    assert hit.team == "T1"
    assert len(search(session, "drones", team="T1", now=NOW)) == 1


def test_hidden_claims_only_with_include_hidden(session: Session) -> None:
    """Attributions kept for recall (shown false) stay out of every search unless it says include:hidden,
    on the text paths and the filter-only path, for Slack and for the operator."""
    shared(
        session,
        new_article(title="Bridge report"),
        [
            claim("the bridge is closed to traffic", KONASHENKOV),
            claim("the bridge will hold through winter", KONASHENKOV, shown=False, act="belief"),
        ],
        at=at(0),
    )
    shared(session, new_article(title="Later"), [claim("traffic resumed on the bridge", ZELENSKY)], at=at(1))
    visible = ["traffic resumed on the bridge", "the bridge is closed to traffic"]
    for team in ("T1", None):
        assert contents(search(session, "bridge", team=team, now=NOW)) == visible
        assert search(session, "winter", team=team, now=NOW) == []
        assert search(session, '"will hold"', team=team, now=NOW) == []
        assert contents(search(session, "source:konashenkov", team=team, now=NOW)) == [visible[1]]
        assert len(search(session, "since:2w", team=team, now=NOW)) == 2
        assert contents(search(session, "bridge include:hidden", team=team, now=NOW)) == [
            "traffic resumed on the bridge",
            "the bridge is closed to traffic",
            "the bridge will hold through winter",
        ]
        assert contents(search(session, "source:konashenkov include:hidden", team=team, now=NOW)) == [
            "the bridge is closed to traffic",
            "the bridge will hold through winter",
        ]
        assert len(search(session, "since:2w include:hidden", team=team, now=NOW)) == 3
    (hit,) = search(session, "winter include:hidden", team="T1", now=NOW)
    assert (hit.shown, hit.act) == (False, "belief")
    (hit,) = search(session, "closed", team="T1", now=NOW)
    assert (hit.shown, hit.act) == (True, "communication")


def test_a_share_completed_out_of_order_keeps_its_hidden_claims_hidden(session: Session) -> None:
    """Entries moved behind a late share are re-inserted: the copy keeps the claim's shown flag."""
    late, early = new_article(title="processed first"), new_article(title="processed last")
    stored_late, _ = repo.store_article(
        session, late, [claim("tanks moved"), claim("tanks will win", shown=False, act="belief")]
    )
    stored_early, _ = repo.store_article(session, early, [claim("tanks stopped")])
    first, _ = repo.record_share(session, team="T1", channel="C1", message_ts="1.0", url=early.url)
    second, _ = repo.record_share(session, team="T1", channel="C1", message_ts="2.0", url=late.url)
    first.created_at, second.created_at = at(0), at(1)
    repo.complete_share(session, second, stored_late)
    repo.complete_share(session, first, stored_early)  # moves the entries of `second` behind its own
    assert contents(search(session, "tanks", team="T1", now=NOW)) == ["tanks moved", "tanks stopped"]
    assert contents(search(session, "tanks include:hidden", team="T1", now=NOW)) == [
        "tanks moved",
        "tanks will win",
        "tanks stopped",
    ]


@pytest.mark.parametrize(
    "hostile",
    [
        '"',
        '"unbalanced',
        "*",
        "kill*",
        "-killed",
        "killed -servicemen",
        "NEAR(killed servicemen)",
        "killed OR missiles",
        "killed AND",
        "NOT killed",
        "content:killed",
        "a:b",
        "(killed)",
        ")(",
        "^killed",
        "killed:",
        "'; DROP TABLE claim; --",
        "killed \\",
        "{content}: killed",
        "+killed",
        "killed & | ! <-> :*",
    ],
)
def test_hostile_input_is_never_fts_syntax(corpus: Session, hostile: str) -> None:
    try:
        hits = search(corpus, hostile, team="T1", now=NOW)
    except QueryError as exc:
        assert "\n" not in str(exc)
        return
    for hit in hits:  # whatever matched, it matched as plain words
        assert hit.team == "T1"
    assert contents(search(corpus, "servicemen", team="T1", now=NOW)) == [
        "498 servicemen were killed in action"
    ]


def test_empty_query_raises(session: Session) -> None:
    with pytest.raises(QueryError, match="empty query"):
        search(session, "", team="T1")
    with pytest.raises(QueryError, match="empty query"):
        search(session, SearchQuery(), team="T1")
