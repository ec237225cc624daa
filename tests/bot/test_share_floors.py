"""The share job's floors: the analysis holds no transaction, reads never queue behind a writer, and a
database conflict is retried at once instead of being reported as Slack's fault."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from spacy.language import Language

from bot.config import Settings
from bot.features.cards import card_for
from bot.jobs.shares import describe_slack_error
from bot.pipeline import ingest
from bot.services import Services, is_transient_db_error, with_db_retry
from storage import models
from tests.plugins.web import PageServer

SEED = "seed-russian-losses.html"


@pytest.fixture
def services(fresh_db_url: str, nlp: Language) -> Iterator[Services]:
    settings = Settings(_env_file=None, database_url=fresh_db_url, allow_private_urls=True)
    services = Services.create(settings, nlp=nlp)
    yield services
    services.close()


def share(ts: str) -> models.Share:
    return models.Share(team="T1", channel="C1", message_ts=ts, thread_ts=ts, url=f"https://a.example/{ts}")


class WatchedPipeline:
    """The real spaCy pipeline, noting how many database connections are checked out when it starts."""

    def __init__(self, nlp: Language, services: Services) -> None:
        self._nlp, self._services = nlp, services
        self.connections_in_use: list[int] = []

    @property
    def pipe_names(self) -> list[str]:
        return self._nlp.pipe_names

    @property
    def pipeline(self) -> list[tuple[str, Any]]:
        return self._nlp.pipeline

    def make_doc(self, text: str) -> Any:
        self.connections_in_use.append(self._services.engine.pool.checkedout())
        return self._nlp.make_doc(text)


def test_the_analysis_runs_with_no_connection_held(
    services: Services, nlp: Language, page_server: PageServer
) -> None:
    watched = WatchedPipeline(nlp, services)
    services._nlp = watched  # type: ignore[assignment]
    result = ingest(services, page_server.url(SEED))
    assert watched.connections_in_use and set(watched.connections_in_use) == {0}
    assert result.created
    assert card_for(services, result.article_id).claims


def test_a_link_shared_again_is_not_read_or_analysed_again(
    services: Services, nlp: Language, page_server: PageServer
) -> None:
    first = ingest(services, page_server.url(SEED))
    watched = WatchedPipeline(nlp, services)
    services._nlp = watched  # type: ignore[assignment]
    fetched = len(page_server.requests_to(SEED))
    again = ingest(services, page_server.url(SEED))
    assert (again.article_id, again.created) == (first.article_id, False)
    assert watched.connections_in_use == []
    assert len(page_server.requests_to(SEED)) == fetched


def test_a_read_does_not_wait_for_a_writer(services: Services) -> None:
    """On SQLite a read begins DEFERRED: with a writer holding the lock it still reads the last commit
    (with BEGIN IMMEDIATE it would wait for the writer, up to the 30 s busy timeout)."""
    done = threading.Event()
    counts: list[int] = []

    def read() -> None:
        with services.reading() as session:
            counts.append(session.scalar(sa.select(sa.func.count()).select_from(models.Share)) or 0)
        done.set()

    with services.transaction() as writer:
        writer.add(share("1.1"))
        writer.flush()  # the writer now holds its lock (SQLite) or its row (PostgreSQL)
        reader = threading.Thread(target=read)
        reader.start()
        finished_while_writing = done.wait(timeout=10)
    reader.join(timeout=40)
    assert finished_while_writing
    assert counts == [0]  # the uncommitted share is not seen


def test_a_reading_unit_writes_nothing(services: Services) -> None:
    with services.reading() as session:
        session.add(share("1.2"))
        session.flush()
    with services.reading() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(models.Share)) == 0


def test_writers_locking_rows_in_opposite_order_both_finish(services: Services, db_backend: str) -> None:
    """On PostgreSQL the deadlock detector kills one of the two, with an error worth running again
    (psycopg raises it as an OperationalError), not a bug to report; SQLite serialises the writers."""
    meet = db_backend == "postgresql"  # on SQLite the second writer waits at BEGIN: they cannot meet
    with services.transaction() as session:
        session.add_all([share("2.1"), share("2.2")])
    with services.reading() as session:
        ids = sorted(session.scalars(sa.select(models.Share.id)))
    barrier = threading.Barrier(2, timeout=10)
    errors: list[BaseException] = []
    runs: list[str] = []

    def lock_both(first: int, second: int, name: str) -> None:
        def work() -> None:
            runs.append(name)
            with services.transaction() as session:
                session.execute(sa.update(models.Share).where(models.Share.id == first).values(error=name))
                if meet and len(runs) <= 2:
                    barrier.wait()
                session.execute(sa.update(models.Share).where(models.Share.id == second).values(error=name))

        try:
            with_db_retry(work, attempts=3)
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=lock_both, args=(ids[0], ids[1], "a")),
        threading.Thread(target=lock_both, args=(ids[1], ids[0], "b")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert len(runs) == (3 if meet else 2)  # on PostgreSQL one was killed by the detector and ran again


def test_a_bad_statement_is_not_transient(services: Services) -> None:
    with pytest.raises(sa.exc.DBAPIError) as caught, services.transaction() as session:
        session.execute(sa.text("SELECT * FROM no_such_table_here"))
    assert not is_transient_db_error(caught.value)  # sqlite3 calls it an OperationalError all the same


def test_a_failed_reply_is_blamed_on_what_failed() -> None:
    """An operator reading App Home or the log must not chase Slack for a database conflict."""
    conflict = sa.exc.OperationalError("UPDATE share ...", {}, RuntimeError("deadlock detected"))
    assert describe_slack_error(conflict) == "the database failed while building the reply (RuntimeError)"
    refused = describe_slack_error(ConnectionRefusedError())
    assert refused == "Slack could not be reached (ConnectionRefusedError)"
    assert describe_slack_error(KeyError("blocks")) == "internal error while replying (KeyError)"


def test_the_model_loads_once_per_process(nlp: Language) -> None:
    """gunicorn's master and Celery's worker load it before forking; a second load in each child would
    cost every worker's first share a second or more and double the memory."""
    from bot.services import shared_pipeline

    model = Settings(_env_file=None).spacy_model
    assert shared_pipeline(model) is shared_pipeline(model)
    fresh = Services.create(Settings(_env_file=None, database_url="sqlite://"), check_schema=False)
    assert fresh.nlp is shared_pipeline(model)
    fresh.close()
