"""The one family of errors a user may read: each carries a one-line ``reason`` fit to show them.

Anything else that escapes is ours: the user gets a generic line and the operator the details in the log.
"""

from __future__ import annotations

INTERNAL_ERROR_PREFIX = "internal error: "  # how a stored failure marks an error that was ours


class BotError(Exception):
    """Input the product cannot use; ``reason`` is one short line for the user, ``subject`` what it was."""

    def __init__(self, reason: str, subject: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.subject = subject

    def __str__(self) -> str:
        return self.reason


class InputError(BotError):
    """A file, a stdin stream or an argument the product cannot read."""


def reason_of(exc: BaseException) -> str:
    """The one-line explanation a user sees; internal errors never leak their details."""
    if isinstance(exc, BotError):
        return exc.reason
    return "something went wrong on our side while reading it; the operator has the details"


def stored_error(exc: BaseException) -> str:
    """What a failed share keeps: the user's reason, or the internal error's type only."""
    return exc.reason if isinstance(exc, BotError) else f"{INTERNAL_ERROR_PREFIX}{type(exc).__name__}"


def shown_reason(error: str | None) -> str:
    """What the user reads for a stored failure: internal details stay in the log and the table."""
    if not error or error.startswith(INTERNAL_ERROR_PREFIX):
        return reason_of(RuntimeError())
    return error
