"""Engines, sessions and migrations: the one place that knows how each backend must be configured."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000


class DatabaseProblem(Exception):
    """The configured database can't be used; the message is one line for the operator, no password."""


class DatabaseUnavailable(DatabaseProblem):
    """The database can't be reached or isn't there: a wrong URL, a server down, a missing file or folder."""


class SchemaNotCurrent(DatabaseProblem):
    """The database is behind (or ahead of) this code's migrations: the app must not start on it."""

    def __init__(self, url: str, current: str | None = None, head: str | None = None) -> None:
        self.url = url
        state = f" (it is at {current}, this code needs {head})" if current and head else ""
        super().__init__(f"the database at {url} is not migrated{state}: run `claimbot db upgrade`")


def normalize_url(url: str | sa.URL) -> sa.URL:
    """Map `postgresql://` (and Heroku's `postgres://`) to the psycopg 3 driver we ship."""
    if isinstance(url, str) and url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    u = make_url(url)
    if u.drivername == "postgresql":
        u = u.set(drivername="postgresql+psycopg")
    return u


def safe_url(url: str | sa.URL | Engine | Connection) -> str:
    """The URL without its password, for messages and logs."""
    if isinstance(url, Connection):
        url = url.engine
    if isinstance(url, Engine):
        url = url.url
    return normalize_url(url).render_as_string(hide_password=True)


def make_engine(url: str | sa.URL, **kwargs: Any) -> Engine:
    """An engine configured for claimbot's access pattern on either backend.

    SQLite: foreign keys on, WAL (readers don't block the writer), a busy timeout, and BEGIN IMMEDIATE so
    two writers queue on the lock instead of failing with "database is locked" when one upgrades a read
    snapshot (the race tests depend on it). pysqlite's own transaction handling is switched off because
    it does not BEGIN before SELECT or SAVEPOINT.

    PostgreSQL: psycopg 3 with automatic prepared statements off. After 5 executions psycopg prepares a
    statement and PostgreSQL may switch to a generic plan, which took an absent-word search over a second.
    """
    u = normalize_url(url)
    if u.get_backend_name() == "sqlite":
        connect_args = {"check_same_thread": False, **kwargs.pop("connect_args", {})}
        engine = sa.create_engine(u, connect_args=connect_args, **kwargs)
        sa.event.listen(engine, "connect", _sqlite_on_connect)
        sa.event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    if u.get_backend_name() == "postgresql":
        # connect_timeout: a firewalled host fails in seconds instead of hanging the command.
        connect_args = {"prepare_threshold": None, "connect_timeout": 10, **kwargs.pop("connect_args", {})}
        kwargs.setdefault("pool_pre_ping", True)
        return sa.create_engine(u, connect_args=connect_args, **kwargs)
    return sa.create_engine(u, **kwargs)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, see make_engine
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
    conn.exec_driver_sql(f"BEGIN {mode}")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded attributes after commit: replies are rendered after the transaction."""
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    """Alembic's config built in code: migrations ship inside the package, no alembic.ini needed."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        cfg.set_main_option("sqlalchemy.url", str(normalize_url(url)).replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@contextmanager
def _migration_connection(url: str | sa.URL) -> Iterator[Connection]:
    """A throwaway connection; it may create an SQLite file (upgrade does), never its folder."""
    check_sqlite_file(url, must_exist=False)
    engine = make_engine(url, poolclass=sa.pool.NullPool)
    try:
        try:
            conn = engine.connect()
        except sa.exc.DBAPIError as exc:
            raise connect_error(url, exc) from exc
        with conn:
            prepare_migration_connection(conn)
            yield conn
    finally:
        engine.dispose()


def prepare_migration_connection(conn: Connection) -> None:
    """SQLite: foreign keys off while migrating, as Alembic's batch mode needs.

    Batch mode rebuilds a table by copy, drop and rename; with foreign keys on, dropping `share` would
    cascade-delete every row that references it. The pragma only works outside a transaction, so it goes
    straight to the driver before SQLAlchemy begins one.
    """
    if conn.dialect.name == "sqlite":
        assert not conn.in_transaction(), "call before the migration's transaction begins"
        conn.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")  # type: ignore[union-attr]


def upgrade(url: str, revision: str = "head") -> None:
    """Apply migrations up to `revision` (what `claimbot db upgrade` runs)."""
    with _migration_connection(url) as conn:
        command.upgrade(alembic_config(conn), revision)
        conn.commit()
    log.info("database %s upgraded to %s", safe_url(url), revision)


def downgrade(url: str, revision: str) -> None:
    with _migration_connection(url) as conn:
        command.downgrade(alembic_config(conn), revision)
        conn.commit()


def check(url: str) -> None:
    """Raise alembic's AutoGenerateDiffsDetected when the models and the migrated schema disagree."""
    with _migration_connection(url) as conn:
        command.check(alembic_config(conn))


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest migration (read from the scripts once per process: they don't change while it runs)."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "storage/migrations has no revisions"
    return head


def current_revision(engine: Engine | Connection) -> str | None:
    if isinstance(engine, Connection):
        return MigrationContext.configure(engine).get_current_revision()
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def sqlite_file(url: str | sa.URL) -> Path | None:
    """The file an SQLite URL names; None for other backends, in-memory and ``file:`` URI databases."""
    u = normalize_url(url)
    database = u.database
    if u.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:") or u.query.get("uri"):
        return None
    return Path(database)


def check_sqlite_file(url: str | sa.URL, *, must_exist: bool) -> None:
    """Say what is wrong with an SQLite path before connecting: sqlite3 would create a missing file (a typo
    leaves an empty database behind) and reports a missing folder as "unable to open database file"."""
    path = sqlite_file(url)
    if path is None:
        return
    if not path.parent.is_dir():
        raise DatabaseUnavailable(
            f"cannot open the SQLite database {safe_url(url)}: "
            f"the folder {path.parent.absolute()} does not exist"
        )
    if must_exist and not path.is_file():
        raise DatabaseUnavailable(
            f"there is no SQLite database at {path.absolute()} "
            "(check DATABASE_URL; `claimbot db upgrade` creates it)"
        )


def connect_error(url: str | sa.URL, exc: BaseException) -> DatabaseUnavailable:
    """One line saying why the server refused or could not be reached, without the password."""
    reason = _driver_reason(exc)
    target = safe_url(url)
    password = normalize_url(url).password
    if password:
        reason = reason.replace(str(password), "***")
    if reason.startswith("database ") and reason.endswith("does not exist"):
        name = normalize_url(url).database
        return DatabaseUnavailable(
            f"no such database {name!r} on the server of {target}: create it (createdb {name}), "
            "then run `claimbot db upgrade`"
        )
    return DatabaseUnavailable(f"cannot connect to the database at {target}: {reason}")


def _driver_reason(exc: BaseException) -> str:
    """The driver's own words, first line only, without psycopg's "connection ... failed: FATAL:" prefix."""
    orig = getattr(exc, "orig", None) or exc
    line = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
    line = line.removeprefix("connection failed: ")
    if line.startswith("connection to server") and " failed: " in line:
        line = line.split(" failed: ", 1)[1]
    return line.removeprefix("FATAL:").strip() or type(orig).__name__


def probe(engine: Engine) -> str | None:
    """The database's revision (None: no schema), once it answers; DatabaseUnavailable when it doesn't.

    A missing SQLite file is an empty database: it reads as no schema and is not created here.
    """
    check_sqlite_file(engine.url, must_exist=False)
    path = sqlite_file(engine.url)
    if path is not None and not path.exists():
        return None
    try:
        conn = engine.connect()
    except sa.exc.DBAPIError as exc:
        raise connect_error(engine.url, exc) from exc
    try:
        return current_revision(conn)
    except sa.exc.DBAPIError as exc:
        raise DatabaseUnavailable(
            f"cannot read the database at {safe_url(engine)}: {_driver_reason(exc)}"
        ) from exc
    finally:
        conn.close()


def ensure_current(engine: Engine) -> None:
    """Refuse to run on a database whose schema is not exactly this code's head revision.

    "Not migrated" only when the database answers and lacks the schema; a wrong URL, a server down or a
    missing folder raises DatabaseUnavailable saying which.
    """
    current, head = probe(engine), head_revision()
    if current != head:
        raise SchemaNotCurrent(safe_url(engine), current, head)
