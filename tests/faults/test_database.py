"""The database misbehaving under the workers: connections dropped on PostgreSQL, lock contention on SQLite.

PostgreSQL: a pooled connection killed between jobs is replaced before use (pool_pre_ping), and one
killed mid-transaction rolls that transaction back and runs it again, so the share is still summarised.
SQLite: many share jobs writing at once (ingests, claims, lease heartbeats, replies) queue on the write
lock (WAL, busy timeout, BEGIN IMMEDIATE) and never surface "database is locked" to the user.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from storage import models
from tests.faults.helpers import FAST, SEED
from tests.plugins.app import NEWS, SlackHarness
from tests.plugins.db import DEFAULT_PG


@pytest.fixture
def pg_admin(slack: SlackHarness, request: pytest.FixtureRequest) -> Iterator[psycopg.Connection]:
    url = sa.make_url(request.config.getoption("--pg-url") or DEFAULT_PG)
    with psycopg.connect(
        host=url.host, port=url.port or 5432, user=url.username, dbname="postgres", autocommit=True
    ) as conn:
        yield conn


def terminate(admin: psycopg.Connection, *, database: str | None = None, pid: int | None = None) -> int:
    """Kill backends as an operator or a failover would, and wait until they are gone."""
    if pid is not None:
        pids = [pid]
    else:
        rows = admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [database]
        ).fetchall()
        pids = [row[0] for row in rows]
    for each in pids:  # one by one: in a WHERE clause the planner may call it before filtering
        admin.execute("SELECT pg_terminate_backend(%s)", [each])
    deadline = time.monotonic() + 10
    while admin.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", [pids]).fetchone()[0]:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    return len(pids)


def summary_posted(slack: SlackHarness, count: int = 1) -> list[str]:
    calls = slack.standin.wait_for("chat.postMessage", count=count, where=lambda c: c.ok, timeout=60)
    slack.idle()
    return [json.dumps(c.params.get("blocks"), ensure_ascii=False) + c.params.get("text", "") for c in calls]


@pytest.mark.backends("postgresql")
def test_postgresql_connections_killed_between_jobs_are_replaced(
    slack: SlackHarness, page_server, pg_admin: psycopg.Connection
) -> None:
    slack.share(page_server.url(SEED))
    summary_posted(slack)
    database = slack.services.engine.url.database
    assert terminate(pg_admin, database=database) >= 1  # the pool's idle connections, now dead
    event = slack.share(page_server.url("northvale-layoffs.html"))
    second = summary_posted(slack, count=2)[1]
    assert "Northvale" in second and "couldn't read" not in second
    assert len(slack.replies(NEWS, event["ts"])) == 1
    with slack.services.transaction() as session:
        assert set(session.scalars(select(models.Share.status))) == {"done"}


@pytest.mark.backends("postgresql")
def test_postgresql_connection_killed_mid_transaction_rolls_back_and_the_share_is_retried(
    slack: SlackHarness, page_server, pg_admin: psycopg.Connection
) -> None:
    killed: list[int] = []

    def kill_during_article_insert(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if not killed and statement.lstrip().upper().startswith("INSERT INTO ARTICLE"):
            pid = conn.connection.dbapi_connection.info.backend_pid
            killed.append(terminate(pg_admin, pid=pid))

    sa.event.listen(slack.services.engine, "before_cursor_execute", kill_during_article_insert)
    try:
        read_before = len(page_server.requests_to(SEED))
        event = slack.share(page_server.url(SEED))
        body = summary_posted(slack)[0]
    finally:
        sa.event.remove(slack.services.engine, "before_cursor_execute", kill_during_article_insert)
    assert killed == [1]
    assert "Konashenkov" in body and "went wrong" not in body
    assert len(slack.replies(NEWS, event["ts"])) == 1
    assert (
        len(page_server.requests_to(SEED)) == read_before + 1
    )  # the page was not read again, only the write redone
    with slack.services.transaction() as session:
        assert session.scalar(select(func.count()).select_from(models.Article)) == 1
        share = session.scalars(select(models.Share)).one()
        assert (share.status, share.error, share.reply_status) == ("done", None, "posted")


PAGES = [SEED, "council-flood-defences.html", "northvale-layoffs.html"]


@pytest.mark.backends("sqlite")
@pytest.mark.settings(**FAST, workers=8)
def test_sqlite_many_concurrent_share_jobs_never_hit_database_is_locked(
    slack: SlackHarness, page_server
) -> None:
    messages = 16
    for i in range(messages):
        slack.share(page_server.url(f"as?file={PAGES[i % 3]}&type=text/html&copy={i}"))
    bodies = summary_posted(slack, count=messages)
    assert all("went wrong" not in b and "couldn't read" not in b for b in bodies)
    with slack.services.transaction() as session:
        statuses = list(session.scalars(select(models.Share.status)))
        assert statuses == ["done"] * messages
        assert (
            session.scalar(
                select(func.count()).select_from(models.Share).where(models.Share.reply_ts.is_(None))
            )
            == 0
        )
