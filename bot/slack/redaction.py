"""Keep Slack tokens and secrets out of every log line, whoever logs it.

slack_sdk at DEBUG logs request parameters and response bodies (``oauth.v2.access`` answers with the bot
token; its request carries the client secret). A record factory redacts every record at its source, so
no handler, filter order or logger hierarchy can let one through.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable

TOKEN = re.compile(r"\b(xox[a-z]|xapp)-[A-Za-z0-9-]+")
# OAuth's one-time code and state are credentials too while the install is in flight.
QUERY_SECRET = re.compile(r"\b(code|state|client_secret|token)=([^&\s'\"]+)")
SECRET_FIELD = re.compile(
    r"""(['"]?(?:client_secret|signing_secret|access_token|refresh_token|bot_token|code|state)['"]?"""
    r"""\s*[:=]\s*\[?\s*)(['"])[^'"]+\2"""
)
REDACTED = "(redacted)"

_lock = threading.Lock()
_secrets: set[str] = set()
_installed = False


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    text = TOKEN.sub(lambda m: f"{m.group(1)}-{REDACTED}", text)
    text = SECRET_FIELD.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}{m.group(2)}", text)
    text = QUERY_SECRET.sub(lambda m: f"{m.group(1)}={REDACTED}", text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text


def install(secrets: Iterable[str | None] = ()) -> None:
    """Redact these secrets (and anything shaped like a Slack token) from every log record from now on."""
    global _installed
    with _lock:
        _secrets.update(s for s in secrets if s and len(s) >= 6)
        if _installed:
            return
        _installed = True
        previous = logging.getLogRecordFactory()

        def factory(*args: object, **kwargs: object) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            try:
                message = record.getMessage()
            except Exception:  # a malformed log call: leave it to logging's own error handling
                return record
            cleaned = redact(message, tuple(_secrets))
            if cleaned != message or record.args:
                record.msg, record.args = cleaned, ()
            return record

        logging.setLogRecordFactory(factory)
