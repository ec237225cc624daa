"""Scale mode (Celery on Redis) and HTTP mode under gunicorn, with the real processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from typing import Any

import httpx
import pytest
import redis
from celery.contrib.testing.worker import start_worker

from bot.jobs.queue import CeleryQueue
from bot.slack_standin import SlackSender, SlackStandin
from storage import db
from tests.plugins.app import ACME, ALICE, NEWS, SIGNING_SECRET, WORKSPACES, SlackHarness

BROKER = "redis://127.0.0.1:6379/15"


@pytest.mark.settings(broker_url=BROKER)
def test_scale_mode_web_only_enqueues_and_a_celery_worker_replies(
    slack: SlackHarness, page_server: Any
) -> None:
    redis.Redis.from_url(BROKER).flushdb()
    queue = slack.runtime.deps.queue
    assert isinstance(queue, CeleryQueue)
    assert slack.runtime.scheduler is None  # Celery beat owns the digest clock in scale mode
    event = slack.share(page_server.url("seed-russian-losses.html"))
    time.sleep(0.5)
    assert slack.standin.calls_to("chat.postMessage") == []  # nothing runs in the web process
    with start_worker(queue._app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        reply = slack.standin.wait_for("chat.postMessage", where=lambda c: c.ok, timeout=60)[0]
    assert reply.params["thread_ts"] == event["ts"] and reply.params["channel"] == NEWS
    assert "Konashenkov" in str(reply.params["blocks"])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_runs_gunicorn_checks_signatures_and_answers_a_link(
    fresh_db_url: str, standin: SlackStandin, page_server: Any
) -> None:
    """HTTP mode as deployed: `claimbot serve` execs gunicorn, two workers, token mode, real requests."""
    db.ensure_current(db.make_engine(fresh_db_url))
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": fresh_db_url,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_BOT_TOKEN": WORKSPACES[ACME]["bot_token"],
        "CLAIMBOT_SLACK_API_URL": standin.base_url,
        "CLAIMBOT_ALLOW_PRIVATE_URLS": "true",  # the article page is served from 127.0.0.1
    }
    env.pop("SLACK_CLIENT_ID", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.entry.cli", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/slack/events"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stdout.read().decode() if process.stdout else ""
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        health = httpx.get(url.replace("/slack/events", "/healthz"), timeout=5)
        assert (health.status_code, health.json()) == (200, {"ok": True})
        with SlackSender(url, SIGNING_SECRET) as sender:
            assert "c-42" in sender.url_verification("c-42").text
        with SlackSender(url, "not-the-secret") as forger:
            assert forger.url_verification("c-43").status_code == 401
        with SlackSender(url, SIGNING_SECRET, bot_user_id=WORKSPACES[ACME]["bot_user_id"]) as sender:
            event = sender.message_event(ACME, NEWS, ALICE, page_server.url("seed-russian-losses.html"))
            standin.add_message(event)
            assert sender.event(ACME, event).status_code == 200
            where = lambda c: c.ok and c.params.get("thread_ts") == event["ts"]  # noqa: E731
            reply = standin.wait_for("chat.postMessage", where=where, timeout=60)[0]
            assert "Konashenkov" in str(reply.params["blocks"])
            assert reply.token == WORKSPACES[ACME]["bot_token"]
            time.sleep(1.0)  # a second worker must not answer too
            assert len([c for c in standin.calls_to("chat.postMessage") if where(c)]) == 1
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


@pytest.mark.backends("sqlite")  # a configuration check: the database backend plays no part
def test_serve_and_run_refuse_missing_credentials(fresh_db_url: str) -> None:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CLAIMBOT_"))}
    base["DATABASE_URL"] = fresh_db_url
    serve = subprocess.run(
        [sys.executable, "-m", "bot.entry.cli", "serve"], env=base, capture_output=True, text=True
    )
    run = subprocess.run(
        [sys.executable, "-m", "bot.entry.cli", "run"], env=base, capture_output=True, text=True
    )
    assert serve.returncode == 1 and "SLACK_SIGNING_SECRET" in serve.stderr
    assert run.returncode == 1 and "SLACK_APP_TOKEN" in run.stderr
    assert "Traceback" not in serve.stderr + run.stderr
