"""Repository behaviour on the migrated schema, inside a rolled-back transaction per test."""

from __future__ import annotations

import datetime as dt
from typing import get_args

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.claims.model import ClaimKind
from bot.views.cards import claim_line
from bot.views.render import claim_mrkdwn
from storage import repository as repo
from storage.models import CLAIM_KINDS, Article, Claim, SearchEntry, Share, Source
from storage.records import NewSource
from storage.search import search
from tests.storage.factories import ROGAN, ZELENSKY, claim, new_article, shared

UTC = dt.UTC


def count(session: Session, model: type) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def test_store_article_is_idempotent_on_canonical_url(session: Session) -> None:
    art = new_article("https://news.example/a?utm=1", canonical_url="https://news.example/a")
    stored, created = repo.store_article(
        session, art, [claim("498 servicemen were killed"), claim("x", None)]
    )
    assert created and stored.word_count == len(art.text.split())
    assert stored.fetched_at.tzinfo is not None

    again, created_again = repo.store_article(
        session, new_article("https://other.example/a", canonical_url="https://news.example/a"), [claim("y")]
    )
    assert (again.id, created_again) == (stored.id, False)
    assert count(session, Article) == 1
    assert count(session, Claim) == 2
    assert count(session, Source) == 1
    assert repo.find_article(session, "https://news.example/a").id == stored.id
    assert repo.find_article(session, "https://news.example/a?utm=1").id == stored.id
    assert repo.find_article(session, "https://news.example/nope") is None


def test_claims_ranked_in_the_given_order_with_sources(session: Session) -> None:
    """The extractor's order is the thread's: stored order == `claimbot extract --json` order, whatever
    the salience says."""
    stored, _ = repo.store_article(
        session,
        new_article(),
        [claim("low", salience=0.1), claim("high", ZELENSKY, salience=0.9), claim("mid", None, salience=0.5)],
    )
    claims = repo.article_claims(session, stored.id)
    assert [c.content for c in claims] == ["low", "high", "mid"]
    assert [c.rank for c in claims] == [1, 2, 3]
    assert claims[1].source is not None and claims[1].source.name == "Volodymyr Zelensky"
    assert claims[2].source is None


def test_sources_are_global_and_merged(session: Session) -> None:
    first = NewSource("Igor Konashenkov", "person", None, aliases=("Konashenkov",))
    repo.store_article(session, new_article(), [claim("a", first)])
    second = NewSource("igor  KONASHENKOV", "person", "spokesman", aliases=("the spokesman", "Konashenkov"))
    third = NewSource("Igor Konashenkov", "person", "general", aliases=("Maj. Gen. Konashenkov",))
    repo.store_article(session, new_article(), [claim("b", second), claim("c", third)])

    sources = session.scalars(sa.select(Source)).all()
    assert len(sources) == 1
    source = sources[0]
    assert source.name == "Igor Konashenkov"  # the first name seen stays canonical
    assert source.name_key == "igor konashenkov"
    assert source.role == "spokesman"  # the first non-null role is kept
    # a spelling with the same key is the canonical name again, not an alias
    assert source.aliases == ["Konashenkov", "the spokesman", "Maj. Gen. Konashenkov"]
    assert "maj. gen. konashenkov" in source.search_names
    assert {c.source_id for c in session.scalars(sa.select(Claim))} == {source.id}


def test_source_key() -> None:
    assert repo.source_key('  "The  Kremlin"  ') == "the kremlin"
    assert repo.source_key("ÉLYSÉE") == repo.source_key("élysée")


def test_remember_event(session: Session) -> None:
    assert repo.remember_event(session, "T1", "Ev1") is True
    assert repo.remember_event(session, "T1", "Ev1") is False
    assert repo.remember_event(session, "T1", "Ev2") is True


def test_record_share_duplicate_returns_existing(session: Session) -> None:
    kwargs = {"team": "T1", "channel": "C1", "message_ts": "1.1", "url": "https://x.example/a"}
    share, created = repo.record_share(session, **kwargs, user="U1", channel_name="news")
    assert created and share.status == "pending" and share.thread_ts == "1.1"
    again, created_again = repo.record_share(session, **kwargs)
    assert (again.id, created_again) == (share.id, False)
    other, created_other = repo.record_share(
        session, **{**kwargs, "url": "https://x.example/b"}, thread_ts="0.9"
    )
    assert created_other and other.thread_ts == "0.9"
    assert count(session, Share) == 2
    assert [s.id for s in repo.pending_shares(session)] == [share.id, other.id]


def test_complete_and_fail_share(session: Session) -> None:
    stored, _ = repo.store_article(session, new_article(), [claim("a"), claim("b")])
    share, _ = repo.record_share(session, team="T1", channel="C1", message_ts="1.1", url=stored.url)
    failed, _ = repo.record_share(
        session, team="T1", channel="C1", message_ts="1.2", url="https://bad.example"
    )
    repo.complete_share(session, share, stored)
    repo.complete_share(session, share, stored, reply_ts="2.2")  # adding the reply ts does not index twice
    repo.fail_share(session, failed, "HTTP 404 " + "x" * 5000)
    assert (share.status, share.article_id, share.reply_ts) == ("done", stored.id, "2.2")
    assert failed.status == "failed" and failed.error.startswith("HTTP 404") and len(failed.error) == 2000
    assert repo.pending_shares(session) == []
    entries = session.scalars(sa.select(SearchEntry)).all()
    assert sorted((e.share_id, e.team) for e in entries) == [(share.id, "T1"), (share.id, "T1")]


def test_digest_settings(session: Session) -> None:
    assert repo.channel_settings(session, "T1", "C1") is None
    s = repo.set_digest(
        session, team="T1", channel="C1", enabled=True, hour=8, minute=30, timezone="Europe/Kyiv"
    )
    repo.set_digest(session, team="T1", channel="C2", enabled=False, user="U2")
    repo.set_digest(session, team="T2", channel="C9", enabled=True)
    again = repo.set_digest(session, team="T1", channel="C1", enabled=True, hour=18, user="U1")
    assert again.id == s.id and (again.digest_hour, again.digest_minute, again.set_by) == (18, 0, "U1")
    assert [c.channel for c in repo.team_channel_settings(session, "T1")] == ["C1", "C2"]
    assert [(c.team, c.channel) for c in repo.digest_subscriptions(session)] == [("T1", "C1"), ("T2", "C9")]
    with pytest.raises(ValueError):
        repo.set_digest(session, team="T1", channel="C1", enabled=True, hour=24)


def test_claim_digest_once_per_day(session: Session) -> None:
    day = dt.date(2024, 3, 1)
    assert repo.claim_digest(session, team="T1", channel="C1", local_date=day) is True
    assert repo.claim_digest(session, team="T1", channel="C1", local_date=day) is False
    assert repo.claim_digest(session, team="T1", channel="C1", local_date=day + dt.timedelta(days=1)) is True
    assert repo.claim_digest(session, team="T1", channel="C2", local_date=day) is True
    repo.mark_digest_posted(session, "T1", "C1", day, "9.9", 7)
    from storage.models import Digest

    row = session.scalar(sa.select(Digest).where(Digest.channel == "C1", Digest.local_date == day))
    assert (row.posted_ts, row.claim_count) == ("9.9", 7)


def test_shared_claims_window(session: Session) -> None:
    t0 = dt.datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
    a = new_article(title="A")
    b = new_article(title="B")
    shared(session, a, [claim("a1", salience=0.9), claim("a2", salience=0.2)], at=t0)
    shared(session, a, [], at=t0 + dt.timedelta(hours=1))  # shared again in the same channel
    shared(session, b, [claim("b1")], at=t0 + dt.timedelta(hours=2))
    shared(session, b, [], channel="C2", at=t0 + dt.timedelta(hours=2))
    shared(session, new_article(title="old"), [claim("o")], at=t0 - dt.timedelta(days=1))
    shared(session, new_article(title="other team"), [claim("t")], team="T2", at=t0)
    pending, _ = repo.record_share(
        session, team="T1", channel="C1", message_ts="5.5", url="https://p.example"
    )
    pending.created_at = t0

    day = repo.shared_claims(session, since=t0, until=t0 + dt.timedelta(days=1), team="T1", channel="C1")
    assert [x.article.title for x in day] == ["A", "B"]
    assert [c.content for c in day[0].claims] == ["a1", "a2"]
    assert len(day[0].shares) == 2 and len(day[1].shares) == 1
    assert day[0].claims[0].source.name == "Igor Konashenkov"

    first_hour = repo.shared_claims(session, since=t0, until=t0 + dt.timedelta(hours=1), team="T1")
    assert [x.article.title for x in first_hour] == ["A"] and len(first_hour[0].shares) == 1
    everywhere = repo.shared_claims(session, since=t0, until=t0 + dt.timedelta(days=1))
    assert [x.article.title for x in everywhere] == ["A", "other team", "B"]


def test_recent_articles_newest_first_without_private(session: Session) -> None:
    t0 = dt.datetime(2024, 3, 1, tzinfo=UTC)
    old = new_article(title="old")
    shared(session, old, [claim("o")], at=t0)
    shared(session, new_article(title="mid"), [claim("m")], at=t0 + dt.timedelta(hours=1))
    shared(session, new_article(title="secret"), [claim("s")], private=True, at=t0 + dt.timedelta(hours=2))
    shared(session, old, [], channel="C2", at=t0 + dt.timedelta(hours=3))  # re-shared: now the newest
    shared(session, new_article(title="elsewhere"), [claim("e")], team="T2", at=t0 + dt.timedelta(hours=4))

    assert [x.article.title for x in repo.recent_articles(session, "T1")] == ["old", "mid"]
    assert [x.article.title for x in repo.recent_articles(session, "T1", limit=1)] == ["old"]
    with_private = repo.recent_articles(session, "T1", include_private=True)
    assert [x.article.title for x in with_private] == ["old", "secret", "mid"]


def test_hidden_claims_are_stored_but_left_out_of_what_cards_list(session: Session) -> None:
    """A claim kept only for recall (shown false) is stored with its act; the loaders behind threads,
    digests and App Home return the shown ones, by rank."""
    t0 = dt.datetime(2024, 3, 1, tzinfo=UTC)
    stored, _ = shared(
        session,
        new_article(title="mixed"),
        [
            claim("the bridge is closed"),
            claim("the bridge will hold", shown=False, act="belief"),
            claim("repairs start on Monday"),
        ],
        at=t0,
    )
    every = repo.article_claims(session, stored.id, include_hidden=True)
    assert [(c.content, c.rank, c.shown, c.act) for c in every] == [
        ("the bridge is closed", 1, True, "communication"),
        ("the bridge will hold", 2, False, "belief"),
        ("repairs start on Monday", 3, True, "communication"),
    ]
    listed = ["the bridge is closed", "repairs start on Monday"]
    assert [c.content for c in repo.article_claims(session, stored.id)] == listed
    (day,) = repo.shared_claims(session, since=t0, until=t0 + dt.timedelta(days=1), team="T1")
    assert [c.content for c in day.claims] == listed
    (recent,) = repo.recent_articles(session, "T1")
    assert [c.content for c in recent.claims] == listed
    entries = session.execute(
        sa.select(Claim.content, SearchEntry.shown).join(Claim, Claim.id == SearchEntry.claim_id)
    ).all()
    assert sorted(entries) == [
        ("repairs start on Monday", True),
        ("the bridge is closed", True),
        ("the bridge will hold", False),
    ]


def test_every_claim_kind_is_stored_and_no_other(session: Session) -> None:
    """ck_claim_kind lets in exactly CLAIM_KINDS on both backends, among them every kind the extractor
    emits; anything else is refused by the database itself."""
    assert set(get_args(ClaimKind)) <= set(CLAIM_KINDS)
    claims = [claim(f"a {kind} claim", kind=kind) for kind in CLAIM_KINDS]
    stored, _ = repo.store_article(session, new_article(), claims)
    assert [c.kind for c in repo.article_claims(session, stored.id)] == list(CLAIM_KINDS)
    with pytest.raises(sa.exc.IntegrityError, match="ck_claim_kind"), session.begin_nested():
        repo.store_article(session, new_article(), [claim("not a kind", kind="opinion")])


def test_a_columnists_thesis_is_stored_searched_and_reads_writes(session: Session) -> None:
    """The byline author's own thesis in an opinion column: source, no cue, kind "thesis"."""
    thesis = "Biden's border policy is a failure of nerve."
    stored, _ = shared(
        session, new_article(title="Opinion: the border"), [claim(thesis, ROGAN, kind="thesis", cue=None)]
    )
    (kept,) = repo.article_claims(session, stored.id)
    assert kept.source is not None
    assert (kept.source.name, kept.cue, kept.kind, kept.shown) == ("Tom Rogan", None, "thesis", True)
    (hit,) = search(session, "border nerve", team="T1")
    assert (hit.source, hit.cue, hit.kind) == ("Tom Rogan", None, "thesis")
    assert claim_mrkdwn(claim_line(kept)) == f"*Tom Rogan* — _writes_: {thesis}"


def test_naive_datetimes_are_refused(session: Session) -> None:
    share, _ = repo.record_share(session, team="T1", channel="C1", message_ts="1.1", url="https://x.example")
    share.created_at = dt.datetime(2024, 1, 1)  # naive
    with pytest.raises(sa.exc.StatementError, match="naive datetime"):
        session.flush()


def test_claim_shares_once_and_resume_stale_claims(session: Session) -> None:
    a, _ = repo.record_share(session, team="T1", channel="C1", message_ts="1.1", url="https://x.example/a")
    b, _ = repo.record_share(session, team="T1", channel="C1", message_ts="1.1", url="https://x.example/b")
    assert [s.id for s in repo.resumable_shares(session)] == [a.id, b.id]  # never claimed: resume at start
    assert repo.resumable_shares(session, unclaimed_grace_seconds=60) == []  # intake's own job comes first

    claimed = repo.claim_shares(session, [a.id, b.id], owner="w1", lease_seconds=60)
    assert [s.id for s in claimed] == [a.id, b.id]
    assert {s.claimed_by for s in claimed} == {"w1"}
    assert (
        repo.claim_shares(session, [a.id, b.id], owner="w2") == []
    )  # a second delivery of the job gets nothing
    assert repo.resumable_shares(session) == []  # a worker has them
    assert repo.renew_lease(session, [a.id, b.id], owner="w1", lease_seconds=60) == 2

    a.lease_until = dt.datetime.now(UTC) - dt.timedelta(seconds=1)  # w1 stopped renewing: it died
    session.flush()
    assert [s.id for s in repo.resumable_shares(session)] == [a.id]
    assert [s.id for s in repo.claim_shares(session, [a.id, b.id], owner="w2")] == [a.id]
    assert repo.renew_lease(session, [a.id, b.id], owner="w1", lease_seconds=60) == 1  # w1 learns it lost a

    stored, _ = repo.store_article(session, new_article(), [claim("x")])
    repo.complete_share(session, repo.get_share(session, a.id), repo.get_article(session, stored.id))
    repo.set_share_reply(session, [a.id, b.id], reply_ts="9.9", permalink="https://acme.slack.com/p99")
    session.expire_all()
    assert (a.reply_ts, b.permalink) == ("9.9", "https://acme.slack.com/p99")
    repo.release_shares(session, [a.id, b.id], owner="w2")
    assert repo.claim_shares(session, [a.id], owner="w3") == []  # done shares are never taken again
    with pytest.raises(LookupError):
        repo.get_share(session, 10**9)


def test_an_owed_reply_is_retried_after_its_backoff_and_given_up_for_good(session: Session) -> None:
    share, _ = repo.record_share(
        session, team="T1", channel="C1", message_ts="2.1", url="https://x.example/r"
    )
    repo.claim_shares(session, [share.id], owner="w1")
    repo.fail_share(session, share, "HTTP 404")
    repo.await_reply(session, share)
    now = dt.datetime.now(UTC)
    repo.reply_failed(
        session,
        [share.id],
        owner="w1",
        error="Slack answered internal_error",
        retry_at=now + dt.timedelta(seconds=30),
    )
    session.expire_all()
    assert (share.reply_status, share.reply_attempts, share.claimed_by) == ("pending", 1, None)
    assert repo.resumable_shares(session) == []  # backing off
    assert repo.claim_shares(session, [share.id], owner="w2") == []
    later = now + dt.timedelta(seconds=31)
    assert [s.id for s in repo.resumable_shares(session, now=later)] == [share.id]
    assert [s.id for s in repo.claim_shares(session, [share.id], owner="w2", now=later)] == [share.id]

    repo.reply_failed(
        session, [share.id], owner="w2", error="Slack answered channel_not_found", retry_at=None
    )
    session.expire_all()
    assert (share.status, share.reply_status, share.reply_attempts) == ("failed", "failed", 2)
    assert share.error == "HTTP 404" and share.reply_error == "Slack answered channel_not_found"
    assert repo.resumable_shares(session, now=later + dt.timedelta(days=1)) == []
    assert [s.id for s in repo.failed_shares(session, "T1")] == [share.id]
    assert repo.failed_shares(session, "T2") == []


def test_failed_shares_of_private_channels_stay_private(session: Session) -> None:
    public, _ = repo.record_share(
        session, team="T9", channel="C1", message_ts="3.1", url="https://x.example/p"
    )
    private, _ = repo.record_share(
        session, team="T9", channel="G1", message_ts="3.2", url="https://x.example/q", channel_private=True
    )
    for share in (public, private):
        repo.fail_share(session, share, "HTTP 500")
    assert [s.id for s in repo.failed_shares(session, "T9")] == [public.id]
    assert {s.id for s in repo.failed_shares(session, "T9", include_private=True)} == {public.id, private.id}


def test_set_watch(session: Session) -> None:
    repo.set_digest(session, team="T1", channel="C1", enabled=True, hour=7)
    assert repo.channel_settings(session, "T1", "C1").watch_links is True  # on by default
    settings = repo.set_watch(session, team="T1", channel="C1", watch=False, user="U1")
    assert (settings.watch_links, settings.digest_enabled, settings.digest_hour) == (False, True, 7)
    assert repo.set_watch(session, team="T1", channel="C2", watch=False).digest_enabled is False
