"""The app's own log lines on stderr, in every run mode: what an operator reads of shares and digests.

``text``: one readable line per record. ``json``: one JSON object per line (time, level, logger, message,
process, thread, and the share, team, channel and event ids a record carries in ``extra``), for log
collectors. Secrets are redacted before any handler sees a record (bot.slack.redaction).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import TextIO

OUR_LOGGERS = ("bot", "handlers", "storage")
CONTEXT_FIELDS = ("share_id", "share_ids", "team", "channel", "event_id", "url")
TEXT_FORMAT = "%(asctime)s %(levelname)s [%(process)d %(threadName)s] %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
            "thread": record.threadName,
        }
        line.update({k: getattr(record, k) for k in CONTEXT_FIELDS if hasattr(record, k)})
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure(
    level: str = "INFO",
    fmt: str = "text",
    *,
    handler: logging.Handler | None = None,
    stream: TextIO | None = None,
) -> None:
    """Send our loggers to ``stream`` (stderr) at ``level`` (a name such as INFO), as text or JSON lines.

    ``handler`` replaces the plain stream handler for text (the CLI's rich one on a terminal); JSON lines
    always go to a plain stream, one object per line, whatever the terminal.
    """
    if fmt not in ("text", "json"):
        raise ValueError(f"CLAIMBOT_LOG_FORMAT must be text or json, not {fmt!r}")
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        raise ValueError(f"CLAIMBOT_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {level!r}")
    if fmt == "json" or handler is None:
        handler = logging.StreamHandler(stream or sys.stderr)
        handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    for name in OUR_LOGGERS:
        log = logging.getLogger(name)
        log.handlers = [handler]
        log.setLevel(numeric)
        log.propagate = False
