"""A worker killed mid-work: on restart its share is processed and the thread gets exactly one reply.

The app runs in a real subprocess against a fresh database and the Slack stand-in (which lives in the
test process, so it records across the restart). The article page hangs, so SIGKILL lands after the
Share row is written and claimed, before any reply. A claim is a lease its worker renews: a dead
worker's lease runs out and the restarted process takes the share; a live, slow worker keeps it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.services import Services
from bot.slack_standin import SlackSender, SlackStandin
from storage import models
from storage.types import utcnow
from tests.faults.helpers import FAST, SEED
from tests.plugins.app import (
    ACME,
    ALICE,
    NEWS,
    SIGNING_SECRET,
    SlackHarness,
    app_settings,
    install_workspaces,
)
from tests.plugins.web import FIXTURES

ROOT = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 1.0


@dataclass
class HangingPage:
    """Serves the seed article at /article, except the first request, which hangs until released."""

    url: str = ""
    hits: int = 0
    first_arrived: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


@contextmanager
def hanging_page() -> Iterator[HangingPage]:
    page = HangingPage()
    body = (FIXTURES / SEED).read_bytes()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with lock:
                page.hits += 1
                first = page.hits == 1
            if first:
                page.first_arrived.set()
                page.release.wait(60)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page.url = f"http://127.0.0.1:{server.server_port}/article"
    try:
        yield page
    finally:
        page.release.set()
        server.shutdown()
        server.server_close()


@contextmanager
def app_process(
    database_url: str, standin: SlackStandin, log: Path
) -> Iterator[tuple[subprocess.Popen[str], str]]:
    options = {
        "database_url": database_url,
        "slack_api_url": standin.base_url,
        "lease_seconds": LEASE_SECONDS,
    }
    with log.open("a") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.faults.runner", json.dumps(options)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("http://"), f"the app did not start:\n{log.read_text()}"
        yield proc, url
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)


def the_share(services: Services) -> models.Share | None:
    with services.transaction() as session:
        return session.scalars(select(models.Share)).one_or_none()


def test_a_worker_killed_mid_work_is_resumed_on_restart_with_exactly_one_reply(
    fresh_db_url: str, standin: SlackStandin, tmp_path: Path
) -> None:
    services = Services.create(app_settings(fresh_db_url, standin))
    install_workspaces(services)
    standin.reset_calls()
    log = tmp_path / "app.log"
    try:
        with hanging_page() as page:
            with (
                app_process(fresh_db_url, standin, log) as (first, url),
                SlackSender(url, SIGNING_SECRET) as sender,
            ):
                event = sender.message_event(ACME, NEWS, ALICE, f"read {page.url}", ts=f"{time.time():.6f}")
                standin.add_message(event)
                assert sender.event(ACME, event).status_code == 200
                assert page.first_arrived.wait(30), f"the page was never requested:\n{log.read_text()}"
                share = the_share(services)
                assert share is not None and share.status == "pending" and share.claimed_by
                assert share.lease_until is not None and share.lease_until > utcnow()  # looks alive
                first.send_signal(signal.SIGKILL)
                assert first.wait(10) == -signal.SIGKILL
            assert standin.calls_to("chat.postMessage") == []

            with app_process(fresh_db_url, standin, log):
                call = standin.wait_for("chat.postMessage", where=lambda c: c.ok, timeout=40)[0]
                time.sleep(2 * LEASE_SECONDS)  # time for a second reply, were there one to come
                replies = [
                    m
                    for m in standin.messages(NEWS)
                    if m.get("thread_ts") == event["ts"] and m["ts"] != event["ts"]
                ]
        assert call.params["thread_ts"] == event["ts"] and "Konashenkov" in json.dumps(call.params["blocks"])
        assert len(replies) == 1 and len(standin.calls_to("chat.postMessage")) == 1
        assert page.hits == 2  # the hung request, then the restarted worker's
        share = the_share(services)
        assert share is not None and (share.status, share.reply_status) == ("done", "posted")
        assert share.reply_ts == call.response["ts"]
    finally:
        services.close()


@pytest.mark.settings(**{**FAST, "resume_interval_seconds": 0.1})
def test_a_slow_live_worker_keeps_its_share_while_the_sweep_runs(slack: SlackHarness, page_server) -> None:
    """The page takes three leases to answer: the heartbeat keeps the claim, nobody reads it twice."""
    read_before = len(page_server.requests_to("slow"))
    event = slack.share(page_server.url("slow?seconds=2.5"))
    slack.standin.wait_for("chat.postMessage", where=lambda c: c.ok, timeout=30)
    time.sleep(1.2)
    slack.idle()
    assert len(page_server.requests_to("slow")) == read_before + 1
    assert len(slack.replies(NEWS, event["ts"])) == 1
    assert len(slack.standin.calls_to("chat.postMessage")) == 1
