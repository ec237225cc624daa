#!/usr/bin/env python3
"""A burst of shared links against the real `claimbot serve` (gunicorn), one row per backend.

    python bench/burst.py [--backend sqlite|postgresql|scale|all] [--links 20] [--gap 0.1] [--runs 1]
                          [--workers 2] [--celery-workers 1 2] [--keepalive] [--mirrors /work/.mirror]

``--links`` different real articles (the saved pages of bench/realpages.py whose extraction works, read
from the repository snapshots under ``--mirrors``) are served from 127.0.0.1. One signed Slack
``message`` event per link, ``--gap`` seconds apart, goes to the app running as ``claimbot serve`` (HTTP
mode: gunicorn, ``--workers`` processes, the embedded job queue) against the Slack stand-in started in
this process; five ``/claims`` slash commands are sent during the burst.

Per run (a fresh database and a freshly started server each):

- ack p99: HTTP response time of the event POSTs (what Slack's 3-second timeout sees);
- reply median / max: from sending an event until the stand-in records a successful
  ``chat.postMessage`` in that message's thread (a reply that never comes counts as 120 s);
- ``/claims`` during the burst: from sending the command until its answer reaches the ``response_url``;
- worker RSS: VmRSS of each gunicorn worker after the burst (scale mode: each Celery worker's pool
  processes, and its main process in parentheses; workers apart by ";");
- first request after start: the first signed request, sent as soon as the port accepts connections.

Each request goes on a new connection, as deliveries from Slack's many senders would, so the kernel
spreads them over the gunicorn workers; ``--keepalive`` reuses connections instead (then one worker
tends to get every event of the burst).

Backends: ``sqlite`` (a fresh file in a temp dir), ``postgresql`` (a fresh database on
postgresql://postgres@127.0.0.1:5432/, dropped afterwards) and ``scale`` (PostgreSQL, Redis broker on a
free database of redis://127.0.0.1:6379/, flushed afterwards, ``claimbot serve`` plus
``--celery-workers`` processes of ``celery -A bot.entry.celery_entry worker --concurrency C`` (the
Procfile's worker, C = ``--celery-concurrency``, 2 as in the Procfile), one row per count, and ``beat``).
``all`` runs the three. PostgreSQL and Redis must be running on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import math
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
import redis
from realpages import Page, load_pages, read_page
from rich.console import Console
from rich.table import Table

from bot.entry.demo import BOT, CHANNEL, SECRET, TEAM, USER, serve_pages
from bot.reading.article import ArticleError, extract_article
from bot.slack_standin import SlackSender, SlackStandin
from bot.slack_standin.process_env import claimbot_env
from storage import db

PG_BASE = "postgresql://postgres@127.0.0.1:5432"
REDIS_BASE = "redis://127.0.0.1:6379"
GIVE_UP = 120.0  # seconds: a reply later than this counts as this
COMMANDS = 5
WORDS = ("trump", "police", "impeachment", "china", "health")  # /claims searches sent during the burst
BIN = Path(sys.executable).parent
console = Console(width=None if sys.stdout.isatty() else 140)  # a whole row per line in a log


@dataclass
class Result:
    label: str
    first_ms: float = math.nan
    acks_ms: list[float] = field(default_factory=list)
    replies_s: list[float] = field(default_factory=list)
    replies_missing: int = 0
    commands_ms: list[float] = field(default_factory=list)
    commands_missing: int = 0
    rss: str = "?"


@dataclass
class Sent:
    """One request of the burst: when it left (wall clock, as the stand-in records calls) and its ack."""

    key: str  # the event's ts, or the command's response_url key
    at: float
    ack_ms: float
    status: int


@dataclass
class Stack:
    """What one run started, for the server's log on failure and the RSS reading."""

    app: subprocess.Popen[bytes]
    app_log: Path
    celery: list[subprocess.Popen[bytes]] = field(default_factory=list)
    celery_logs: list[Path] = field(default_factory=list)


# -- articles ------------------------------------------------------------------------------------------


def check_mirrors(mirrors: Path, pages: list[Page]) -> None:
    missing = sorted({p.repo for p in pages if not (mirrors / p.repo.replace("/", "+") / "repo").exists()})
    if missing:
        print(f"burst: no snapshot of {', '.join(missing)} under {mirrors} (see bench/realpages.py)")
        raise SystemExit(2)


def prepare_articles(mirrors: Path, count: int, folder: Path) -> list[str]:
    """Write ``count`` real pages whose extraction works to ``folder``; their file names."""
    pages = load_pages()
    check_mirrors(mirrors, pages)
    names: list[str] = []
    for page in pages:
        raw = read_page(page, mirrors)
        try:
            extract_article(raw, url=page.url)
        except ArticleError:
            continue
        (folder / f"{page.id}.html").write_bytes(raw)
        names.append(f"{page.id}.html")
        if len(names) == count:
            return names
    print(f"burst: only {len(names)} saved pages have an article; asked for {count}")
    raise SystemExit(2)


def burst_work(folder: Path, names: list[str]) -> tuple[int, float, float]:
    """The CPU the burst holds, so a table can be read on another machine: the articles' words, and the
    seconds their claim extraction and bare spaCy take here, one after the other on one core."""
    import spacy

    from bot.claims import extract_claims, load_pipeline
    from bot.config import Settings

    model = Settings().spacy_model
    articles = [extract_article((folder / name).read_bytes()) for name in names]
    nlp, bare = load_pipeline(model), spacy.load(model)
    started = time.perf_counter()
    for a in articles:
        extract_claims(nlp, a.text, title=a.title, author=a.author, genre=a.genre)
    extraction = time.perf_counter() - started
    started = time.perf_counter()
    for a in articles:
        bare(a.text)
    return sum(len(a.text.split()) for a in articles), extraction, time.perf_counter() - started


# -- databases and broker ------------------------------------------------------------------------------


def _pg_admin() -> psycopg.Connection:
    return psycopg.connect(f"{PG_BASE}/postgres", autocommit=True, connect_timeout=5)


@contextmanager
def sqlite_database(tmp: Path) -> Iterator[str]:
    path = tmp / f"burst-{secrets.token_hex(4)}.db"
    yield f"sqlite:///{path}"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


@contextmanager
def pg_database() -> Iterator[str]:
    name = f"claimbot_burst_{secrets.token_hex(4)}"
    with _pg_admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_BASE}/{name}"
    finally:
        with _pg_admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _redis_empty(number: int) -> bool:
    client = redis.Redis.from_url(f"{REDIS_BASE}/{number}")
    try:
        return client.dbsize() == 0
    finally:
        client.close()


def free_redis_number() -> int:
    """An empty Redis database no client is using: not 0 (the default) nor 15 (tests/app/test_modes.py)."""
    admin = redis.Redis.from_url(REDIS_BASE)
    try:
        busy = {int(c["db"]) for c in admin.client_list()}
        for number in range(14, 0, -1):
            if number not in busy and _redis_empty(number):
                return number
    finally:
        admin.close()
    raise RuntimeError("no unused Redis database on 127.0.0.1:6379")


@contextmanager
def redis_database() -> Iterator[str]:
    url = f"{REDIS_BASE}/{free_redis_number()}"
    try:
        yield url
    finally:
        client = redis.Redis.from_url(url)
        client.flushdb()
        client.close()


def check_services(backends: list[str]) -> None:
    try:
        if any(b != "sqlite" for b in backends):
            _pg_admin().close()
        if "scale" in backends:
            redis.Redis.from_url(REDIS_BASE).ping()
    except (psycopg.OperationalError, redis.RedisError) as exc:
        print(f"burst: PostgreSQL/Redis on 127.0.0.1 not reachable: {str(exc).splitlines()[0]}")
        raise SystemExit(2) from None


# -- processes -----------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_env(database_url: str, standin: SlackStandin, broker_url: str | None) -> dict[str, str]:
    """The environment `claimbot serve` and Celery read their Settings from (nothing inherited)."""
    env = claimbot_env(
        database_url,
        standin.base_url,
        SLACK_BOT_TOKEN=BOT["bot_token"],
        SLACK_SIGNING_SECRET=SECRET,
        CLAIMBOT_ALLOW_PRIVATE_URLS="true",  # the articles are served from 127.0.0.1
    )
    if broker_url:
        env["CLAIMBOT_BROKER_URL"] = broker_url
    return env


def start(args: list[str], env: dict[str, str], cwd: Path, log: Path) -> subprocess.Popen[bytes]:
    """In its own process group, so that stopping it stops its children (gunicorn workers, Celery pool)."""
    with log.open("ab") as out:
        return subprocess.Popen(
            args, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            proc.wait(15)
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)  # whatever of the group is left (a worker stuck in a job)
    proc.wait()


def serve_command(port: int, workers: int) -> list[str]:
    script = BIN / "claimbot"
    head = [str(script)] if script.exists() else [sys.executable, "-m", "bot.entry.cli"]
    return [*head, "serve", "--port", str(port), "--workers", str(workers)]


def celery_commands(concurrency: int, cwd: Path) -> tuple[list[str], list[str]]:
    celery = str(BIN / "celery")
    worker = [
        celery, "-A", "bot.entry.celery_entry", "worker", "--loglevel", "INFO",
        "--concurrency", str(concurrency),
        "-n", f"burst-{secrets.token_hex(3)}@%h",
    ]  # fmt: skip
    beat = [
        celery, "-A", "bot.entry.celery_entry", "beat", "--loglevel", "INFO",
        "--schedule", str(cwd / "beat-schedule"), "--pidfile", str(cwd / "beat.pid"),
    ]  # fmt: skip
    return worker, beat


def wait_for_log(log: Path, needle: str, proc: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while needle not in log.read_text(errors="replace"):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{proc.args[:4]} did not log {needle!r}:\n{tail(log)}")
        time.sleep(0.2)


def tail(log: Path, lines: int = 30) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return math.nan


def rss_text(stack: Stack) -> str:
    if not stack.celery:
        return ", ".join(f"{rss_mb(pid):.0f}" for pid in children(stack.app.pid))
    return "; ".join(
        f"{', '.join(f'{rss_mb(pid):.0f}' for pid in children(w.pid))} ({rss_mb(w.pid):.0f})"
        for w in stack.celery
    )


# -- talking to the app --------------------------------------------------------------------------------


def wait_for_port(port: int, proc: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"`claimbot serve` never listened on {port}:\n{tail(log)}") from None
            time.sleep(0.01)


def first_request_ms(sender: SlackSender) -> float:
    started = time.perf_counter()
    response = sender.url_verification("first")
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"first request answered {response.status_code}: {response.text[:200]}")
    return elapsed


def wait_until_answering(sender: SlackSender, timeout: float = 60) -> None:
    """Five url_verifications in a row answered promptly: the workers are up."""
    deadline, streak = time.monotonic() + timeout, 0
    while streak < 5:
        if time.monotonic() > deadline:
            raise RuntimeError("the app never answered promptly")
        started = time.perf_counter()
        ok = sender.url_verification("ready").status_code == 200
        streak = streak + 1 if ok and time.perf_counter() - started < 0.5 else 0
        time.sleep(0.05)


def send_link(standin: SlackStandin, sender: SlackSender, url: str, ts: str) -> Sent:
    event = sender.message_event(TEAM, CHANNEL, USER, f"worth a read {url}", ts=ts)
    standin.add_message(event)
    at, started = time.time(), time.perf_counter()
    status = sender.event(TEAM, event).status_code
    return Sent(ts, at, (time.perf_counter() - started) * 1000, status)


def send_command(standin: SlackStandin, sender: SlackSender, text: str) -> Sent:
    key = f"burst-{secrets.token_hex(6)}"
    url = standin.response_url(key, channel=CHANNEL)
    at, started = time.time(), time.perf_counter()
    status = sender.command(TEAM, CHANNEL, USER, "/claims", text, response_url=url).status_code
    return Sent(key, at, (time.perf_counter() - started) * 1000, status)


def command_slots(links: int) -> list[int]:
    """After which link each /claims goes: evenly over the burst (4, 8, 12, 16, 20 for 20 links)."""
    return [max(1, round(links * (k + 1) / COMMANDS)) for k in range(COMMANDS)]


def burst(
    standin: SlackStandin, sender: SlackSender, urls: list[str], gap: float
) -> tuple[list[Sent], list[Sent]]:
    """Every request leaves on its own schedule (a slow ack does not delay the next link)."""
    base = int(time.time())
    slots = command_slots(len(urls))
    started = time.monotonic() + 0.2

    def at(offset: float) -> None:
        time.sleep(max(0.0, started + offset - time.monotonic()))

    def link(n: int) -> Sent:
        at(n * gap)
        return send_link(standin, sender, urls[n], f"{base + n}.{n:06d}")

    def command(k: int) -> Sent:
        at((slots[k] - 1) * gap + gap / 2)
        return send_command(standin, sender, WORDS[k % len(WORDS)])

    with ThreadPoolExecutor(max_workers=len(urls) + COMMANDS) as pool:
        links = [pool.submit(link, n) for n in range(len(urls))]
        commands = [pool.submit(command, k) for k in range(COMMANDS)]
        return [f.result() for f in links], [f.result() for f in commands]


def answers(standin: SlackStandin) -> tuple[dict[str, float], dict[str, float]]:
    """First successful thread reply per thread ts, first response_url POST per key (wall clock)."""
    replies: dict[str, float] = {}
    responses: dict[str, float] = {}
    for call in standin.calls:
        if call.method == "chat.postMessage" and call.ok and call.params.get("thread_ts"):
            replies.setdefault(str(call.params["thread_ts"]), call.at)
        elif call.method.startswith("response_url:"):
            responses.setdefault(call.method.removeprefix("response_url:"), call.at)
    return replies, responses


def collect(standin: SlackStandin, links: list[Sent], commands: list[Sent], result: Result) -> None:
    deadline = max(s.at for s in links + commands) + GIVE_UP
    while True:
        replies, responses = answers(standin)
        done = all(s.key in replies for s in links) and all(s.key in responses for s in commands)
        if done or time.time() > deadline:
            break
        time.sleep(0.1)
    for s in links:
        got = replies.get(s.key)
        result.replies_s.append(min(GIVE_UP, got - s.at) if got else GIVE_UP)
        result.replies_missing += got is None
    for s in commands:
        got = responses.get(s.key)
        result.commands_ms.append(min(GIVE_UP, got - s.at) * 1000 if got else GIVE_UP * 1000)
        result.commands_missing += got is None
    result.acks_ms = [s.ack_ms for s in links]


# -- one run -------------------------------------------------------------------------------------------


def start_stack(
    exits: ExitStack, env: dict[str, str], tmp: Path, port: int, workers: int, celery: tuple[int, int] | None
) -> Stack:
    """``celery``: (worker processes, --concurrency of each), or None for the embedded queue."""
    procs: list[subprocess.Popen[bytes]] = []
    logs: list[Path] = []
    if celery is not None:
        count, concurrency = celery
        for i in range(count):
            worker_cmd, beat_cmd = celery_commands(concurrency, tmp)
            log = tmp / f"celery-worker-{i + 1}.log"
            procs.append(start(worker_cmd, env, tmp, log))
            logs.append(log)
            exits.callback(stop, procs[-1])
        exits.callback(stop, start(beat_cmd, env, tmp, tmp / "celery-beat.log"))
        for proc, log in zip(procs, logs, strict=True):
            wait_for_log(log, " ready.", proc)
    app_log = tmp / "serve.log"
    app = start(serve_command(port, workers), env, tmp, app_log)
    exits.callback(stop, app)
    return Stack(app, app_log, procs, logs)


def run_once(
    label: str, database_url: str, broker_url: str | None, celery: tuple[int, int] | None,
    standin: SlackStandin, urls: list[str], args: argparse.Namespace,
) -> Result:  # fmt: skip
    result = Result(label + (f", {args.stored_claims:,} claims stored" if args.stored_claims else ""))
    db.upgrade(database_url)
    if args.stored_claims:
        preload(database_url, args.stored_claims)
    port = free_port()
    env = app_env(database_url, standin, broker_url)
    with tempfile.TemporaryDirectory(prefix="claimbot-burst-") as tmp_name, ExitStack() as exits:
        tmp = Path(tmp_name)
        stack = start_stack(exits, env, tmp, port, args.workers, celery)
        limits = httpx.Limits(max_keepalive_connections=None if args.keepalive else 0)
        client = exits.enter_context(httpx.Client(timeout=GIVE_UP + 10, limits=limits))
        sender = SlackSender(f"http://127.0.0.1:{port}/slack/events", SECRET, client=client)
        wait_for_port(port, stack.app, stack.app_log)
        result.first_ms = first_request_ms(sender)
        wait_until_answering(sender)
        standin.reset_calls()
        links, commands = burst(standin, sender, urls, args.gap)
        collect(standin, links, commands, result)
        result.rss = rss_text(stack)
        report_trouble(label, links, commands, result, stack)
        if args.logs is not None:  # the app's own log lines (and Celery's), kept for reading afterwards
            args.logs.mkdir(parents=True, exist_ok=True)
            stem = label.replace(" ", "_").replace(",", "").replace("#", "").replace("×", "x")
            for log in (stack.app_log, *stack.celery_logs):
                shutil.copy(log, args.logs / f"{stem}-{log.name}")
            write_timeline(args.logs / f"{stem}-timeline.tsv", standin, links, commands)
    return result


def write_timeline(path: Path, standin: SlackStandin, links: list[Sent], commands: list[Sent]) -> None:
    """One line per request, in the order sent, with wall-clock times to find it in the server's log."""
    replies, responses = answers(standin)
    rows = [("link", s, replies.get(s.key)) for s in links] + [
        ("/claims", s, responses.get(s.key)) for s in commands
    ]
    lines = ["kind\tsent\tack_ms\tanswered_after_ms\tkey"]
    for kind, s, got in sorted(rows, key=lambda row: row[1].at):
        sent = time.strftime("%H:%M:%S", time.localtime(s.at)) + f".{int(s.at % 1 * 1000):03d}"
        after = f"{(got - s.at) * 1000:.0f}" if got else "never"
        lines.append(f"{kind}\t{sent}\t{s.ack_ms:.0f}\t{after}\t{s.key}")
    path.write_text("\n".join(lines) + "\n")


def report_trouble(label: str, links: list[Sent], commands: list[Sent], result: Result, stack: Stack) -> None:
    refused = [s for s in links + commands if s.status != 200]
    if refused:
        console.print(f"[yellow]{label}: {len(refused)} request(s) not answered 200[/yellow]")
    if result.replies_missing or result.commands_missing:
        console.print(
            f"[red]{label}: {result.replies_missing} of {len(links)} replies and "
            f"{result.commands_missing} of {len(commands)} /claims answers never came[/red]"
        )
        for log in (stack.app_log, *stack.celery_logs):
            console.print(f"last lines of {log.name}:", style="dim")
            console.print(tail(log), markup=False, highlight=False)


def runs_for(
    backend: str, tmp: Path, standin: SlackStandin, urls: list[str], args: argparse.Namespace
) -> Iterator[Result]:
    for run in range(args.runs):
        suffix = f" #{run + 1}" if args.runs > 1 else ""
        if backend == "sqlite":
            with sqlite_database(tmp) as url:
                yield run_once(f"sqlite{suffix}", url, None, None, standin, urls, args)
        elif backend == "postgresql":
            with pg_database() as url:
                yield run_once(f"postgresql{suffix}", url, None, None, standin, urls, args)
        else:
            for n in args.celery_workers:
                with pg_database() as url, redis_database() as broker:
                    c = args.celery_concurrency
                    label = f"scale, {n} worker{'s' if n > 1 else ''} × {c}{suffix}"
                    yield run_once(label, url, broker, (n, c), standin, urls, args)


def preload(url: str, n_claims: int) -> None:
    """A database that already holds `n_claims` claims before the burst: bench/search.py's corpus, with
    bench/figures.py's figure rows (a fifth of the claims) and 32 anchors per article, so the look-ups a
    share makes (earlier figures, candidate copies) read tables of that size through their indexes."""
    import importlib.util
    import random

    import sqlalchemy as sa

    from bot.reading.copies import ANCHORS
    from storage.models import ArticleAnchor

    spec = importlib.util.spec_from_file_location(
        "claimbot_bench_figures", Path(__file__).parent / "figures.py"
    )
    assert spec and spec.loader
    figures = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(figures)
    started = time.perf_counter()
    figures.SEARCH.build(url, n_claims)
    figures.add_figures(url, n_claims, 0.2, 2000)
    rng = random.Random(5)
    n_articles = max(1, n_claims // figures.CLAIMS_PER_ARTICLE)
    engine = db.make_engine(url)
    for start in range(1, n_articles + 1, 10_000):
        rows = [
            {"article_id": a, "hash": rng.getrandbits(63)}
            for a in range(start, min(n_articles, start + 9_999) + 1)
            for _ in range(ANCHORS)
        ]
        with engine.begin() as conn:
            conn.execute(sa.insert(ArticleAnchor), rows)
    if engine.dialect.name == "postgresql":  # explicit ids above: move the sequences past them
        with engine.begin() as conn:
            for table in (
                "source",
                "article",
                "share",
                "claim",
                "search_entry",
                "claim_figure",
                "article_anchor",
            ):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"
                )
            conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    print(f"  preloaded {n_claims:,} claims in {time.perf_counter() - started:.0f} s", file=sys.stderr)


# -- output --------------------------------------------------------------------------------------------


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]


def render(results: list[Result], args: argparse.Namespace) -> Table:
    table = Table(
        title=f"burst: {args.links} links {args.gap:g} s apart, {COMMANDS} /claims, "
        f"claimbot serve --workers {args.workers}"
    )
    table.add_column("backend", no_wrap=True)
    for column in (
        "ack p99 (ms)",
        "reply median (s)",
        "reply max (s)",
        "/claims during burst median / max (ms)",
        "worker RSS (MB)",
        "first request after start (ms)",
    ):
        table.add_column(column, justify="right")
    for r in results:
        missing = f" ({r.replies_missing} never)" if r.replies_missing else ""
        table.add_row(
            r.label,
            f"{p99(r.acks_ms):.0f}",
            f"{statistics.median(r.replies_s):.1f}",
            f"{max(r.replies_s):.1f}{missing}",
            f"{statistics.median(r.commands_ms):.0f} / {max(r.commands_ms):.0f}",
            r.rss,
            f"{r.first_ms:.0f}",
        )
    return table


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "scale", "all"], default="all")
    parser.add_argument("--links", type=int, default=20)
    parser.add_argument("--gap", type=float, default=0.1, help="seconds between two links")
    parser.add_argument("--runs", type=int, default=1, help="each run is its own row")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument(
        "--celery-workers",
        type=int,
        nargs="+",
        default=[1, 2],
        help="scale mode: one row per number of `celery worker` processes",
    )
    parser.add_argument(
        "--celery-concurrency", type=int, default=2, help="each worker's --concurrency (the Procfile's: 2)"
    )
    parser.add_argument("--keepalive", action="store_true", help="reuse connections to the app")
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument(
        "--logs",
        type=Path,
        default=None,
        help="copy each run's server logs here, with a timeline of its requests",
    )
    parser.add_argument(
        "--stored-claims",
        type=int,
        default=0,
        help="claims already stored before each burst (e.g. 1000000; see `preload`)",
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    backends = ["sqlite", "postgresql", "scale"] if args.backend == "all" else [args.backend]
    check_services(backends)
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="claimbot-burst-") as tmp_name:
        tmp = Path(tmp_name)
        articles = tmp / "articles"
        articles.mkdir()
        names = prepare_articles(args.mirrors, args.links, articles)
        words, extraction, bare = burst_work(articles, names)
        with SlackStandin() as standin, serve_pages(articles) as pages:
            standin.add_workspace(TEAM, **BOT)
            standin.add_user(TEAM, USER, name="alice")
            standin.add_channel(TEAM, CHANNEL, name="news")
            urls = [pages + name for name in names]
            for backend in backends:
                for result in runs_for(backend, tmp, standin, urls, args):
                    results.append(result)
                    console.print(f"done: {result.label}", style="dim")
    console.print(render(results, args))
    cores = os.cpu_count() or 1
    console.print(
        f"the burst's {len(names)} articles: {words:,} words; their claim extraction takes "
        f"{extraction:.1f} s on one core of this machine (bare spaCy {bare:.1f} s), so with "
        f"{cores} cores the median reply cannot come before about {extraction / 2 / cores:.1f} s"
    )


if __name__ == "__main__":
    main()
