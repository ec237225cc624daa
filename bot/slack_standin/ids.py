"""Slack-shaped identifiers: message timestamps and opaque IDs.

One process-wide clock hands out message ``ts`` values, so the stand-in's bot posts and the sender's
user messages never collide and always increase, as Slack's do within a channel.
"""

from __future__ import annotations

import secrets
import string
import threading
import time

__all__ = ["new_id", "next_ts", "ts_to_permalink_part"]

_ALNUM = string.ascii_uppercase + string.digits
_lock = threading.Lock()
_last_us = 0


def next_ts() -> str:
    """A message ts like ``"1732540000.000100"``: wall-clock based, strictly increasing in this process."""
    global _last_us
    with _lock:
        now_us = time.time_ns() // 1000
        _last_us = max(now_us, _last_us + 1)
        secs, micros = divmod(_last_us, 1_000_000)
    return f"{secs}.{micros:06d}"


def new_id(prefix: str, length: int = 10) -> str:
    """An ID in Slack's style (``prefix`` + upper-case alphanumerics), e.g. ``Ev0A1B2C3D4E``."""
    return prefix + "".join(secrets.choice(_ALNUM) for _ in range(length))


def ts_to_permalink_part(ts: str) -> str:
    """Slack permalinks name a message ``p`` + its ts without the dot."""
    return "p" + ts.replace(".", "")
