"""Malformed or unexpected events are acked with 200 and dropped, with a log line that says why.

Slack redelivers an event it did not see a 200 for (up to three times), so answering a payload we cannot use
with Bolt's 404 ("unhandled request") or a 500 would only bring it back. Nothing is posted for these.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from slack_bolt import Ack, BoltResponse

# A module logger, not Bolt's per-listener one: Bolt names those "claimbot:<function>", outside the "bot" and
# "handlers" loggers that `claimbot run`/`serve` configure, so their INFO lines would be lost.
logger = logging.getLogger(__name__)


def text_field(data: Mapping[str, Any], key: str) -> str | None:
    """A field that must be a non-empty string (ts, channel, user); None when missing or of another type."""
    value = data.get(key)
    return value if isinstance(value, str) and value.strip() else None


def malformed_event_guard(body: dict[str, Any], next: Callable[[], BoltResponse]) -> Any:
    """Global middleware: an ``event_callback`` without a usable ``event`` never reaches a listener."""
    if isinstance(body, dict) and body.get("type") == "event_callback":
        event = body.get("event")
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            logger.warning(
                "ignoring event_callback %s without a usable event (%s)",
                body.get("event_id"),
                "missing" if event is None else f"type {type(event).__name__}, no event type",
            )
            return BoltResponse(status=200, body="")
    return next()


def ignore_other_events(ack: Ack, event: dict[str, Any]) -> None:
    """Catch-all, registered last: an event type we have no listener for is acked, logged and dropped."""
    ack()
    logger.info("ignoring event of type %r: no listener for it", event.get("type"))


__all__ = ["ignore_other_events", "malformed_event_guard", "text_field"]
