"""SIGTERM to a real `celery worker` holding a share whose page is slow: it gives the task a few seconds,
frees the share for the next sweep, and exits within 10 s."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import redis
import sqlalchemy as sa

from bot.config import Settings
from bot.entry.worker import create_celery
from bot.jobs.queue import CeleryQueue
from bot.services import Services
from bot.slack_standin import SlackStandin
from bot.slack_standin.process_env import claimbot_env
from storage import repository
from storage.models import Share
from tests.plugins.app import ACME, NEWS, WORKSPACES

BROKER = "redis://127.0.0.1:6379/12"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_celery_worker_on_sigterm_frees_what_it_holds_and_exits(
    fresh_db_url: str, standin: SlackStandin, page_server: Any, tmp_path: Path, signum: int
) -> None:
    redis.Redis.from_url(BROKER).flushdb()
    env = claimbot_env(
        fresh_db_url,
        standin.base_url,
        CLAIMBOT_BROKER_URL=BROKER,
        SLACK_BOT_TOKEN=WORKSPACES[ACME]["bot_token"],
        CLAIMBOT_ALLOW_PRIVATE_URLS="true",
        CLAIMBOT_FETCH_TIMEOUT="60",
        CLAIMBOT_FETCH_TOTAL_TIMEOUT="60",
        CLAIMBOT_SHUTDOWN_GRACE_SECONDS="2",
    )
    log = tmp_path / "celery.log"
    celery = str(Path(sys.executable).with_name("celery"))
    with log.open("wb") as out:
        worker = subprocess.Popen(
            [celery, "-A", "bot.entry.celery_entry", "worker", "--concurrency", "1", "--loglevel", "INFO",
             "-n", f"shutdown-{os.getpid()}@%h"],
            env=env, stdout=out, stderr=out,
        )  # fmt: skip
    settings = Settings(_env_file=None, database_url=fresh_db_url, broker_url=BROKER)
    services = Services.create(settings)
    try:
        _wait(lambda: b"ready." in log.read_bytes(), 60, "the worker never got ready")
        # its pool process builds its services (schema check, connection, Slack clients) before any task
        _wait(lambda: b"services built before its first task" in log.read_bytes(), 30, "pool not warmed")
        with services.transaction() as session:
            share, _ = repository.record_share(
                session, team=ACME, channel=NEWS, message_ts="1.1", url=page_server.url("slow?seconds=30")
            )
            share_id = share.id
        CeleryQueue(create_celery(settings)).submit([share_id])
        _wait(lambda: _holder(services, share_id) is not None, 30, "the worker never took the share")
        # the pool's analysis yields the CPU to a web process on the same machine; the main process does not
        pool = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
        assert pool and all(os.getpriority(os.PRIO_PROCESS, int(pid)) == 10 for pid in pool)
        assert os.getpriority(os.PRIO_PROCESS, worker.pid) == os.getpriority(os.PRIO_PROCESS, 0)
        started = time.monotonic()
        worker.send_signal(signum)
        code = worker.wait(timeout=30)
        took = time.monotonic() - started
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        redis.Redis.from_url(BROKER).flushdb()
    output = log.read_text(errors="replace")
    assert took < 10, output
    # Celery's own convention: a stop by SIGTERM exits 0, an interrupt (SIGINT) exits 1 (EX_FAILURE)
    assert code == (0 if signum == signal.SIGTERM else 1), output
    assert _holder(services, share_id) is None, output
    services.close()


def _holder(services: Services, share_id: int) -> str | None:
    with services.reading() as session:
        return session.scalar(sa.select(Share.claimed_by).where(Share.id == share_id))


def _wait(check: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.2)
