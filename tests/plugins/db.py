"""Fixtures for the db area: the same tests on SQLite and PostgreSQL, on schemas built by the migrations.

`--db=sqlite|postgresql|both` picks the backends (default sqlite; `make test` passes both). Any test that
uses `db_url`, `engine`, `session` or `fresh_db_url` runs once per selected backend (ids "sqlite" and
"postgresql"). Databases are migrated with Alembic, never `create_all`, so tests see the real schema.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from storage.db import make_engine, upgrade

BACKENDS = ("sqlite", "postgresql")
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("claimbot database")
    group.addoption(
        "--db",
        choices=(*BACKENDS, "both"),
        default="sqlite",
        help="database backend(s) for storage tests: sqlite (default), postgresql or both",
    )
    group.addoption(
        "--pg-url",
        default=DEFAULT_PG,
        help=f"PostgreSQL server for --db=postgresql/both, without database name (default {DEFAULT_PG})",
    )


def selected_backends(config: pytest.Config) -> list[str]:
    choice = config.getoption("--db")
    return list(BACKENDS) if choice == "both" else [choice]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_backend" in metafunc.fixturenames:
        backends = selected_backends(metafunc.config)
        only = metafunc.definition.get_closest_marker("backends")
        if only is not None:  # a fault of one backend: the test exists only where it can run
            backends = [b for b in backends if b in only.args]
        metafunc.parametrize("db_backend", backends, ids=backends, indirect=True, scope="session")


@dataclass
class _Server:
    """Databases this test session created, so they are all dropped at the end, even after failures."""

    pg_base: str
    tmp: Path
    migrated: dict[str, str] = field(default_factory=dict)
    templates: dict[str, str] = field(default_factory=dict)
    pg_created: list[str] = field(default_factory=list)

    def pg_admin(self) -> psycopg.Connection:
        url = sa.make_url(self.pg_base)
        try:
            return psycopg.connect(
                host=url.host,
                port=url.port or 5432,
                user=url.username,
                password=url.password,
                dbname="postgres",
                autocommit=True,
                connect_timeout=5,
            )
        except psycopg.OperationalError as exc:
            pytest.fail(
                f"PostgreSQL was selected (--db) but is not reachable at {url.render_as_string()}: {exc}"
                "\nstart it (make services) or run with --db=sqlite",
                pytrace=False,
            )

    def pg_create(self, prefix: str, template: str | None = None) -> str:
        name = f"{prefix}_{secrets.token_hex(4)}"
        with self.pg_admin() as admin:
            admin.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        self.pg_created.append(name)
        return name

    def pg_drop(self, name: str) -> None:
        with self.pg_admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if name in self.pg_created:
            self.pg_created.remove(name)

    def pg_url(self, name: str) -> str:
        return f"{self.pg_base.rstrip('/')}/{name}"

    def migrated_url(self, backend: str) -> str:
        """One database migrated to head per backend and test session."""
        if backend not in self.migrated:
            if backend == "sqlite":
                url = f"sqlite:///{self.tmp / 'session.db'}"
            else:
                url = self.pg_url(self.pg_create("claimbot_test"))
            upgrade(url)
            self.migrated[backend] = url
        return self.migrated[backend]

    def fresh_url(self, backend: str, directory: Path) -> str:
        """A new, empty, migrated database: a copy of a template migrated once."""
        if backend == "sqlite":
            template = self.templates.get(backend)
            if template is None:
                template = str(self.tmp / "template.db")
                upgrade(f"sqlite:///{template}")
                self.templates[backend] = template
            target = directory / "fresh.db"
            with sqlite3.connect(template) as src, sqlite3.connect(target) as dst:
                src.backup(dst)  # consistent even with a WAL file beside the template
            return f"sqlite:///{target}"
        template = self.templates.get(backend)
        if template is None:
            template = self.pg_create("claimbot_tmpl")
            upgrade(self.pg_url(template))
            self.templates[backend] = template
        return self.pg_url(self.pg_create("claimbot_test", template=template))

    def close(self) -> None:
        for name in list(self.pg_created):
            self.pg_drop(name)


@pytest.fixture(scope="session")
def _db_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Server]:
    server = _Server(pg_base=request.config.getoption("--pg-url"), tmp=tmp_path_factory.mktemp("db"))
    yield server
    server.close()


@pytest.fixture(scope="session")
def db_backend(request: pytest.FixtureRequest) -> str:
    """ "sqlite" or "postgresql"; parametrized from --db by pytest_generate_tests."""
    return request.param


@pytest.fixture(scope="session")
def db_url(db_backend: str, _db_server: _Server) -> str:
    """A database migrated to head once per test session. Use `session` for isolation between tests."""
    return _db_server.migrated_url(db_backend)


@pytest.fixture(scope="session")
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session inside an outer transaction rolled back after the test: commits become savepoints.

    Everything happens on one connection, so it cannot show concurrency: use `fresh_db_url` for that.
    """
    with engine.connect() as conn:
        outer = conn.begin()
        s = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
        try:
            yield s
        finally:
            s.close()
            outer.rollback()


@pytest.fixture
def fresh_db_url(db_backend: str, _db_server: _Server, tmp_path: Path) -> Iterator[str]:
    """A new, empty, migrated database for tests that commit and read across threads or processes."""
    url = _db_server.fresh_url(db_backend, tmp_path)
    yield url
    if db_backend == "postgresql":
        _db_server.pg_drop(sa.make_url(url).database or "")
