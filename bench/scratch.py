"""A scratch database for a bench: a temporary SQLite file, or a `claimbot_bench_*` PostgreSQL database
created for the run and dropped afterwards; never the app's own."""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import sqlalchemy as sa

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432"


@contextmanager
def scratch_database(backend: str, pg_url: str = PG_URL) -> Iterator[str]:
    """The URL of an empty database on `backend` ("sqlite" or "postgresql"), gone when the block ends."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="claimbot-bench-") as tmp:
            yield f"sqlite:///{Path(tmp) / 'bench.db'}"
        return
    base = sa.make_url(pg_url)
    name = f"claimbot_bench_{secrets.token_hex(4)}"
    admin = {
        "host": base.host,
        "port": base.port or 5432,
        "user": base.username,
        "password": base.password,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**admin) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(**admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
