"""Assemble a running claimbot: services, queue, Bolt app, digest clock. Entrypoints only pick a transport."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass

from slack_bolt import App
from slack_sdk import WebClient

from bot.config import Settings
from bot.entry.app import build_deps, create_app
from bot.jobs.periodic import Periodic
from bot.jobs.queue import CeleryQueue, JobQueue, resume_loop, resume_pending
from bot.jobs.retention import run_retention
from bot.jobs.scheduler import Clock, DigestScheduler, slack_poster, utc_now
from bot.jobs.shares import release_this_process
from bot.services import Services, settle_heap
from handlers.deps import AppDeps

logger = logging.getLogger(__name__)

SWITCH_INTERVAL = 0.001
"""Seconds a CPU-bound thread keeps the GIL once another thread asks for it (Python's default: 5 ms).
Where shares are analysed in the process that acks Slack, an ack or a search waits for the GIL after each
database round trip while spaCy runs: on PostgreSQL, some twenty hand-overs of up to 5 ms each."""


@dataclass
class Runtime:
    services: Services
    deps: AppDeps
    app: App
    scheduler: DigestScheduler | None
    resume: Periodic | None = None
    retention: Periodic | None = None
    started: bool = False

    def start(self) -> Runtime:
        """Start the clocks and pick up the work left behind: in the process that will run them (under
        gunicorn, each worker after fork; threads never cross a fork)."""
        if not self.started:
            self.started = True
            sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))
            settle_heap()
            if self.scheduler is not None:
                self.scheduler.start()
            resume_pending(self.services, self.deps.queue)
            if self.resume is not None:
                self.resume.start()
            if self.retention is not None:
                self.retention.start()
        return self

    def stop(self, grace: float) -> bool:
        """Stop taking work, give the jobs in flight up to ``grace`` s, then free the shares they still
        hold (another process's sweep takes them at once) and close. True when nothing was left."""
        self._stop_clocks()
        finished = self.deps.queue.drain(grace)
        if not finished:
            released = release_this_process(self.services)
            logger.warning("stopped with jobs unfinished: %d share(s) released to the next sweep", released)
        self.services.close()
        return finished

    def close(self) -> None:
        """Close after the jobs queued so far are done (tests, the demo)."""
        self._stop_clocks()
        self.deps.queue.close()
        self.services.close()

    def _stop_clocks(self) -> None:
        if self.started:
            if self.scheduler is not None:
                self.scheduler.stop()
            if self.resume is not None:
                self.resume.stop()
            if self.retention is not None:
                self.retention.stop()
            self.started = False


def build_runtime(
    settings: Settings,
    *,
    socket_mode: bool = False,
    client: WebClient | None = None,
    clock: Clock = utc_now,
    run_scheduler: bool | None = None,
    services: Services | None = None,
) -> Runtime:
    """A runtime, started (see ``assemble_runtime``)."""
    return assemble_runtime(
        settings,
        socket_mode=socket_mode,
        client=client,
        clock=clock,
        run_scheduler=run_scheduler,
        services=services,
    ).start()


def assemble_runtime(
    settings: Settings,
    *,
    socket_mode: bool = False,
    client: WebClient | None = None,
    clock: Clock = utc_now,
    run_scheduler: bool | None = None,
    services: Services | None = None,
) -> Runtime:
    """Services, queue, Bolt app and clocks, not started yet. With a broker URL, jobs go to Celery and
    Celery beat owns the digest clock, the resume sweep and retention; else all four run here."""
    services = services or Services.create(settings)
    queue: JobQueue | None = None
    if settings.broker_url:
        from bot.entry.worker import create_celery

        queue = CeleryQueue(create_celery(settings))
    deps = build_deps(services, queue)
    app = create_app(deps, client=client, socket_mode=socket_mode)
    scheduler = None
    if run_scheduler if run_scheduler is not None else not settings.broker_url:
        scheduler = DigestScheduler(
            services, slack_poster(deps.clients), interval=settings.digest_interval_seconds, clock=clock
        )
    resume = retention = None
    if not settings.broker_url:
        resume = resume_loop(
            services,
            deps.queue,
            interval=settings.resume_interval_seconds,
            unclaimed_grace_seconds=settings.resume_grace_seconds,
        )

        def retain() -> object:  # a purge in progress ends between two steps when the process stops
            return run_retention(services, clock(), stop=lambda: clock_of_retention.stopping)

        retention = clock_of_retention = Periodic(
            "claimbot-retention", settings.retention_interval_seconds, retain, immediately=True
        )
    return Runtime(
        services=services, deps=deps, app=app, scheduler=scheduler, resume=resume, retention=retention
    )
