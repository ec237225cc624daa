"""The query language's operators and channels (issue "A user's first hour", items 7 and 8), on both backends.

`a OR b`, `-word`, `word*`, filters alone, what is refused in one line, and `in:X` naming a channel by id
or by name, with or without '#', whichever way its claims were filed (Slack's id and name, or the CLI's
`--channel news`). The last test runs the same queries on SQLite and PostgreSQL and compares the hits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session

from storage.db import make_engine
from storage.search import QueryError, SearchQuery, Term, channel_ids, fts5_match, parse_query, search
from tests.plugins.db import BACKENDS, selected_backends
from tests.storage.factories import KONASHENKOV, ZELENSKY, claim, new_article, shared

T0 = dt.datetime(2024, 3, 1, 12, 0, tzinfo=dt.UTC)
NOW = T0 + dt.timedelta(days=10)


def at(hours: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


def contents(hits: list) -> list[str]:
    return [h.content for h in hits]


# --- parsing -------------------------------------------------------------------------------------------


def test_parse_or_exclusion_and_prefix() -> None:
    q = parse_query('tanks OR "heavy artillery" drones -training -"on parade" kill* -shell* or')
    assert q.any_of == [(Term("word", "tanks"), Term("phrase", "heavy artillery"))]
    assert (q.words, q.phrases, q.prefixes) == (["drones", "or"], [], ["kill"])  # lowercase or: a word
    assert q.excluded == [Term("word", "training"), Term("phrase", "on parade"), Term("prefix", "shell")]
    chain = parse_query("a1 OR b2 OR c3 d4 AND e5")  # AND is what words do anyway
    assert chain.any_of == [(Term("word", "a1"), Term("word", "b2"), Term("word", "c3"))]
    assert chain.words == ["d4", "e5"]


def test_fts5_expression_quotes_every_term() -> None:
    assert fts5_match(parse_query('-"x AND y" NEARx')) == '("NEARx") NOT ("x AND y")'
    q = parse_query('drones OR missiles kill* -"power station" -refinery')
    assert fts5_match(q) == '("kill"* AND ("drones" OR "missiles")) NOT ("power station" OR "refinery")'


def test_smart_quotes_are_quotes() -> None:
    assert parse_query("\u201ckilled in action\u201d").phrases == ["killed in action"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('"killed in action', "unclosed quote"),
        ('source:"Igor Konashenkov', "unclosed quote"),
        ("killed (action)", "parentheses are not supported"),
        ("NEAR(killed servicemen)", "parentheses are not supported"),
        ("killed NEAR servicemen", "NEAR is not supported"),
        ("killed NOT servicemen", "NOT is not supported"),
        ("OR killed", "OR goes between two words"),
        ("killed OR", "OR goes between two words"),
        ("killed OR OR missiles", "OR goes between two words"),
        ("killed OR -missiles", "OR goes between two words"),
        ("-killed", "-word only narrows a search"),
        ("-killed since:7d in:#news", "-word only narrows a search"),
        ("k*", "a prefix needs at least 2 letters"),
        ("ki*ed", "* only ends a word"),
        ("u.s*", "a prefix is letters or digits"),
        ('"killed in"*', "* ends a word"),
        ("-source:konashenkov killed", "-source: is not supported"),
        ("title:killed", 'unknown filter "title:"'),
    ],
)
def test_unsupported_syntax_is_refused_in_one_line(text: str, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(text)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("text", ["since:0d", "since:0m", "in:news", "in:#news", "source:x"])
def test_filters_alone_are_a_query(text: str) -> None:
    assert not parse_query(text).is_empty()


# --- searching -----------------------------------------------------------------------------------------

CLAIMS = [
    "498 servicemen were killed in action",
    "the convoy was shelled near the border",
    "drones attacked the refinery",
    "missiles hit the power station",
    "artillery shelling continued overnight",
    "negotiations on a ceasefire resumed",
    "the killer was never found",
]


def fill(session: Session) -> Session:
    """One claim per article, an hour apart, in team T1's public #news (C1)."""
    for i, content in enumerate(CLAIMS):
        speaker = KONASHENKOV if i % 2 else ZELENSKY
        shared(session, new_article(title=f"Daily update {i}"), [claim(content, speaker)], at=at(i))
    return session


@pytest.fixture
def corpus(session: Session) -> Session:
    return fill(session)


def newest(*indexes: int) -> list[str]:
    return [CLAIMS[i] for i in sorted(indexes, reverse=True)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("drones OR missiles", newest(2, 3)),
        ("drone OR missile", newest(2, 3)),  # stemmed like any word
        ('"power station" OR refinery', newest(2, 3)),
        ("killer OR drones refinery", newest(2)),  # OR joins its two neighbours; the rest still must match
        ("drones or missiles", []),  # lowercase "or" is a word like any other
        ("kill*", newest(0, 6)),
        ("shell*", newest(1, 4)),
        ("negot*", newest(5)),
        ("negotiat*", []),  # a prefix is stemmed and matches stemmed words: "negoti", not "negotiat"
        ("KILL* -servicemen", newest(6)),
        ('kill* -"in action"', newest(6)),
        ("shelling -convoy", newest(4)),
        ("shelling -artill*", newest(1)),
        ("drones OR missiles -station", newest(2)),
        ("ceasefire OR drones -refin*", newest(5)),
        ('"were killed" OR "was shelled" since:2w', newest(0, 1)),
        ("killed -absentword", newest(0)),
        ("absentword OR killer", newest(6)),
    ],
)
def test_operators(corpus: Session, text: str, expected: list[str]) -> None:
    assert contents(search(corpus, text, team="T1", now=NOW)) == expected


def test_operators_with_source_and_pages(corpus: Session) -> None:
    assert contents(search(corpus, "shell* source:konashenkov", team="T1", now=NOW)) == newest(1)
    assert contents(search(corpus, "kill* OR shell* -border source:zelensky", team="T1", now=NOW)) == newest(
        0, 4, 6
    )
    pages = [search(corpus, "kill* OR shell*", team="T1", limit=2, offset=o, now=NOW) for o in (0, 2)]
    assert [contents(p) for p in pages] == [newest(6, 4), newest(1, 0)]


def test_filters_alone_list_the_newest_claims(corpus: Session) -> None:
    assert search(corpus, "since:0d", team="T1", now=NOW) == []  # nothing shared in the last 0 days
    assert contents(search(corpus, "since:3h", team="T1", now=at(6.5))) == newest(4, 5, 6)
    assert contents(search(corpus, "in:news", team="T1", limit=2, now=NOW)) == newest(5, 6)
    assert contents(search(corpus, "in:#news since:2h", team="T1", now=at(6.5))) == newest(5, 6)


def test_fts_syntax_in_words_stays_words(corpus: Session) -> None:
    """FTS5's and tsquery's own syntax inside a term is text: it cannot widen or break a query."""
    for text in ('"killed" OR "x" OR "y"', "killed^ +servicemen", "killed:* & !servicemen", '"a"" OR ""b"'):
        try:
            hits = search(corpus, text, team="T1", now=NOW)
        except QueryError as exc:
            assert "\n" not in str(exc)
            continue
        assert set(contents(hits)) <= {CLAIMS[0]}, text


# --- channels ------------------------------------------------------------------------------------------


@pytest.fixture
def channels(session: Session) -> Session:
    """`claimbot ingest --channel news` (team "local", the channel id "news", no name), Slack's #news (id
    C0NEWS, name news) and #World in team T1, and T1's private #leaks."""
    art = new_article
    shared(
        session, art(), [claim("tanks crossed the river")], team="local", channel="news", channel_name=None
    )
    shared(session, art(), [claim("tanks were spotted at dawn")], channel="C0NEWS", channel_name="news")
    shared(session, art(), [claim("tanks left the city")], channel="C0WORLD", channel_name="World")
    shared(session, art(), [claim("tanks in a private channel")], channel="G0LEAKS", channel_name="leaks",
           private=True)  # fmt: skip
    return session


@pytest.mark.parametrize("form", ["news", "#news", "NEWS", "#News", "##news"])
def test_in_names_a_channel_by_name_or_by_id(channels: Session, form: str) -> None:
    """One notion of channel: the CLI's channel "news" and Slack's C0NEWS named news, however it is typed."""
    assert contents(search(channels, f"tanks in:{form}", team=None, now=NOW)) == [
        "tanks were spotted at dawn",
        "tanks crossed the river",
    ]
    assert contents(search(channels, f"tanks in:{form}", team="local", now=NOW)) == [
        "tanks crossed the river"
    ]
    assert contents(search(channels, f"in:{form}", team="T1", now=NOW)) == ["tanks were spotted at dawn"]


@pytest.mark.parametrize(
    "form", ["in:C0NEWS", "in:c0news", "in:#C0NEWS", "in:<#C0NEWS|news>", "in:<#C0NEWS|>", "<#C0NEWS|news>"]
)
def test_in_by_id_and_slacks_escaped_form(channels: Session, form: str) -> None:
    assert contents(search(channels, f"tanks {form}", team="T1", now=NOW)) == ["tanks were spotted at dawn"]


def test_in_keeps_private_channels_private(channels: Session) -> None:
    assert contents(search(channels, "tanks in:world", team="T1", now=NOW)) == ["tanks left the city"]
    for viewer in (None, "C0NEWS"):
        assert search(channels, "tanks in:#leaks", team="T1", viewer_channel=viewer, now=NOW) == []
        assert search(channels, "in:leaks", team="T1", viewer_channel=viewer, now=NOW) == []
    for viewer in ("G0LEAKS", ["G0LEAKS"]):
        assert contents(search(channels, "in:#leaks", team="T1", viewer_channel=viewer, now=NOW)) == [
            "tanks in a private channel"
        ]
    assert search(channels, "in:#leaks", team="T2", viewer_channel="G0LEAKS", now=NOW) == []
    assert search(channels, "in:#nosuch", team=None, now=NOW) == []


def test_channel_ids(channels: Session) -> None:
    assert channel_ids(channels, "#news", None) == ["C0NEWS", "news"]
    assert channel_ids(channels, "News", "T1") == ["C0NEWS"]
    assert channel_ids(channels, "<#C9|whatever>", "T1") == ["C9"]
    assert channel_ids(channels, "#", "T1") == []
    assert channel_ids(channels, "#world", "T2") == []


# --- the same hits on both backends --------------------------------------------------------------------

SAME_ON_BOTH = [
    "killed",
    "killing",
    "KILLED servicemen",
    '"killed in action"',
    "drones OR missiles",
    "drone OR missile OR artillery",
    '"power station" OR "was shelled"',
    "killer OR drones refinery",
    "kill*",
    "shell*",
    "negot*",
    "ceasefir*",
    "artill* OR drone*",
    "kill* -servicemen",
    'shell* -"near the border"',
    "shelling -artill*",
    "drones OR missiles -station",
    "source:konashenkov shell*",
    "source:zelensky shell* OR kill* -border",
    "kill* since:2h",
    "since:1d",
    "in:news drones OR missiles",
    "zelensky OR konashenkov -drones",  # source names are searched too
    "daily -servicemen",
]


@pytest.fixture
def both_sessions(request: pytest.FixtureRequest, _db_server: Any) -> Iterator[dict[str, Session]]:
    if selected_backends(request.config) != list(BACKENDS):
        pytest.skip("compares SQLite and PostgreSQL: run with --db=both")
    sessions: dict[str, Session] = {}
    engines, connections = [], []
    try:
        for backend in BACKENDS:
            engine = make_engine(_db_server.migrated_url(backend))
            conn = engine.connect()
            conn.begin()
            engines.append(engine)
            connections.append(conn)
            sessions[backend] = Session(bind=conn, join_transaction_mode="create_savepoint")
        yield sessions
    finally:
        for s in sessions.values():
            s.close()
        for conn in connections:
            conn.rollback()
            conn.close()
        for engine in engines:
            engine.dispose()


def test_both_backends_give_the_same_hits(both_sessions: dict[str, Session]) -> None:
    """Every supported shape, the same data on SQLite (FTS5, Porter) and PostgreSQL (tsquery, Snowball)."""
    answers = {}
    for backend, session in both_sessions.items():
        fill(session)
        answers[backend] = {
            text: contents(search(session, text, team="T1", now=at(7))) for text in SAME_ON_BOTH
        }
    sqlite, postgresql = answers["sqlite"], answers["postgresql"]
    for text in SAME_ON_BOTH:
        assert sqlite[text] == postgresql[text], text
        assert sqlite[text], f"{text!r} matched nothing on either: the comparison would say nothing"
    assert SearchQuery().is_empty()
