"""`claimbot demo`: the real app, end to end, on this machine, with no Slack account.

Bundled sample articles are served from 127.0.0.1, the Bolt app runs in HTTP mode against the local
Slack stand-in, and signed events and commands are delivered to it exactly as Slack sends them. What the
app posts back is printed as a transcript: thread summaries, a `/claims mariupol` search, a source's card,
a chart and an export posted in the channel, a digest.
"""

from __future__ import annotations

import csv
import io
import re
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.rule import Rule

from bot.config import Settings
from bot.entry.runtime import Runtime, build_runtime
from bot.entry.web import serve_in_thread
from bot.jobs.digest import scheduled_instant, zone
from bot.jobs.queue import InProcessQueue
from bot.jobs.scheduler import DigestScheduler, slack_poster
from bot.slack_standin import SlackSender, SlackStandin, UploadedFile
from storage import db

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
SAMPLE_PAGES = [
    "seed-russian-losses.html",
    "kyiv-general-staff-losses.html",  # a Reuters story: Ukraine's figure of Russian losses (1 Mar)
    "moscow-first-casualty-figures.html",  # Moscow's own, far lower figure (2 Mar): "Differs from ..."
    "northern-post-wire-losses.html",  # the same Reuters story, republished: "Same story as ..."
    "council-flood-defences.html",
    "northvale-layoffs.html",
]
TEAM, CHANNEL, USER, SECRET = "T0DEMO", "C0NEWS", "U0ALICE", "demo-signing-secret"
BOT = {
    "team_name": "Demo Newsroom",
    "bot_token": "xoxb-demo",
    "bot_user_id": "U0CLAIMBOT",
    "bot_id": "B0CLAIMBOT",
}


class _QuietPages(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return None


@contextmanager
def serve_pages(directory: Path) -> Iterator[str]:
    """The sample news pages, over real HTTP on 127.0.0.1."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietPages, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


def mrkdwn_to_text(text: str) -> str:
    """Slack mrkdwn as a terminal shows it: links as 'label (url)', no markup characters."""
    text = re.sub(r"<(https?://[^|>]+)\|([^>]+)>", r"\2 (\1)", text)
    text = text.replace(f"<#{CHANNEL}>", "#news")
    text = re.sub(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])", r"\1", text)
    text = re.sub(r"(?<![\w_])_([^_\n]+)_(?![\w_])", r"\1", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def blocks_to_text(blocks: list[dict[str, Any]]) -> str:
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind in ("section", "header"):
            lines.append(mrkdwn_to_text(block["text"]["text"]))
        elif kind == "context":
            lines.append("  " + " · ".join(mrkdwn_to_text(e.get("text", "")) for e in block["elements"]))
        elif kind == "divider":
            lines.append("─" * 40)
        elif kind == "actions":
            lines.append("  [" + "] [".join(e["text"]["text"] for e in block["elements"]) + "]")
    return "\n".join(lines)


def _indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line for line in text.splitlines())


def run_demo(out: Console) -> None:
    with tempfile.TemporaryDirectory(prefix="claimbot-demo-") as tmp:
        database_url = f"sqlite:///{Path(tmp) / 'demo.db'}"
        db.upgrade(database_url)
        with SlackStandin() as standin, serve_pages(SAMPLES) as pages:
            standin.add_workspace(TEAM, **BOT)
            standin.add_user(TEAM, USER, name="alice", tz="Europe/Paris")
            standin.add_channel(TEAM, CHANNEL, name="news")
            settings = Settings(
                _env_file=None,
                database_url=database_url,
                slack_api_url=standin.base_url,
                slack_bot_token=BOT["bot_token"],
                slack_signing_secret=SECRET,
                allow_private_urls=True,  # the sample pages are served from 127.0.0.1
            )
            runtime = build_runtime(settings, run_scheduler=False)
            try:
                with serve_in_thread(runtime) as app_url, SlackSender(app_url, SECRET) as sender:
                    _transcript(out, runtime, standin, sender, pages)
            finally:
                runtime.close()


def _transcript(
    out: Console, runtime: Runtime, standin: SlackStandin, sender: SlackSender, pages: str
) -> None:
    out.print(Rule("claimbot demo: the real app, a local Slack stand-in, sample news pages"))
    out.print("Loading the English pipeline…", style="dim")
    _ = runtime.services.nlp
    latencies = []
    for n, page in enumerate(SAMPLE_PAGES, start=1):
        url = pages + page
        event = sender.message_event(
            TEAM, CHANNEL, USER, f"Worth a read: {url}", ts=f"{1772400000 + n}.000100"
        )
        standin.add_message(event)
        out.print(f"\n[bold]#news[/bold]  alice: Worth a read: {url}", highlight=False)
        started = time.perf_counter()
        sender.event(TEAM, event)
        call = standin.wait_for(
            "chat.postMessage",
            count=n,
            timeout=120,
            where=lambda c: c.ok and c.params.get("thread_ts") is not None,
        )[-1]
        latencies.append(time.perf_counter() - started)
        out.print("  ↳ [bold]claimbot[/bold] (in the thread):", highlight=False)
        out.print(_indent(blocks_to_text(call.params["blocks"])), markup=False, highlight=False)
    queue = runtime.deps.queue
    if isinstance(queue, InProcessQueue):
        queue.join(60)

    out.print(Rule("/claims mariupol"))
    out.print(_indent(_command(standin, sender, "mariupol")), markup=False, highlight=False)

    out.print(Rule("/claims who Konashenkov"))
    out.print(_indent(_command(standin, sender, "who Konashenkov")), markup=False, highlight=False)

    for command, keep in (("chart servicemen killed", "claimbot-demo-chart.png"), ("export since:1d", None)):
        out.print(Rule(f"/claims {command}"))
        out.print(_indent(_command(standin, sender, command)), markup=False, highlight=False)
        posted = standin.files(CHANNEL)
        if posted:
            out.print(_indent(_posted_file(posted[-1], keep)), markup=False, highlight=False)

    out.print(Rule("/claims digest on 09:00, then the next morning"))
    out.print(_indent(_command(standin, sender, "digest on 09:00")), markup=False, highlight=False)
    tz = zone("Europe/Paris")
    now = datetime.now(UTC)
    day = now.astimezone(tz).date()
    due = scheduled_instant(day, 9, 0, tz)
    if due <= now:
        due = scheduled_instant(day + timedelta(days=1), 9, 0, tz)
    scheduler = DigestScheduler(
        runtime.services,
        slack_poster(runtime.deps.clients),
        interval=3600,
        clock=lambda: due + timedelta(minutes=1),
    )
    scheduler.tick()
    digests = [
        c
        for c in standin.calls_to("chat.postMessage")
        if c.ok and (c.params.get("metadata") or {}).get("event_type") == "claimbot_digest"
    ]
    if digests:
        out.print(f"[bold]#news[/bold]  claimbot, {due.astimezone(tz):%Y-%m-%d %H:%M %Z}:", highlight=False)
        out.print(_indent(blocks_to_text(digests[-1].params["blocks"])), markup=False, highlight=False)
        digest_ts = digests[-1].response.get("ts")
        for attached in (f for f in standin.files(CHANNEL) if f.thread_ts and f.thread_ts == digest_ts):
            shown = _posted_file(attached, "claimbot-demo-tracked.png")
            out.print(_indent(shown), markup=False, highlight=False)
    else:
        out.print("(no digest was due)")

    methods = sorted({c.method for c in standin.calls if not c.method.startswith("response_url:")})
    out.print(Rule("what happened"))
    out.print(
        f"link event → thread reply: median {statistics.median(latencies) * 1000:.0f} ms "
        f"(max {max(latencies) * 1000:.0f} ms) over {len(latencies)} articles"
    )
    out.print("Slack Web API methods called: " + ", ".join(methods), highlight=False)
    out.print("Slash-command replies went to the command's response_url, as Slack's own do.", highlight=False)


def _posted_file(posted: UploadedFile, keep: str | None) -> str:
    """What a file posted in #news looks like here: its comment, and the CSV's first rows or where the
    image was saved (a terminal shows no PNG)."""
    lines = [f"#news  claimbot posted {posted.filename} ({posted.size:,} bytes): {posted.initial_comment}"]
    if keep is not None:
        path = Path(tempfile.gettempdir()) / keep
        path.write_bytes(posted.content)
        lines.append(f"  saved to {path}")
    else:
        rows = list(csv.DictReader(io.StringIO(posted.content.decode("utf-8"))))
        for r in rows[:3]:
            lines.append(f"  {r['source']} | {r['cue']} | {r['content'][:60]} | {r['article_url']}")
        lines.append(f"  … {len(rows)} rows, {len(rows[0]) if rows else 0} columns")
    return "\n".join(lines)


def _command(standin: SlackStandin, sender: SlackSender, text: str) -> str:
    key = f"demo-{time.monotonic_ns()}"
    sender.command(
        TEAM, CHANNEL, USER, "/claims", text, response_url=standin.response_url(key, channel=CHANNEL)
    )
    reply = standin.wait_for(f"response_url:{key}", timeout=30)[0].params
    shown = blocks_to_text(reply["blocks"]) if reply.get("blocks") else mrkdwn_to_text(reply.get("text", ""))
    return f"(only visible to you)\n{shown}"
