"""`claimbot run` keeps its Socket Mode link through Slack's link events: the table of the issue "The
default mode holds", one test per row.

Each test starts the real command in a subprocess, as an operator does (a migrated SQLite file, the tokens
in the environment, the Web API URL pointing at the stand-in), waits for its first ack, provokes one
situation with ``SocketModeStandin`` over real sockets and asserts the bound; then it stops the process
with SIGTERM and expects exit 0. bench/socket_mode.py measures the same situations in one session.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.slack_standin import SlackStandin, SocketModeStandin
from bot.slack_standin.process_env import claimbot_env
from storage import db

pytestmark = pytest.mark.slow

TEAM, CHANNEL, USER = "T0RUN", "C0NEWS", "U0ALICE"
BOT_TOKEN, APP_TOKEN, APP_ID = "xoxb-run", "xapp-1-A0CLAIMBOT-1-run", "A0CLAIMBOT"
REPO = Path(__file__).resolve().parents[2]


@dataclass
class RunningApp:
    """The `claimbot run` process, the stand-in's Socket Mode side it talks to, and its log file."""

    process: subprocess.Popen[bytes]
    socket_mode: SocketModeStandin
    log: Path

    def cpu_seconds(self) -> float:
        """utime + stime of every thread of the process, from /proc/PID/stat."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def ack_seconds(self, text: str, timeout: float = 5.0) -> float:
        """Send a message event; seconds from its delivery to its ack (the stand-in's ``wait_for_ack``)."""
        event = self.socket_mode.sender.message_event(TEAM, CHANNEL, USER, text)
        envelope_id = self.socket_mode.send_event(TEAM, event)
        _, seconds = self.socket_mode.wait_for_ack(envelope_id, timeout=timeout)
        return seconds

    def reconnect_seconds(self, fault: str, timeout: float, **kwargs: object) -> float:
        """Apply a fault to the open link; seconds until the next link opens (AssertionError after
        ``timeout``)."""
        count = self.socket_mode.opened_count()
        began = time.monotonic()
        getattr(self.socket_mode, fault)(**kwargs)
        link = self.socket_mode.wait_for_connection(count + 1, timeout=timeout)
        return link.opened_at - began

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def running(tmp_path: Path) -> Iterator[RunningApp]:
    with SlackStandin() as standin:
        standin.add_workspace(
            TEAM, team_name="Run", bot_token=BOT_TOKEN, bot_user_id="U0CLAIMBOT", bot_id="B0"
        )
        standin.add_channel(TEAM, CHANNEL, name="news")
        standin.add_user(TEAM, USER, name="alice")
        socket_mode = standin.add_app_token(APP_TOKEN, app_id=APP_ID)
        database_url = f"sqlite:///{tmp_path / 'claimbot.db'}"
        db.upgrade(database_url)
        env = claimbot_env(
            database_url,
            standin.base_url,
            PYTHONFAULTHANDLER="1",  # SIGABRT dumps every thread's stack into the log (see stop_cleanly)
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_APP_TOKEN=APP_TOKEN,
        )
        log = tmp_path / "app.log"
        with log.open("ab") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "bot.entry.cli", "run"],
                env=env,
                cwd=REPO,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        app = RunningApp(process, socket_mode, log)
        try:
            socket_mode.wait_for_connection(1, timeout=20)
            app.ack_seconds("first", timeout=10)
            yield app
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


def stop_cleanly(app: RunningApp) -> None:
    """SIGTERM: exit 0 within the few seconds it takes today (cli.run calls handler.close())."""
    began = time.monotonic()
    app.process.send_signal(signal.SIGTERM)
    try:
        code = app.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        app.process.send_signal(signal.SIGABRT)  # where each thread is stuck, for the message below
        app.process.wait(timeout=5)
        raise AssertionError(f"no exit 15 s after SIGTERM; log:\n{app.log_text()[-8000:]}") from None
    assert code == 0, app.log_text()[-3000:]
    assert time.monotonic() - began < 6


def test_after_a_refresh_the_first_envelope_on_the_new_link_is_acked_within_100_ms(
    running: RunningApp,
) -> None:
    sm = running.socket_mode
    for attempt in range(3):
        count = sm.opened_count()
        sm.request_refresh()
        seconds = running.ack_seconds(f"right after refresh {attempt}")
        assert seconds < 0.1, f"refresh {attempt}: acked {seconds:.3f} s after delivery on the new link"
        links = sm.connections(include_closed=True)
        assert len(links) == count + 1  # one new link per refresh
    # each envelope was read once, old link or new: one ack each
    acked = [frame.envelope_id for frame in sm.acks()]
    assert len(acked) == len(set(acked)) == len(sm.envelopes())
    # the refreshed links were closed by the client with a close frame once the new link was up
    for link in sm.connections(include_closed=True)[:-1]:
        assert sm.wait_until_closed(link.id, timeout=5).closed_by == "client_frame"
    stop_cleanly(running)


def test_a_tcp_close_without_a_close_frame_is_replaced_within_5_s_without_spinning(
    running: RunningApp,
) -> None:
    cpu_before, began = running.cpu_seconds(), time.monotonic()
    seconds = running.reconnect_seconds("drop_tcp", timeout=5)
    assert seconds < 5
    time.sleep(max(0.0, began + 5 - time.monotonic()))  # the 5 s the bound allows, as if it took them all
    cpu = running.cpu_seconds() - cpu_before
    assert cpu < 0.5, f"{cpu:.2f} CPU seconds in the 5 s after the TCP close"
    assert running.ack_seconds("after the drop") < 1
    stop_cleanly(running)


def test_a_close_frame_is_echoed_and_replaced_within_2_s(running: RunningApp) -> None:
    first = running.socket_mode.connections()[-1]
    seconds = running.reconnect_seconds("close_with_frame", timeout=2, code=1001, reason="going away")
    assert seconds < 2
    closed = running.socket_mode.wait_until_closed(first.id, timeout=2)
    assert closed.client_answered_close is True  # RFC 6455 section 5.5.1
    assert running.ack_seconds("after the close frame") < 1
    stop_cleanly(running)


def test_a_half_open_link_is_noticed_and_replaced_within_20_s(running: RunningApp) -> None:
    seconds = running.reconnect_seconds("go_half_open", timeout=20)
    assert seconds < 20
    assert running.ack_seconds("after the half-open link") < 1
    stop_cleanly(running)
