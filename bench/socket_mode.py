#!/usr/bin/env python3
"""How the real `claimbot run` (Socket Mode) lives through Slack's link events, against the stand-in.

    python bench/socket_mode.py [--refresh-runs 5] [--give-up 150]

The app runs as a subprocess exactly as an operator starts it (``claimbot run``; a fresh migrated SQLite
file; SLACK_BOT_TOKEN and SLACK_APP_TOKEN registered on the stand-in; CLAIMBOT_SLACK_API_URL pointing at
it) and talks to ``SocketModeStandin`` over real sockets. Envelopes are plain ``message`` events with no
link (acked, no work). Per situation, what the issue's table lists:

a. Slack's routine refresh (``disconnect`` / ``refresh_requested``): from the refresh to the ack of the
   first envelope sent right after it (it waits for the new link, as Slack holds it), ``--refresh-runs``;
b. the TCP connection closed without a close frame: time until a new link opens, and the process's CPU
   seconds meanwhile and over the 5 s from the close (utime + stime of /proc/PID/stat; a reconnect in
   milliseconds makes "meanwhile" too short to show a busy loop), next to an idle stretch of the same
   process;
c. a close frame (1001): time until a new link opens;
d. a half-open link (nothing read or answered, TCP kept open): time until the client opens a new link;
e. SIGTERM: exit code and time to exit;
f. a revoked bot token, then a revoked app token, at start: exit code, time to exit, lines on stderr.

This is the measurement for later fixes: it changes nothing in the app.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bot.slack_standin import SlackSender, SlackStandin, SocketModeStandin
from bot.slack_standin.process_env import claimbot_env
from storage import db

TEAM, CHANNEL, USER = "T0BENCH", "C0NEWS", "U0ALICE"
BOT_TOKEN, APP_TOKEN, APP_ID = "xoxb-bench", "xapp-1-A0CLAIMBOT-1-bench", "A0CLAIMBOT"
REVOKED_BOT, REVOKED_APP = "xoxb-revoked", "xapp-1-A0CLAIMBOT-2-revoked"
BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parents[1]
console = Console(width=None if sys.stdout.isatty() else 140)


@dataclass
class Figures:
    """Today's numbers, one list or value per row of the table (None: did not happen in time)."""

    start_s: float | None = None
    refresh_ack_s: list[float | None] = field(default_factory=list)
    refresh_reconnect_s: list[float | None] = field(default_factory=list)
    drop_reconnect_s: float | None = None
    drop_cpu_s: float | None = None
    drop_window_cpu_s: float | None = None  # over DROP_WINDOW seconds from the close
    idle_cpu_per_s: float | None = None
    close_reconnect_s: float | None = None
    half_open_reconnect_s: float | None = None
    sigterm: tuple[int | None, float | None] = (None, None)
    revoked: dict[str, tuple[int | None, float | None, int]] = field(default_factory=dict)


# -- the stand-in and the process -----------------------------------------------------------------------


def make_standin() -> SlackStandin:
    standin = SlackStandin().start()
    standin.add_workspace(TEAM, team_name="Bench", bot_token=BOT_TOKEN, bot_user_id="U0CLAIMBOT", bot_id="B0")
    standin.add_channel(TEAM, CHANNEL, name="news")
    standin.add_user(TEAM, USER, name="alice")
    standin.add_app_token(APP_TOKEN, app_id=APP_ID)
    for bot, app in ((REVOKED_BOT, None), (None, REVOKED_APP)):  # known to the stand-in, then revoked
        if bot:
            standin.add_workspace("T0GONE", team_name="Gone", bot_token=bot, bot_user_id="U0G", bot_id="B0G")
            standin.revoke_token(bot)
        if app:
            standin.add_app_token(app, app_id=APP_ID)
            standin.revoke_token(app)
    return standin


CLIENT: dict[str, str] = {}  # CLAIMBOT_SOCKET_MODE_* settings of the run being measured (--ping, ...)


def app_env(database_url: str, standin: SlackStandin, bot_token: str, app_token: str) -> dict[str, str]:
    """What `claimbot run` reads its Settings from; nothing of ours inherited from this shell."""
    return claimbot_env(
        database_url, standin.base_url, SLACK_BOT_TOKEN=bot_token, SLACK_APP_TOKEN=app_token, **CLIENT
    )


def run_command() -> list[str]:
    script = BIN / "claimbot"
    head = [str(script)] if script.exists() else [sys.executable, "-m", "bot.entry.cli"]
    return [*head, "run"]


def start_app(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(run_command(), env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)


def cpu_seconds(pid: int) -> float:
    """utime + stime of the whole process (every thread), from /proc/PID/stat."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- one measurement each -----------------------------------------------------------------------------


def message_event(sender: SlackSender, text: str) -> dict[str, object]:
    return sender.message_event(TEAM, CHANNEL, USER, text)


def acked_within(sm: SocketModeStandin, text: str, give_up: float) -> float | None:
    """Send one envelope; seconds from the send call to its ack (waiting for a link counts)."""
    envelope_id = sm.send_event(TEAM, message_event(sm.sender, text))
    try:
        sm.wait_for_ack(envelope_id, timeout=give_up)
    except AssertionError:
        return None
    found = sm.envelope(envelope_id)
    return None if found.acked_at is None else found.acked_at - found.created_at


def reconnect_after(sm: SocketModeStandin, fault: Callable[[], object], give_up: float) -> float | None:
    """Apply a fault to the open link; seconds until the client's next link opens."""
    count, began = sm.opened_count(), time.monotonic()
    fault()
    try:
        link = sm.wait_for_connection(count + 1, timeout=give_up)
    except AssertionError:
        return None
    return link.opened_at - began


def settle(sm: SocketModeStandin, give_up: float) -> None:
    """Before the next situation: the app answers on its new link and the refreshed link is gone."""
    if acked_within(sm, "settle", give_up) is None:
        raise SystemExit("the app stopped acking envelopes; see the log")
    time.sleep(1.0)


def measure_refresh(sm: SocketModeStandin, figures: Figures, runs: int, give_up: float) -> None:
    for _ in range(runs):
        count, began = sm.opened_count(), time.monotonic()
        sm.request_refresh()
        envelope_id = sm.send_event(TEAM, message_event(sm.sender, "right after the refresh"))
        ack: float | None = None
        with suppress(AssertionError):
            sm.wait_for_ack(envelope_id, timeout=give_up)
            acked_at = sm.envelope(envelope_id).acked_at
            ack = None if acked_at is None else acked_at - began
        figures.refresh_ack_s.append(ack)
        links = sm.connections(include_closed=True)
        figures.refresh_reconnect_s.append(links[count].opened_at - began if len(links) > count else None)
        settle(sm, give_up)


DROP_WINDOW = 5.0  # the bound of the table for a TCP close


def measure_drop(sm: SocketModeStandin, pid: int, figures: Figures, give_up: float) -> None:
    idle_from, idle_cpu = time.monotonic(), cpu_seconds(pid)
    time.sleep(5.0)
    figures.idle_cpu_per_s = (cpu_seconds(pid) - idle_cpu) / (time.monotonic() - idle_from)
    before, began = cpu_seconds(pid), time.monotonic()
    figures.drop_reconnect_s = reconnect_after(sm, sm.drop_tcp, give_up)
    figures.drop_cpu_s = cpu_seconds(pid) - before
    time.sleep(max(0.0, began + DROP_WINDOW - time.monotonic()))
    figures.drop_window_cpu_s = cpu_seconds(pid) - before
    settle(sm, give_up)


def measure_sigterm(proc: subprocess.Popen[bytes], figures: Figures) -> None:
    began = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        code = proc.wait(timeout=30)
        figures.sigterm = (code, time.monotonic() - began)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        figures.sigterm = (None, None)


def measure_refused_start(env: dict[str, str], give_up: float) -> tuple[int | None, float | None, int]:
    """Start with a refused token: exit code, seconds to exit, lines on stderr."""
    began = time.monotonic()
    proc = subprocess.Popen(
        run_command(), env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        _, err = proc.communicate(timeout=give_up)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
        return None, None, len(err.decode(errors="replace").splitlines())
    return proc.returncode, time.monotonic() - began, len(err.decode(errors="replace").splitlines())


# -- the whole session ----------------------------------------------------------------------------------


def run_session(standin: SlackStandin, database_url: str, log: Path, args: argparse.Namespace) -> Figures:
    figures = Figures()
    sm = standin.socket_mode
    began = time.monotonic()
    proc = start_app(app_env(database_url, standin, BOT_TOKEN, APP_TOKEN), log)
    try:
        sm.wait_for_connection(1, timeout=args.give_up)
        if acked_within(sm, "first", args.give_up) is None:
            raise SystemExit(f"the app never acked its first envelope; log: {log}")
        figures.start_s = time.monotonic() - began
        console.print(f"[dim]started in {figures.start_s:.1f}s; (a) refresh x{args.refresh_runs}[/]")
        measure_refresh(sm, figures, args.refresh_runs, args.give_up)
        console.print("[dim](b) TCP close without a close frame[/]")
        measure_drop(sm, proc.pid, figures, args.give_up)
        console.print("[dim](c) close frame[/]")
        figures.close_reconnect_s = reconnect_after(sm, lambda: sm.close_with_frame(1001), args.give_up)
        settle(sm, args.give_up)
        console.print("[dim](d) half-open link[/]")
        figures.half_open_reconnect_s = reconnect_after(sm, sm.go_half_open, args.give_up)
        settle(sm, args.give_up)
        console.print("[dim](e) SIGTERM[/]")
        measure_sigterm(proc, figures)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    for label, bot, app in (("bot", REVOKED_BOT, APP_TOKEN), ("app", BOT_TOKEN, REVOKED_APP)):
        console.print(f"[dim](f) revoked {label} token at start[/]")
        env = app_env(database_url, standin, bot, app)
        figures.revoked[label] = measure_refused_start(env, args.give_up)
    return figures


# -- the table ------------------------------------------------------------------------------------------


def secs(value: float | None, give_up: float) -> str:
    return f"none in {give_up:g} s" if value is None else f"{value:.2f} s"


def series(values: list[float | None], give_up: float) -> str:
    done = [v for v in values if v is not None]
    each = ", ".join(secs(v, give_up).removesuffix(" s") for v in values)
    if not done:
        return f"none in {give_up:g} s"
    return f"median {statistics.median(done):.2f} s, max {max(done):.2f} s ({each})"


def exit_text(code: int | None, seconds: float | None) -> str:
    if code is None:
        return "did not exit in 30 s (killed)"
    shown = f"{code} (signal {-code})" if code < 0 else str(code)
    return f"exit {shown} after {seconds:.2f} s"


def render(f: Figures, give_up: float) -> Table:
    ping = CLIENT.get("CLAIMBOT_SOCKET_MODE_PING_INTERVAL", "default")
    missed = CLIENT.get("CLAIMBOT_SOCKET_MODE_MISSED_PONGS", "default")
    table = Table(
        title=f"claimbot run (Socket Mode, ping interval {ping}, missed pongs {missed}) against the stand-in"
    )
    table.add_column("situation")
    table.add_column("measured")
    table.add_column("today")
    table.add_row("start", "spawn to first envelope acked", secs(f.start_s, give_up))
    table.add_row(
        "(a) refresh_requested", "refresh to ack of the next envelope", series(f.refresh_ack_s, give_up)
    )
    table.add_row("", "refresh to new link open", series(f.refresh_reconnect_s, give_up))
    table.add_row("(b) TCP close, no frame", "until a new link opens", secs(f.drop_reconnect_s, give_up))
    cpu = "-" if f.drop_cpu_s is None else f"{f.drop_cpu_s:.2f} s"
    if f.drop_cpu_s is not None and f.drop_reconnect_s:
        cpu += f" ({100 * f.drop_cpu_s / f.drop_reconnect_s:.0f}% of a core)"
    table.add_row("", "CPU seconds meanwhile", cpu)
    window = "-"
    if f.drop_window_cpu_s is not None:
        window = f"{f.drop_window_cpu_s:.2f} s ({100 * f.drop_window_cpu_s / DROP_WINDOW:.0f}% of a core)"
    table.add_row("", f"CPU seconds, {DROP_WINDOW:g} s from the close", window)
    idle = "-" if f.idle_cpu_per_s is None else f"{100 * f.idle_cpu_per_s:.1f}% of a core"
    table.add_row("", "idle, same process (5 s)", idle)
    table.add_row("(c) close frame 1001", "until a new link opens", secs(f.close_reconnect_s, give_up))
    table.add_row("(d) half-open link", "until a new link opens", secs(f.half_open_reconnect_s, give_up))
    table.add_row("(e) SIGTERM", "exit code, time to exit", exit_text(*f.sigterm))
    for label, (code, seconds, lines) in f.revoked.items():
        table.add_row(
            f"(f) revoked {label} token",
            "exit, time, stderr lines",
            f"{exit_text(code, seconds)}, {lines} lines",
        )
    return table


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--refresh-runs", type=int, default=5)
    parser.add_argument("--ping", type=float, default=None, help="CLAIMBOT_SOCKET_MODE_PING_INTERVAL")
    parser.add_argument("--missed-pongs", type=int, default=None, help="CLAIMBOT_SOCKET_MODE_MISSED_PONGS")
    parser.add_argument("--give-up", type=float, default=150.0, help="seconds to wait for any one thing")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if args.ping:
        CLIENT["CLAIMBOT_SOCKET_MODE_PING_INTERVAL"] = str(args.ping)
    if args.missed_pongs:
        CLIENT["CLAIMBOT_SOCKET_MODE_MISSED_PONGS"] = str(args.missed_pongs)
    standin = make_standin()
    with tempfile.TemporaryDirectory(prefix="claimbot-socket-bench-") as tmp:
        database_url = f"sqlite:///{Path(tmp) / 'claimbot.db'}"
        db.upgrade(database_url)
        log = Path(tmp) / "app.log"
        try:
            figures = run_session(standin, database_url, log, args)
        except BaseException:
            console.print(f"[red]app log (last 40 lines):[/]\n{tail(log)}")
            raise
        finally:
            standin.stop()
    console.print(render(figures, args.give_up))


def tail(log: Path, lines: int = 40) -> str:
    with suppress(OSError):
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    return ""


if __name__ == "__main__":
    main()
