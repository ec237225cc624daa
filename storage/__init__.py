"""claimbot's storage: typed SQLAlchemy models, repositories, search and Alembic migrations.

Imports nothing else of ours, so the bot, the handlers and the CLI can all sit on top of it.
"""

from storage.db import (
    SchemaNotCurrent,
    current_revision,
    ensure_current,
    head_revision,
    make_engine,
    make_session_factory,
    upgrade,
)

__all__ = [
    "SchemaNotCurrent",
    "current_revision",
    "ensure_current",
    "head_revision",
    "make_engine",
    "make_session_factory",
    "upgrade",
]
