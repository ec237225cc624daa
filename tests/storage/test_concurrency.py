"""Races between real sessions on committed data: two workers, one winner, no error for the loser."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from storage import repository as repo
from storage.db import make_engine, make_session_factory
from storage.models import Article, Claim, Share, SlackEvent, Source
from tests.storage.factories import KONASHENKOV, claim, new_article

T = TypeVar("T")
WORKERS = 4


@pytest.fixture
def factory(fresh_db_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(fresh_db_url)
    yield make_session_factory(engine)
    engine.dispose()


def race(factory: sessionmaker[Session], work: Callable[[Session], T], workers: int = WORKERS) -> list[T]:
    """Run `work` in several threads, each in its own session and transaction, released at once."""
    barrier = threading.Barrier(workers)
    results: list[T] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            with factory() as session:
                barrier.wait(timeout=10)
                result = work(session)
                session.commit()
            with lock:
                results.append(result)
        except BaseException as exc:  # reported below: a thread's failure must fail the test
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert len(results) == workers
    return results


def count(factory: sessionmaker[Session], model: type) -> int:
    with factory() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def test_record_share_race_creates_exactly_one(factory: sessionmaker[Session]) -> None:
    def work(session: Session) -> tuple[int, bool]:
        share, created = repo.record_share(
            session, team="T1", channel="C1", message_ts="1700000000.000100", url="https://news.example/a"
        )
        return share.id, created

    results = race(factory, work)
    assert sorted(created for _, created in results) == [False] * (WORKERS - 1) + [True]
    assert len({share_id for share_id, _ in results}) == 1
    assert count(factory, Share) == 1


def test_remember_event_race(factory: sessionmaker[Session]) -> None:
    results = race(factory, lambda s: repo.remember_event(s, "T1", "Ev123"))
    assert sorted(results) == [False] * (WORKERS - 1) + [True]
    assert count(factory, SlackEvent) == 1


def test_claim_digest_race_posts_once(factory: sessionmaker[Session]) -> None:
    day = dt.date(2024, 3, 1)
    results = race(factory, lambda s: repo.claim_digest(s, team="T1", channel="C1", local_date=day))
    assert sorted(results) == [False] * (WORKERS - 1) + [True]


def test_store_article_race_stores_once(factory: sessionmaker[Session]) -> None:
    article = new_article("https://news.example/race")

    def work(session: Session) -> tuple[int, bool]:
        stored, created = repo.store_article(session, article, [claim("a", KONASHENKOV), claim("b", None)])
        return stored.id, created

    results = race(factory, work)
    assert sorted(created for _, created in results) == [False] * (WORKERS - 1) + [True]
    assert (count(factory, Article), count(factory, Claim), count(factory, Source)) == (1, 2, 1)


def test_same_source_from_different_articles_at_once(factory: sessionmaker[Session]) -> None:
    def work(session: Session) -> int:
        stored, _ = repo.store_article(session, new_article(), [claim("a", KONASHENKOV)])
        return stored.id

    race(factory, work)
    assert count(factory, Article) == WORKERS
    assert count(factory, Source) == 1


def test_storing_and_indexing_articles_of_one_source_at_once_never_deadlocks(
    factory: sessionmaker[Session],
) -> None:
    """A burst: some workers store new articles naming a known source (locking its row) while others
    index a shared article's claims by that source (its foreign key): no deadlock, on any backend."""
    with factory.begin() as session:
        known, _ = repo.store_article(session, new_article(), [claim("first", KONASHENKOV)])
        known_id = known.id
    for round_ in range(8):
        with factory.begin() as session:
            share_ids = [
                repo.record_share(
                    session, team="T1", channel="C1", message_ts=f"{round_}.{i}", url="https://news.example/k"
                )[0].id
                for i in range(WORKERS // 2)
            ]
        turn = itertools.count()

        def work(session: Session, turn: Iterator[int] = turn, share_ids: list[int] = share_ids) -> None:
            mine = next(turn)
            if mine % 2:
                repo.store_article(session, new_article(), [claim(f"new {mine}", KONASHENKOV)])
            else:
                share = repo.get_share(session, share_ids[mine // 2])
                repo.complete_share(session, share, repo.get_article(session, known_id))

        race(factory, work)
    assert count(factory, Article) == 1 + 8 * (WORKERS // 2)
