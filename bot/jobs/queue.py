"""Where share jobs run: a thread pool in the embedded mode, Celery workers at scale.

A job is a list of Share ids. Jobs are idempotent (a share is leased before it is worked on), so a job
delivered twice, or resumed after a restart, never posts twice. ``resume_pending`` finds the work left
behind (shares of a dead worker, replies Slack refused for now) and ``resume_loop`` runs it periodically,
so that work is re-driven while the process lives, not only when it restarts.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import TYPE_CHECKING, Protocol

from bot.jobs.periodic import Periodic
from bot.services import Services
from storage import repository

if TYPE_CHECKING:
    from celery import Celery

logger = logging.getLogger(__name__)

Job = Callable[[Sequence[int]], object]


class JobQueue(Protocol):
    def submit(self, share_ids: Sequence[int]) -> None: ...

    def drain(self, timeout: float) -> bool: ...

    def close(self) -> None: ...


class InProcessQueue:
    """A thread pool: nothing else to install, and a slow page never blocks Slack's ack."""

    def __init__(self, job: Job, workers: int = 2) -> None:
        self._job = job
        self._pool = ThreadPoolExecutor(max_workers=max(workers, 1), thread_name_prefix="claimbot-job")
        self._futures: set[Future[object]] = set()
        self._waiting: set[frozenset[int]] = set()
        self._lock = threading.Lock()
        self._stopping = False

    def submit(self, share_ids: Sequence[int]) -> None:
        """Queue a job, unless the same shares already wait in the queue (a sweep while the pool is busy)."""
        key = frozenset(share_ids)
        with self._lock:
            if self._stopping:  # the shares are stored: another process's sweep takes them
                logger.info("stopping: shares %s left to the next sweep", list(share_ids))
                return
            if key in self._waiting:
                return
            self._waiting.add(key)
        try:
            future = self._pool.submit(self._run, list(share_ids), key)
        except RuntimeError:  # drained between the check and here
            logger.info("stopping: shares %s left to the next sweep", list(share_ids))
            with self._lock:
                self._waiting.discard(key)
            return
        with self._lock:
            self._futures.add(future)
        future.add_done_callback(self._forget)

    def _forget(self, future: Future[object]) -> None:
        with self._lock:
            self._futures.discard(future)

    def _run(self, share_ids: list[int], key: frozenset[int]) -> None:
        with self._lock:
            self._waiting.discard(key)
        try:
            self._job(share_ids)
        except Exception:
            logger.exception("job for shares %s failed", share_ids)

    def join(self, timeout: float | None = None) -> None:
        """Wait for the jobs queued so far (the demo and tests read results after this)."""
        with self._lock:
            pending = list(self._futures)
        wait(pending, timeout=timeout)

    def drain(self, timeout: float) -> bool:
        """Stop taking jobs, drop the ones not started, wait up to ``timeout`` s for the running ones;
        True when none is left running."""
        with self._lock:
            self._stopping = True
            pending = list(self._futures)
        self._pool.shutdown(wait=False, cancel_futures=True)
        _, running = wait(pending, timeout=timeout)
        return not running

    def close(self) -> None:
        self._pool.shutdown(wait=True)


class CeleryQueue:
    """Hands jobs to Celery workers through the broker; web processes only ack and enqueue."""

    def __init__(self, celery_app: Celery, task_name: str = "claimbot.process_shares") -> None:
        self._app = celery_app
        self._task_name = task_name
        # The broker transport's modules load now (in gunicorn's master), not on each worker's first
        # share (~60 ms); the connection object never connects, so nothing crosses the fork.
        with celery_app.connection_for_write() as connection:
            _ = connection.transport

    def submit(self, share_ids: Sequence[int]) -> None:
        self._app.send_task(self._task_name, args=[list(share_ids)])

    def drain(self, timeout: float) -> bool:
        return True  # the work is the Celery workers'

    def close(self) -> None:
        return None


def resume_pending(services: Services, queue: JobQueue, *, unclaimed_grace_seconds: float = 0) -> int:
    """Queue what nobody is working on, one job per message; returns the jobs queued.

    That is unread shares whose worker died (its lease ran out) or never started, and owed replies
    whose backoff has run out. Live workers keep renewing their leases, so their shares are left alone.
    """
    with services.reading() as session:
        shares = repository.resumable_shares(session, unclaimed_grace_seconds=unclaimed_grace_seconds)
        groups: dict[tuple[str, str, str], list[int]] = defaultdict(list)
        for share in shares:
            groups[(share.team, share.channel, share.message_ts)].append(share.id)
    for ids in groups.values():
        queue.submit(ids)
    if groups:
        logger.info("resumed %d pending share jobs", len(groups))
    return len(groups)


def resume_loop(
    services: Services, queue: JobQueue, *, interval: float = 15.0, unclaimed_grace_seconds: float = 60.0
) -> Periodic:
    """``resume_pending`` every ``interval`` seconds (embedded mode; Celery uses beat).

    Never-claimed shares younger than ``unclaimed_grace_seconds`` are left to the job intake queued.
    """
    return Periodic(
        "claimbot-resume",
        interval,
        lambda: resume_pending(services, queue, unclaimed_grace_seconds=unclaimed_grace_seconds),
    )
