"""SIGTERM, as systemd, Docker and hosting platforms send it, to a real `claimbot serve` with work in flight:
it stops taking work, gives the job a few seconds, frees the share it still holds, and exits 0."""

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
import sqlalchemy as sa

from bot.slack_standin import SlackSender, SlackStandin
from storage import db
from storage.models import Share
from tests.plugins.app import ACME, ALICE, NEWS, SIGNING_SECRET, WORKSPACES


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(check: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_on_sigterm_frees_the_share_in_flight_and_exits_0(
    fresh_db_url: str, standin: SlackStandin, page_server: Any, signum: int
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": fresh_db_url,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_BOT_TOKEN": WORKSPACES[ACME]["bot_token"],
        "CLAIMBOT_SLACK_API_URL": standin.base_url,
        "CLAIMBOT_ALLOW_PRIVATE_URLS": "true",
        "CLAIMBOT_FETCH_TIMEOUT": "60",
        "CLAIMBOT_FETCH_TOTAL_TIMEOUT": "60",
        "CLAIMBOT_SHUTDOWN_GRACE_SECONDS": "2",
    }
    env.pop("SLACK_CLIENT_ID", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.entry.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/slack/events"
    engine = db.make_engine(fresh_db_url)
    try:
        wait_until(lambda: _answers(url), 60, "claimbot serve did not start")
        with SlackSender(url, SIGNING_SECRET, bot_user_id=WORKSPACES[ACME]["bot_user_id"]) as sender:
            event = sender.message_event(ACME, NEWS, ALICE, page_server.url("slow?seconds=30"))
            standin.add_message(event)
            assert sender.event(ACME, event).status_code == 200

        def held() -> bool:
            with engine.connect() as conn:
                return (
                    conn.scalar(sa.select(Share.claimed_by).where(Share.message_ts == event["ts"]))
                    is not None
                )

        wait_until(held, 20, "the share was never taken")
        started = time.monotonic()
        os.killpg(process.pid, signum)  # the whole group, as a terminal's Ctrl-C or a container stop
        code = process.wait(timeout=20)
        took = time.monotonic() - started
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    output = process.stdout.read().decode() if process.stdout else ""
    assert code == 0, output
    assert took < 10, output
    with engine.connect() as conn:
        share = conn.execute(sa.select(Share).where(Share.message_ts == event["ts"])).one()
    engine.dispose()
    assert (share.status, share.claimed_by, share.lease_until) == ("pending", None, None)
    assert "released to the next sweep" in output


def _answers(url: str) -> bool:
    try:
        httpx.get(url.replace("/slack/events", "/healthz"), timeout=1)
    except httpx.TransportError:
        return False
    return True
