"""Export records on both backends: every field with its provenance, the same visibility as search, one
record per share, newest first, streamed."""

from __future__ import annotations

import datetime as dt
import inspect

import pytest
from sqlalchemy.orm import Session

from storage.export import FIELDS, export_records
from storage.search import QueryError
from tests.storage.factories import KONASHENKOV, ZELENSKY, claim, new_article, shared

T0 = dt.datetime(2024, 3, 1, 12, 0, tzinfo=dt.UTC)


def at(hours: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


def contents(records: list[dict]) -> list[str]:
    return [r["content"] for r in records]


def test_a_record_holds_every_field_and_its_provenance(session: Session) -> None:
    losses = claim(
        "498 servicemen were killed",
        quantities=[{"value": 498.0, "text": "498", "counted": "servicemen", "bound": "exact"}],
        entities=[["Mariupol", "GPE"]],
        role="Russian Defense Ministry spokesman",
    )
    article, share = shared(
        session,
        new_article("https://news.example/losses", title="Ministry reports losses", byline="A. Writer"),
        [losses],
        channel="C7",
        channel_name="war-desk",
        at=at(1),
        message_ts="1700000000.000100",
    )
    share.permalink = "https://example.slack.com/archives/C7/p1700000000000200"
    session.flush()

    [record] = list(export_records(session, "killed", team="T1", viewer_channel="C9"))

    assert tuple(record) == FIELDS
    stored = article.claims[0]
    assert record["claim_id"] == stored.id
    assert (record["source"], record["source_kind"], record["role"]) == (
        "Igor Konashenkov",
        "person",
        "Russian Defense Ministry spokesman",
    )
    assert record["source_aliases"] == ["Konashenkov", "the spokesman"]
    assert (record["content"], record["kind"], record["act"], record["shown"]) == (
        "498 servicemen were killed",
        "indirect",
        "communication",
        True,
    )
    assert (record["content_start"], record["content_end"]) == (stored.start, stored.end)
    assert record["quantities"] == [
        {"value": 498.0, "text": "498", "counted": "servicemen", "bound": "exact"}
    ]
    assert record["entities"] == [["Mariupol", "GPE"]]
    assert (record["article_id"], record["article_url"], record["article_title"]) == (
        article.id,
        "https://news.example/losses",
        "Ministry reports losses",
    )
    assert (record["article_byline"], record["article_published"]) == ("A. Writer", dt.date(2022, 3, 2))
    assert (record["team"], record["channel"], record["channel_name"], record["channel_private"]) == (
        "T1",
        "C7",
        "war-desk",
        False,
    )
    assert (record["message_ts"], record["thread_link"], record["shared_by"]) == (
        "1700000000.000100",
        "https://example.slack.com/archives/C7/p1700000000000200",
        "U1",
    )
    assert record["shared_at"] == at(1)


def test_one_record_per_share_newest_first(session: Session) -> None:
    article = new_article(title="Corridor")
    shared(session, article, [claim("the corridor is open")], channel="C1", at=at(1))
    shared(session, article, [], channel="C2", at=at(2))  # the same article, shared again elsewhere
    shared(session, new_article(), [claim("the corridor is mined", ZELENSKY)], channel="C1", at=at(3))

    records = list(export_records(session, "corridor", team="T1", viewer_channel="C1"))

    assert [(r["content"], r["channel"]) for r in records] == [
        ("the corridor is mined", "C1"),
        ("the corridor is open", "C2"),
        ("the corridor is open", "C1"),
    ]


def test_visibility_is_the_searchers(session: Session) -> None:
    shared(session, new_article(), [claim("grain exports resumed")], team="T1", channel="C1", at=at(1))
    shared(session, new_article(), [claim("grain stocks are low")], team="T2", channel="C1", at=at(2))
    shared(
        session,
        new_article(),
        [claim("grain prices doubled")],
        team="T1",
        channel="G1",
        private=True,
        at=at(3),
    )

    outside = list(export_records(session, "grain", team="T1", viewer_channel="C1"))
    inside = list(export_records(session, "grain", team="T1", viewer_channel="G1"))
    operator = list(export_records(session, "grain", team=None))

    assert contents(outside) == ["grain exports resumed"]
    assert contents(inside) == ["grain prices doubled", "grain exports resumed"]
    assert inside[0]["channel_private"] is True
    assert contents(operator) == ["grain prices doubled", "grain stocks are low", "grain exports resumed"]


def test_hidden_claims_only_when_asked_and_filters_apply(session: Session) -> None:
    shared(
        session,
        new_article(),
        [
            claim("the dam will hold", cue="believes", shown=False, act="belief"),
            claim("the dam was hit", ZELENSKY),
            claim("the dam is intact", KONASHENKOV),
        ],
        at=at(1),
    )

    assert sorted(contents(export_records(session, "dam", team="T1"))) == [
        "the dam is intact",
        "the dam was hit",
    ]
    wider = contents(export_records(session, "dam include:hidden", team="T1"))
    assert sorted(wider) == ["the dam is intact", "the dam was hit", "the dam will hold"]
    assert contents(export_records(session, "dam source:zelensky", team="T1")) == ["the dam was hit"]


def test_an_empty_query_is_everything_visible_and_limit_caps(session: Session) -> None:
    for hour in range(5):
        shared(session, new_article(), [claim(f"report number {hour}")], at=at(hour))
    shared(session, new_article(), [claim("elsewhere")], team="T2", at=at(9))

    everything = contents(export_records(session, "", team="T1"))
    assert everything == [f"report number {h}" for h in (4, 3, 2, 1, 0)]
    assert contents(export_records(session, "", team="T1", limit=2)) == ["report number 4", "report number 3"]


def test_a_bad_query_is_refused_before_anything_is_read(session: Session) -> None:
    with pytest.raises(QueryError, match="-word only narrows"):
        list(export_records(session, "-killed", team="T1"))


def test_records_are_streamed_not_collected(session: Session) -> None:
    shared(session, new_article(), [claim(f"stream item {i}") for i in range(30)], at=at(1))
    records = export_records(session, "stream", team="T1", batch=7)
    assert inspect.isgenerator(records)
    first = next(records)
    assert first["content"].startswith("stream item")
    assert len([first, *records]) == 30


def test_include_hidden_alone_exports_every_claim_hidden_ones_too(session: Session) -> None:
    shared(
        session,
        new_article(),
        [claim("the port is open"), claim("the port may close", cue="fears", shown=False, act="belief")],
        at=at(1),
    )
    assert sorted(contents(export_records(session, "include:hidden", team="T1"))) == [
        "the port is open",
        "the port may close",
    ]
    assert contents(export_records(session, "", team="T1")) == ["the port is open"]
