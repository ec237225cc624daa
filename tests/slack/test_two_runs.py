"""Two `claimbot run` processes at once on one database, as Slack spreads an app's events over several
Socket Mode connections: every share answered once, `/claims` from either, and a process killed in the
middle of a share leaves it to the other."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from bot.slack_standin import SlackStandin
from bot.slack_standin.process_env import claimbot_env
from storage import db
from storage.models import Share
from tests.plugins.web import PageServer

TEAM, CHANNEL, USER = "T0TWO", "C0NEWS", "U0ALICE"
BOT_TOKEN, APP_TOKEN, APP_ID = "xoxb-two", "xapp-1-A0TWO-1-two", "A0TWO"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def socket_standin() -> Iterator[SlackStandin]:
    standin = SlackStandin().start()
    standin.add_workspace(TEAM, team_name="Two", bot_token=BOT_TOKEN, bot_user_id="U0CLAIMBOT", bot_id="B0")
    standin.add_channel(TEAM, CHANNEL, name="news")
    standin.add_user(TEAM, USER, name="alice")
    standin.add_app_token(APP_TOKEN, app_id=APP_ID)
    yield standin
    standin.stop()


def start_run(database_url: str, standin: SlackStandin, log: Path) -> subprocess.Popen[bytes]:
    env = claimbot_env(
        database_url,
        standin.base_url,
        CLAIMBOT_ALLOW_PRIVATE_URLS="true",
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_APP_TOKEN=APP_TOKEN,
        CLAIMBOT_SHARE_LEASE_SECONDS="3",  # a killed process's share is free again after 3 s ...
        CLAIMBOT_RESUME_INTERVAL_SECONDS="1",  # ... and the other process's sweep looks every second
    )
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "bot.entry.cli", "run"], env=env, cwd=REPO, stdout=out, stderr=out
        )


def replies_to(standin: SlackStandin, ts: str) -> list[Any]:
    return [c for c in standin.calls_to("chat.postMessage") if c.ok and c.params.get("thread_ts") == ts]


def _holder_pid(database_url: str, message_ts: str) -> int:
    engine = db.make_engine(database_url)
    try:
        found: list[str | None] = [None]

        def held() -> bool:
            with engine.connect() as conn:
                found[0] = conn.scalar(sa.select(Share.claimed_by).where(Share.message_ts == message_ts))
            return found[0] is not None

        wait_until(held, 20, "the slow share was never taken")
        return int(str(found[0]).split(":")[1])
    finally:
        engine.dispose()


def wait_until(check: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def test_two_processes_answer_each_share_once_and_cover_for_each_other(
    fresh_db_url: str, socket_standin: SlackStandin, page_server: PageServer, tmp_path: Path
) -> None:
    standin, sm = socket_standin, socket_standin.socket_mode
    processes = [start_run(fresh_db_url, standin, tmp_path / f"run{i}.log") for i in (1, 2)]
    try:
        sm.wait_for_connection(2, timeout=60)
        links = [c.id for c in sm.connections()]
        assert len(links) == 2
        pages = ["seed-russian-losses.html", "council-flood-defences.html", "northvale-layoffs.html"]
        messages = []
        for i in range(6):  # spread over both links, as Slack does
            event = sm.sender.message_event(TEAM, CHANNEL, USER, page_server.url(pages[i % 3]))
            standin.add_message(event)
            sm.wait_for_ack(sm.send_event(TEAM, event, connection=links[i % 2]), timeout=10)
            messages.append(event["ts"])
        for ts in messages:
            wait_until(lambda ts=ts: replies_to(standin, ts), 60, f"no reply to {ts}")
        for i, link in enumerate(links):  # /claims answered through either process
            key = f"cmd-{i}"
            sm.send_command(
                TEAM, CHANNEL, USER, "/claims", "konashenkov",
                response_url=standin.response_url(key, channel=CHANNEL), connection=link,
            )  # fmt: skip
            answer = standin.wait_for(f"response_url:{key}", timeout=20)[0].params
            assert "Konashenkov" in str(answer)

        # a share in flight on the first process when it dies: the second one finishes it
        slow = sm.sender.message_event(TEAM, CHANNEL, USER, page_server.url("slow?seconds=4"))
        standin.add_message(slow)
        sm.wait_for_ack(sm.send_event(TEAM, slow, connection=links[0]), timeout=10)
        holder = _holder_pid(fresh_db_url, slow["ts"])  # lease holder ids start with host:pid
        owner = next(p for p in processes if p.pid == holder)
        owner.send_signal(signal.SIGKILL)
        owner.wait(timeout=10)
        wait_until(lambda: replies_to(standin, slow["ts"]), 60, "the surviving process never answered")
        time.sleep(2.0)
        for ts in [*messages, slow["ts"]]:
            assert len(replies_to(standin, ts)) == 1, ts
        survivor = next(p for p in processes if p is not owner)
        survivor.send_signal(signal.SIGINT)  # Ctrl-C: the same graceful stop as SIGTERM
        assert survivor.wait(timeout=10) == 0
    finally:
        for p in processes:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in processes:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
