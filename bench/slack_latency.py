"""Time from a delivered link event to the thread reply: the real app over HTTP, stand-in Slack, local page.

    python bench/slack_latency.py [--runs 20] [--page seed-russian-losses.html]

"cold": the article is new to the database (fetch, extraction, NLP, storage, reply), a fresh database
per run. "warm": the same link shared again in another message (the stored article is reused).
Prints a table of median, p95 and max in milliseconds.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bot.config import Settings
from bot.entry.demo import BOT, CHANNEL, SAMPLES, SECRET, TEAM, USER, serve_pages
from bot.entry.runtime import build_runtime
from bot.entry.web import serve_in_thread
from bot.services import Services, shared_pipeline
from bot.slack_standin import SlackSender, SlackStandin
from storage import db


def _settings(database_url: str, standin: SlackStandin) -> Settings:
    return Settings(
        _env_file=None,
        database_url=database_url,
        slack_api_url=standin.base_url,
        slack_bot_token=BOT["bot_token"],
        slack_signing_secret=SECRET,
        allow_private_urls=True,
    )


def _one_share(standin: SlackStandin, sender: SlackSender, url: str, n: int) -> float:
    event = sender.message_event(TEAM, CHANNEL, USER, f"read {url}", ts=f"{1772400000 + n}.000100")
    standin.add_message(event)
    started = time.perf_counter()
    sender.event(TEAM, event)
    standin.wait_for(
        "chat.postMessage", timeout=60, where=lambda c: c.ok and c.params.get("thread_ts") == event["ts"]
    )
    return (time.perf_counter() - started) * 1000


def measure(runs: int, page: str) -> dict[str, list[float]]:
    results: dict[str, list[float]] = {"cold": [], "warm": []}
    nlp = shared_pipeline(Settings(_env_file=None).spacy_model)
    with tempfile.TemporaryDirectory() as tmp, SlackStandin() as standin, serve_pages(SAMPLES) as pages:
        standin.add_workspace(TEAM, **BOT)
        standin.add_channel(TEAM, CHANNEL, name="news")
        template = Path(tmp) / "template.db"
        db.upgrade(f"sqlite:///{template}")
        url = pages + page
        n = 0
        for run in range(runs):
            path = Path(tmp) / f"run{run}.db"
            shutil.copy(template, path)
            settings = _settings(f"sqlite:///{path}", standin)
            runtime = build_runtime(
                settings, run_scheduler=False, services=Services.create(settings, nlp=nlp)
            )
            try:
                with serve_in_thread(runtime) as app_url, SlackSender(app_url, SECRET) as sender:
                    n += 1
                    results["cold"].append(_one_share(standin, sender, url, n))
                    n += 1
                    results["warm"].append(_one_share(standin, sender, url, n))
            finally:
                runtime.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--page", default="seed-russian-losses.html")
    args = parser.parse_args()
    results = measure(args.runs, args.page)
    table = Table(title=f"link event → thread reply, {args.page}, {args.runs} runs (ms)")
    for column in ("path", "median", "p95", "max"):
        table.add_column(column, justify="right")
    for path, values in results.items():
        ordered = sorted(values)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        table.add_row(path, f"{statistics.median(values):.0f}", f"{p95:.0f}", f"{max(values):.0f}")
    Console().print(table)


if __name__ == "__main__":
    main()
