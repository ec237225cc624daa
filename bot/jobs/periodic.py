"""A background thread that does one piece of work every few seconds until stopped.

The digest clock, the resume sweep and a job's lease heartbeat all need exactly this: a failure is
logged and the next round tries again, and stopping never waits longer than one round.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

logger = logging.getLogger(__name__)


class Periodic:
    def __init__(
        self, name: str, interval: float, work: Callable[[], object], *, immediately: bool = False
    ) -> None:
        self.name = name
        self.interval = interval
        self._work = work
        self._immediately = immediately
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)

    def start(self) -> Periodic:
        self._thread.start()
        return self

    @property
    def stopping(self) -> bool:
        """For long work to check between its steps: a stop waits for the round in progress."""
        return self._stop.is_set()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=self.interval + 5)

    def _loop(self) -> None:
        if self._immediately:
            self._round()
        while not self._stop.wait(self.interval):
            self._round()

    def _round(self) -> None:
        try:
            self._work()
        except Exception:  # e.g. the database is away for a while: the next round tries again
            logger.warning("%s: this round failed", self.name, exc_info=True)
