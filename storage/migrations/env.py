"""Alembic environment for claimbot: runs on a connection handed over by `storage.db`, or by hand.

By hand: `alembic -x url=sqlite:///claimbot.db upgrade head` from the repository root (alembic.ini there
points here); without `-x url` the URL in alembic.ini is used.
"""

from __future__ import annotations

from typing import Any

from alembic import context

from storage import slack_tables
from storage.db import make_engine, prepare_migration_connection
from storage.models import Base

config = context.config
target_metadata = [Base.metadata, slack_tables.metadata]

# Search internals that one backend has and the models do not describe (see storage/search.py).
SEARCH_INTERNAL_TABLES = ("claim_fts",)
SEARCH_INTERNAL_COLUMNS = {("search_entry", "document")}
SEARCH_INTERNAL_INDEXES = {"ix_search_entry_document"}


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Keep FTS5 tables, the tsvector column and its GIN index out of `alembic check` and autogenerate."""
    if type_ == "table" and name and name.startswith(SEARCH_INTERNAL_TABLES):
        return False
    if type_ == "column" and (obj.table.name, name) in SEARCH_INTERNAL_COLUMNS:
        return False
    return not (type_ == "index" and name in SEARCH_INTERNAL_INDEXES)


def include_name(name: str | None, type_: str, parent_names: dict[str, Any]) -> bool:
    return not (type_ == "table" and name and name.startswith(SEARCH_INTERNAL_TABLES))


def _configure(connection: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_server_default=True,
        render_as_batch=connection.dialect.name == "sqlite",
        include_object=include_object,
        include_name=include_name,
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("no database URL: pass -x url=... or set sqlalchemy.url in alembic.ini")
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            prepare_migration_connection(conn)
            _configure(conn)
            with context.begin_transaction():
                context.run_migrations()
            conn.commit()
    finally:
        engine.dispose()


def run_migrations_offline() -> None:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=str(url).startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
