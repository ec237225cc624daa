"""Column shapes shared by the models, as `Annotated` aliases (warehouse's `utils/db/types.py` habit)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import mapped_column


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(sa.TypeDecorator[dt.datetime]):
    """A timestamp that is always timezone-aware UTC in Python, whatever the backend.

    SQLite has no time zones: we store naive UTC there and put the zone back on the way out, so code never
    compares naive and aware datetimes. Naive input is refused rather than guessed.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: storage wants timezone-aware datetimes")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # raw SQLite text, e.g. CURRENT_TIMESTAMP through a server default
            value = dt.datetime.fromisoformat(value)
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


intpk = Annotated[int, mapped_column(primary_key=True)]
slack_id = Annotated[str, mapped_column(sa.String(64))]
"""Slack ids and timestamps (team, channel, user, ts): short strings."""
long_text = Annotated[str, mapped_column(sa.Text)]
url_text = Annotated[str, mapped_column(sa.String(2048))]
created_now = Annotated[dt.datetime, mapped_column(default=utcnow, server_default=sa.func.now())]
"""Filled in Python (microseconds, aware) and by the server for rows inserted by hand."""
bool_false = Annotated[bool, mapped_column(default=False, server_default=sa.false())]
bool_true = Annotated[bool, mapped_column(default=True, server_default=sa.true())]
json_list = Annotated[list[Any], mapped_column(sa.JSON, default=list)]
