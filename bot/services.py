"""The long-lived pieces of one process: settings, database, the spaCy pipeline.

Built once at start-up and passed explicitly, so a test can run two apps side by side and the model is
loaded once per process, lazily, by whichever worker needs it first.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from storage import db

if TYPE_CHECKING:
    from spacy.language import Language

logger = logging.getLogger(__name__)

T = TypeVar("T")


@lru_cache(maxsize=2)
def is_transient_db_error(exc: BaseException) -> bool:
    """A dropped or refused connection, a deadlock or a serialization failure: the unit of work is worth
    running again on a fresh connection. psycopg raises the last two as subclasses of OperationalError,
    which SQLAlchemy wraps as such (a bad statement is a ProgrammingError or an IntegrityError there)."""
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated or isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    if type(exc.orig).__module__.startswith("sqlite3"):  # sqlite3 says OperationalError for bad SQL too
        return any(word in str(exc.orig).lower() for word in ("locked", "busy", "disk i/o"))
    return True


def with_db_retry(work: Callable[[], T], attempts: int) -> T:
    """Run a unit of work (its own transaction), again on a fresh connection if it failed transiently.

    The failed transaction was rolled back with its connection, so running it again is safe; the work
    must hold nothing slow (no page fetch, no analysis), so that a retry costs milliseconds.
    """
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except DBAPIError as exc:
            if not is_transient_db_error(exc) or attempt == attempts:
                raise
            logger.warning(
                "database unit of work failed (%s); retrying, attempt %d", type(exc.orig).__name__, attempt
            )
            time.sleep(0.05 * attempt)
    raise AssertionError("unreachable")


_PIPELINES: dict[str, Language] = {}
_PIPELINES_LOCK = threading.Lock()


def shared_pipeline(model_name: str) -> Language:
    """Load a spaCy pipeline once per process, whoever asks (CLI commands, workers, tests). Loaded before a
    fork (gunicorn's preload, Celery's worker before its pool starts), the children share it, warm."""
    with _PIPELINES_LOCK:
        nlp = _PIPELINES.get(model_name)
        if nlp is None:
            from bot.claims import load_pipeline

            logger.info("loading spaCy pipeline %s", model_name)
            nlp = _PIPELINES[model_name] = load_pipeline(model_name)
        return nlp


@dataclass
class Services:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    _nlp: Language | None = None
    _nlp_lock: threading.Lock = field(default_factory=threading.Lock)
    analysis_lock: threading.Lock = field(default_factory=threading.Lock)
    """One analysis at a time per process: spaCy holds the GIL, so two analyses in one process only both
    finish later (the first job's reply waits for the second's work), and a search or an ack waits
    behind two CPU-bound threads instead of one. Fetching and storing run in parallel all the same."""

    @classmethod
    def create(
        cls, settings: Settings, *, nlp: Language | None = None, check_schema: bool = True
    ) -> Services:
        """Connect and refuse an unmigrated database up front rather than failing on the first share."""
        engine = db.make_engine(settings.database_url)
        if check_schema:
            db.ensure_current(engine)
        return cls(settings=settings, engine=engine, sessions=db.make_session_factory(engine), _nlp=nlp)

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            with self._nlp_lock:
                if self._nlp is None:
                    self._nlp = shared_pipeline(self.settings.spacy_model)
        return self._nlp

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back on any error."""
        with self.sessions.begin() as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A unit that only reads (search, App Home, a stored-article lookup).

        On SQLite it begins DEFERRED: it takes no write lock, so it never queues behind a writer (WAL lets
        it read the last committed state) and never makes a writer wait. PostgreSQL needs nothing.
        """
        with self.sessions() as session:
            session.connection(execution_options={"sqlite_begin": "DEFERRED"})
            try:
                yield session
            finally:
                session.rollback()

    def close(self) -> None:
        self.engine.dispose()


def settle_heap() -> None:
    """Move every object alive now (the spaCy pipeline, its vocabulary, the lexicons, the Bolt app) out of
    reach of the cyclic garbage collector. Otherwise each full collection walks them all and pauses every
    thread in the process, acks and searches included (82 ms measured while analysing a burst). Before a
    fork it also keeps the children from copying the pages the collector would write to."""
    gc.collect()
    gc.freeze()
