"""Upgrades keep every row: each older release's schema, filled by plain SQL, migrated to head.

For each revision before head: build the schema at that revision, insert representative rows into the
tables it has (only the columns it has), upgrade to head, and compare every table's rows column by column.
New columns get the values the migrations promise, search still finds the old claims (SQLite batch mode
rebuilds tables, which with foreign keys on would cascade-delete the search index), a claim of the kind
0006 adds ("thesis") is accepted and indexed, and the migrated database agrees with the models.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy.orm import Session

from storage import db
from storage import repository as repo
from storage.models import ChannelSettings, Claim, SearchEntry, Share
from storage.search import search

T0 = dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC)


def older_revisions() -> list[str]:
    script = ScriptDirectory.from_config(db.alembic_config())
    revisions = [r.revision for r in script.walk_revisions()]  # head first
    return list(reversed(revisions))[:-1]


class Timestamp:
    """A timestamp literal as that revision's code would have stored it (naive UTC text on SQLite)."""

    def __init__(self, value: dt.datetime) -> None:
        self.value = value


def literal(value: object, dialect: str) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Timestamp):
        naive = value.value.astimezone(dt.UTC).replace(tzinfo=None)
        return f"'{naive.isoformat(sep=' ')}'" if dialect == "sqlite" else f"'{naive.isoformat(sep=' ')}+00'"
    if isinstance(value, dt.date):
        return f"'{value.isoformat()}'"
    return "'" + str(value).replace("'", "''") + "'"


def insert(conn: sa.Connection, table: str, row: dict[str, Any]) -> None:
    dialect = conn.dialect.name
    columns = ", ".join(f'"{c}"' for c in row)
    values = ", ".join(literal(v, dialect) for v in row.values())
    conn.exec_driver_sql(f'INSERT INTO "{table}" ({columns}) VALUES ({values})')


# A columnist's own thesis (kind "thesis", no cue): what the extractor stores after 0006.
THESIS_ROW: dict[str, Any] = {
    "id": 2, "article_id": 1, "source_id": None, "source_mention": "Tom Rogan", "role": None, "cue": None,
    "content": "the border policy is a failure of nerve", "kind": "thesis", "start": 30, "end": 69,
    "sentence": "The border policy is a failure of nerve.", "source_start": None, "source_end": None,
    "cue_start": None, "cue_end": None, "quantities": "[]", "entities": "[]", "salience": 0.4, "rank": 2,
}  # fmt: skip


def seed(conn: sa.Connection, revision: int) -> None:
    """What a workspace's database holds after using the release at `revision`."""
    ts = Timestamp(T0)
    insert(conn, "article", {
        "id": 1, "url": "https://news.example/a?utm=x", "canonical_url": "https://news.example/a",
        "title": "Ministry reports losses", "site": "News Example", "byline": "A. Writer",
        "published": dt.date(2022, 3, 2), "fetched_at": ts, "text": "Body. " * 20, "word_count": 20,
    })  # fmt: skip
    insert(conn, "source", {
        "id": 1, "name": "Igor Konashenkov", "name_key": "igor konashenkov", "kind": "person",
        "role": "spokesman", "aliases": '["Konashenkov"]', "search_names": "igor konashenkov\nkonashenkov",
    })  # fmt: skip
    insert(conn, "claim", {
        "id": 1, "article_id": 1, "source_id": 1, "source_mention": "Konashenkov", "role": None,
        "cue": "said", "content": "howitzers were delivered", "kind": "indirect", "start": 0, "end": 24,
        "sentence": "He said howitzers were delivered.", "source_start": 0, "source_end": 2, "cue_start": 3,
        "cue_end": 7, "quantities": "[]", "entities": '["Konashenkov"]', "salience": 0.5, "rank": 1,
    })  # fmt: skip
    share = {
        "team": "T1", "channel": "C1", "channel_name": "news", "channel_private": False,
        "thread_ts": "1.1", "user": "U1", "created_at": ts,
    }  # fmt: skip
    extra_done: dict[str, Any] = {"permalink": "https://acme.slack.com/p1"} if revision >= 3 else {}
    if revision >= 5:
        extra_done["reply_status"] = "posted"
    insert(conn, "share", {**share, "id": 1, "message_ts": "1.1", "url": "https://news.example/a",
                           "article_id": 1, "status": "done", "reply_ts": "1.2", **extra_done})  # fmt: skip
    insert(conn, "share", {**share, "id": 2, "message_ts": "2.1", "url": "https://news.example/b",
                           "status": "pending"})  # fmt: skip
    insert(conn, "share", {**share, "id": 3, "message_ts": "3.1", "url": "https://news.example/c",
                           "status": "failed", "error": "the site answered 404 Not Found"})  # fmt: skip
    if revision >= 3:  # claimed by a worker of that release, which died
        lease = {"claimed_by": "w1", "lease_until": Timestamp(T0 + dt.timedelta(seconds=600))}
        insert(conn, "share", {**share, "id": 4, "message_ts": "4.1", "url": "https://news.example/d",
                               "status": "pending", "claimed_at": ts,
                               **(lease if revision >= 5 else {})})  # fmt: skip
    insert(conn, "search_entry", {
        "id": 1, "claim_id": 1, "article_id": 1, "share_id": 1, "source_id": 1, "team": "T1", "channel": "C1",
        "private": False, "shared_at": ts,
    })  # fmt: skip
    settings = {"team": "T1", "digest_hour": 8, "digest_minute": 30, "timezone": "Europe/Paris",
                "set_by": "U1", "updated_at": ts}  # fmt: skip
    if revision >= 3:
        settings["watch_links"] = False
    if revision >= 4:
        settings["digest_set_at"] = Timestamp(T0 - dt.timedelta(days=1))
    insert(conn, "channel_settings", {**settings, "id": 1, "channel": "C1", "digest_enabled": True})
    insert(conn, "channel_settings", {**settings, "id": 2, "channel": "C2", "digest_enabled": False})
    insert(conn, "digest", {"id": 1, "team": "T1", "channel": "C1", "local_date": dt.date(2026, 2, 28),
                            "created_at": ts, "posted_ts": "5.5", "claim_count": 3})  # fmt: skip
    insert(conn, "slack_event", {"id": 1, "team": "T1", "event_id": "Ev1", "received_at": ts})
    if revision >= 2:
        install = {"client_id": "111.222", "app_id": "A1", "team_id": "T1", "team_name": "Acme",
                   "bot_token": "xoxb-1", "bot_id": "B1", "bot_user_id": "U0BOT", "bot_scopes": "chat:write",
                   "is_enterprise_install": False, "installed_at": "2026-03-01 10:00:00"}  # fmt: skip
        insert(conn, "slack_bots", {**install, "id": 1})
        insert(conn, "slack_installations", {**install, "id": 1, "user_id": "U1", "token_type": "bot"})
        insert(conn, "slack_oauth_states", {"id": 1, "state": "s1", "expire_at": "2026-03-01 10:05:00"})


def snapshot(
    engine: sa.Engine, columns: dict[str, list[str]] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table (search internals aside), by id; only `columns` when given."""
    names = sorted(
        t
        for t in sa.inspect(engine).get_table_names()
        if t != "alembic_version" and not t.startswith("claim_fts")
    )
    rows: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as conn:
        for table in columns or names:
            cols = ", ".join(f'"{c}"' for c in columns[table]) if columns else "*"
            result = conn.exec_driver_sql(f'SELECT {cols} FROM "{table}" ORDER BY id')
            rows[table] = [dict(row._mapping) for row in result]
    return rows


@pytest.mark.parametrize("start", older_revisions())
def test_upgrading_from_an_older_release_keeps_every_row(fresh_db_url: str, start: str) -> None:
    db.downgrade(fresh_db_url, "base")
    db.upgrade(fresh_db_url, start)
    engine = db.make_engine(fresh_db_url)
    try:
        with engine.begin() as conn:
            seed(conn, int(start))
        before = snapshot(engine)
        assert all(before[t] for t in ("article", "claim", "share", "search_entry", "channel_settings"))
        engine.dispose()  # the migration runs on its own connection; SQLite rebuilds tables

        db.upgrade(fresh_db_url)

        assert db.current_revision(engine) == db.head_revision()
        filled = {t: rows for t, rows in before.items() if rows}  # an empty table has no columns to read
        assert snapshot(engine, {t: list(rows[0]) for t, rows in filled.items()}) == filled
        assert {t: len(r) for t, r in snapshot(engine).items() if t in before} == {
            t: len(r) for t, r in before.items()
        }
        with Session(engine) as session:
            shares = {s.id: s for s in session.scalars(sa.select(Share))}
            assert {i: s.reply_status for i, s in shares.items()} == {
                1: "posted", 2: None, 3: None, **({4: None} if int(start) >= 3 else {})
            }  # fmt: skip
            assert {s.reply_attempts for s in shares.values()} == {0}
            if int(start) >= 3:  # the old claim keeps its ten minutes, long past by now: resumable
                assert shares[4].lease_until == T0 + dt.timedelta(seconds=600)
            assert [s.id for s in repo.resumable_shares(session)] == [2] + ([4] if int(start) >= 3 else [])
            settings = {c.channel: c for c in session.scalars(sa.select(ChannelSettings))}
            if int(start) < 3:
                assert settings["C1"].watch_links and settings["C2"].watch_links
            if int(start) < 4:  # the last settings change stands in for when the digest was set
                assert (settings["C1"].digest_set_at, settings["C2"].digest_set_at) == (T0, None)
            # every claim stored before 0006 was shown as a claim: it stays in threads and searches
            assert session.execute(sa.select(Claim.shown, Claim.act)).all() == [(True, "communication")]
            assert session.scalars(sa.select(SearchEntry.shown)).all() == [True]
            assert [c.content for c in repo.article_claims(session, 1)] == ["howitzers were delivered"]
            assert [h.content for h in search(session, "howitzers", team="T1")] == [
                "howitzers were delivered"
            ]
        # 0006 lets a columnist's thesis in (SQLite rebuilds claim for it) and refuses any other kind;
        # the search index still follows the entries added after the upgrade
        assert [c["name"] for c in sa.inspect(engine).get_check_constraints("claim")] == ["ck_claim_kind"]
        with engine.begin() as conn:
            insert(conn, "claim", THESIS_ROW)
            insert(conn, "search_entry", {
                "id": 2, "claim_id": 2, "article_id": 1, "share_id": 1, "source_id": None, "team": "T1",
                "channel": "C1", "private": False, "shared_at": Timestamp(T0),
            })  # fmt: skip
        with pytest.raises(sa.exc.IntegrityError, match="ck_claim_kind"), engine.begin() as conn:
            insert(conn, "claim", {**THESIS_ROW, "id": 3, "kind": "opinion"})
        with Session(engine) as session:
            assert session.execute(sa.select(Claim.id, Claim.kind).order_by(Claim.id)).all() == [
                (1, "indirect"), (2, "thesis")
            ]  # fmt: skip
            assert [(h.content, h.kind) for h in search(session, "nerve", team="T1")] == [
                (THESIS_ROW["content"], "thesis")
            ]
    finally:
        engine.dispose()
    db.check(fresh_db_url)
