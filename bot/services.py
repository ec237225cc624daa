"""The long-lived pieces of one process: settings, database, the spaCy pipeline.

Built once at start-up and passed explicitly, so a test can run two apps side by side and the model is
loaded once per process, lazily, by whichever worker needs it first.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from storage import db

if TYPE_CHECKING:
    from spacy.language import Language

logger = logging.getLogger(__name__)


@lru_cache(maxsize=2)
def shared_pipeline(model_name: str) -> Language:
    """Load a spaCy pipeline once per process, whoever asks (CLI commands, workers, tests)."""
    from bot.claims import load_pipeline

    logger.info("loading spaCy pipeline %s", model_name)
    return load_pipeline(model_name)


@dataclass
class Services:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    _nlp: Language | None = None
    _nlp_lock: threading.Lock = field(default_factory=threading.Lock)

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

    def close(self) -> None:
        self.engine.dispose()
