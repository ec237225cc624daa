"""Scale mode: Celery tasks for share jobs and the digest clock (beat), on a Redis or RabbitMQ broker.

Web processes only ack and enqueue share ids; any number of workers run the NLP. Each worker process
builds its own Services on first use, so the model loads once per process, not per task.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from celery import Celery
from celery.signals import worker_init, worker_process_init, worker_shutting_down

from bot.config import Settings
from bot.jobs.scheduler import slack_poster, utc_now

if TYPE_CHECKING:
    from bot.services import Services
    from bot.slack.ops import SlackClients

logger = logging.getLogger(__name__)


def _warm_before_fork(settings: Settings, state: _WorkerState) -> None:
    """Load the spaCy pipeline and take a sample page through the analysis (bot/pipeline.py:warm_up) in
    the worker's main process, before its pool forks: each child starts warm, sharing the model's memory,
    and the first share after a start waits for its page, not for the model. Each child then builds its
    services (the schema check, its first database connection, the Slack clients: about 0.35 s) before
    it takes a task, and lowers its CPU priority (CLAIMBOT_WORKER_NICE): on a machine it shares with
    `claimbot serve`, Slack's acks and /claims come before analysis, which only makes a reply a little
    later; alone on its machine it changes nothing."""

    @worker_process_init.connect(weak=False, dispatch_uid="claimbot-child")
    def _child(**_: object) -> None:
        if settings.worker_nice > 0:
            os.nice(settings.worker_nice)
        try:
            state.get()
            logger.info("pool process %d ready: services built before its first task", os.getpid())
        except Exception:  # the database is away: the first task builds them, and says why it cannot
            logger.warning("worker services not ready at start; the first task will retry", exc_info=True)

    @worker_init.connect(weak=False, dispatch_uid="claimbot-warm")
    def _warm(**_: object) -> None:
        from bot.jobs import shares  # noqa: F401  (the job's imports: trafilatura, the extractor)
        from bot.pipeline import warm_up
        from bot.services import settle_heap, shared_pipeline

        warm_up(shared_pipeline(settings.spacy_model))
        settle_heap()


def _stop_gracefully(settings: Settings, state: _WorkerState) -> None:
    """SIGTERM: Celery's warm shutdown waits for the task in hand, however slow its page. Give it
    ``shutdown_grace_seconds``, then free the shares this worker's pool still holds (their leases carry
    the worker's pid: ``shares.OWNER_PID``) and stop cold; the broker hands the task back (acks_late)."""

    @worker_process_init.connect(weak=False, dispatch_uid="claimbot-lease-as-worker")
    def _lease_as_the_worker(**_: object) -> None:
        from bot.jobs import shares

        shares.OWNER_PID = os.getppid()

    @worker_shutting_down.connect(weak=False, dispatch_uid="claimbot-stop")
    def _on_shutting_down(how: str = "", **_: object) -> None:
        if how != "Warm":
            return

        def give_back() -> None:
            time.sleep(settings.shutdown_grace_seconds)
            from bot.jobs.shares import release_this_process

            services, _ = state.get()
            released = release_this_process(services)
            logger.warning("stopping: %d share(s) released to the next sweep; cold shutdown", released)
            os.kill(os.getpid(), signal.SIGQUIT)

        threading.Thread(target=give_back, name="claimbot-stop", daemon=True).start()


class _WorkerState:
    """The worker process's long-lived pieces, built lazily after fork."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._built: tuple[Services, SlackClients] | None = None

    def get(self) -> tuple[Services, SlackClients]:
        with self._lock:
            if self._built is None:
                from bot.entry.app import installation_store
                from bot.services import Services
                from bot.slack.ops import SlackClients

                services = Services.create(self.settings)
                store = installation_store(services) if self.settings.slack_client_id else None
                self._built = (services, SlackClients(self.settings, store))
            return self._built


def create_celery(settings: Settings, *, graceful_stop: bool = False) -> Celery:
    """``graceful_stop``: this process is a `celery worker` (bot/entry/celery_entry.py), whose SIGTERM
    frees what it holds after a grace period; never in a process that only enqueues or in tests'
    embedded workers."""
    if not settings.broker_url:
        raise ValueError("scale mode needs CLAIMBOT_BROKER_URL (e.g. redis://127.0.0.1:6379/0)")
    app = Celery("claimbot", broker=settings.broker_url)
    app.conf.update(
        # A worker that dies mid-job leaves it on the queue; shares are claimed, so a rerun is harmless.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        timezone="UTC",
        broker_connection_retry_on_startup=True,
        beat_schedule={
            "claimbot-digests": {
                "task": "claimbot.run_digests",
                "schedule": float(settings.digest_interval_seconds),
            },
            "claimbot-resume": {
                "task": "claimbot.resume_shares",
                "schedule": float(settings.resume_interval_seconds),
            },
            "claimbot-retention": {
                "task": "claimbot.retention",
                "schedule": float(settings.retention_interval_seconds),
            },
        },
    )
    state = _WorkerState(settings)
    if graceful_stop:  # a `celery worker` process
        _stop_gracefully(settings, state)
        _warm_before_fork(settings, state)

    # shared=False: each app keeps its own tasks (Celery otherwise routes a name to the first app's closure).
    @app.task(name="claimbot.process_shares", shared=False)
    def process_shares_task(share_ids: Sequence[int]) -> None:
        from bot.jobs.shares import process_shares

        services, clients = state.get()
        process_shares(services, clients, share_ids)

    @app.task(name="claimbot.run_digests", shared=False)
    def run_digests_task() -> int:
        from bot.jobs.digest import run_due_digests

        services, clients = state.get()
        return len(run_due_digests(services, slack_poster(clients), utc_now()))

    @app.task(name="claimbot.resume_shares", shared=False)
    def resume_shares_task() -> int:
        """Re-queue shares whose worker died and replies Slack has not taken yet."""
        from bot.jobs.queue import CeleryQueue, resume_pending

        services, _ = state.get()
        return resume_pending(
            services, CeleryQueue(app), unclaimed_grace_seconds=settings.resume_grace_seconds
        )

    @app.task(name="claimbot.retention", shared=False)
    def retention_task() -> int:
        """Purge workspaces uninstalled longer than their grace period; apply CLAIMBOT_RETENTION_DAYS."""
        from bot.jobs.retention import run_retention

        services, _ = state.get()
        return sum(run_retention(services, utc_now()).values())

    return app
