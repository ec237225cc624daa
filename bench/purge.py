"""Purging a large workspace while the app keeps serving others: memory, step lengths, and how long a
/claims search and a share wait meanwhile, one row per backend.

    .venv/bin/python bench/purge.py                              # 100k claims, SQLite and PostgreSQL
    .venv/bin/python bench/purge.py --backend sqlite --claims 20000
    .venv/bin/python bench/purge.py --baseline 20                # a longer quiet period to compare with

It checks the retention issue's requirement: "purging 100,000 claims takes bounded memory and does not
block shares or /claims for more than 100 ms at a time".

Each backend gets a fresh database (an SQLite file in a temp dir; a `claimbot_purge_*` PostgreSQL
database on --pg-url, dropped afterwards) holding two workspaces: TGONE, the one purged, with --claims
claims in articles of about 50 claims each (a quarter of them shared twice), their shares and search
entries, digests, channel settings, event ids and its installation; and TKEEP, with a quarter as many
articles of its own, a tenth of TGONE's articles shared in it too (they must stay), and a few short
articles. Then, each in its own process (no GIL shared with the purge, as when the app and the purge
run in different processes):

- /claims: `bot.features.search.search_page` for TKEEP (`Services.reading()` + `storage.search.search`),
  back to back, over a few queries (common word, phrase, rare word, absent word, source:);
- share: `record_share` + `complete_share` of one of TKEEP's short articles (5 claims, so the probe's
  own index entries barely grow the index) in `services.transaction()`, under workspace TPROBE, every
  SHARE_GAP seconds.

Both run --baseline seconds alone (the baseline), then while `bot.jobs.retention.purge(services,
Scope("TGONE"), forget_installation=True)` (what the retention clock does for an uninstalled workspace,
default pause between steps) runs in a third process. A latency counts as during the purge when its
request overlaps the purge. The purging process's peak memory is its VmHWM (peak RSS of the process
image; reset with /proc/self/clear_refs just before the purge, so "growth" is what the purge added).
ru_maxrss is not used: Linux carries it over from the parent through fork and exec. A step's length
is how long it held the lock a share waits for, from taking it (SQLite: BEGIN IMMEDIATE returned;
PostgreSQL: the search-index advisory lock granted) to its COMMIT, timed in the purging process (its
`purge_step` is wrapped to learn what each step removed). Under the table: the slowest steps, /claims
by query, the slowest requests with the steps they overlapped, and how many shares waited through more
than one step (slept through the pause between two).

At the end TKEEP's rows (count and id sum per table) must be as before, nothing of TGONE may be left,
and the purge must have removed what its dry run said it would; otherwise the bench exits with 1.
On a 2-core machine the three processes and the database server share the cores: compare with the
baseline, measured under the same load minus the purge.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import itertools
import math
import multiprocessing as mp
import os
import queue
import random
import secrets
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa
from rich.console import Console
from rich.table import Table
from search import (  # bench/search.py: the vocabulary and rows of its synthetic corpus
    article_row,
    source_rows,
    vocabulary,
)
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.features.search import search_page
from bot.jobs import retention as jobs
from bot.services import Services, with_db_retry
from storage import db, repository, retention
from storage.models import (
    Article,
    ChannelSettings,
    Claim,
    Digest,
    SearchEntry,
    Share,
    SlackEvent,
    Source,
    Workspace,
)
from storage.retention import TABLES, Scope
from storage.slack_tables import bots, installations

GONE, KEEP, PROBE = "TGONE", "TKEEP", "TPROBE"
GONE_CHANNELS = [f"CG{i}" for i in range(7)]  # the first of each is private
KEEP_CHANNELS = [f"CK{i}" for i in range(5)]
VIEWER_CHANNEL = "CK1"
CLAIMS_PER_ARTICLE = 50  # on average: 25 to 75
PROBE_ARTICLES, PROBE_CLAIMS = 20, 5
SOURCES = 5000
DAYS = 365
QUERIES = ("killed", '"killed in action"', "zeppelin", "xylophonist", "source:konashenkov killed", "border")
SHARE_GAP = 0.02  # seconds between two probe shares
LIMIT_MS = 100.0  # the requirement
SHOW_SLOW = 3  # slowest probe requests printed with the purge steps they overlapped
PG_URL = "postgresql://postgres@127.0.0.1:5432"
console = Console(width=None if sys.stdout.isatty() else 160)


# -- the corpus ------------------------------------------------------------------------------------------


@dataclass
class Corpus:
    probe_articles: list[int]
    gone_claims: int  # claims of the articles TGONE shares (those TKEEP shares too included)
    installed: int  # TGONE's rows in slack_sdk's installation tables


def build(url: str, n_claims: int, seed: int = 11) -> Corpus:
    """Fill a migrated database with both workspaces (see the module docstring), in bulk."""
    rng = random.Random(seed)
    vocab = vocabulary(rng)
    cum = list(itertools.accumulate(1 / (i + 1) for i in range(len(vocab))))  # Zipf-like

    def words(k: int) -> list[str]:
        return rng.choices(vocab, cum_weights=cum, k=k)

    n_gone = max(1, round(n_claims / CLAIMS_PER_ARTICLE))
    n_kept = max(1, n_gone // 4)
    owners = ["gone"] * n_gone + ["kept"] * n_kept
    rng.shuffle(owners)
    owners = ["probe"] * PROBE_ARTICLES + owners
    both = set(rng.sample([i for i, o in enumerate(owners) if o == "gone"], n_gone // 10))
    # Every share is older than the probe's: complete_share moves entries shared later than the share it
    # completes behind the new ones (storage.repository._index), which no real share ever finds.
    end = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=4)  # shares: at most +72 h
    start = end - dt.timedelta(days=DAYS)

    engine = db.make_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.insert(Source), source_rows(SOURCES, lambda: words(1)[0]))

    shares: list[dict[str, Any]] = []
    claim_id = gone_claims = 0
    probe_articles: list[int] = []

    def share(team: str, channel: str, article_id: int, at: dt.datetime) -> None:
        shares.append(
            {
                "team": team,
                "channel": channel,
                "channel_name": channel.lower(),
                "channel_private": channel in (GONE_CHANNELS[0], KEEP_CHANNELS[0]),
                "message_ts": f"{at.timestamp():.6f}",
                "thread_ts": f"{at.timestamp():.6f}",
                "url": f"https://n.example/{article_id}",
                "article_id": article_id,
                "status": "done",
                "reply_status": "posted",
                "created_at": at,
            }
        )

    batch = 200
    for first in range(0, len(owners), batch):
        articles, claims = [], []
        for index in range(first, min(len(owners), first + batch)):
            owner, article_id = owners[index], index + 1
            when = start + (end - start) * index / len(owners)
            articles.append(article_row(article_id, " ".join(words(8)), when))
            count = PROBE_CLAIMS if owner == "probe" else rng.randint(25, 75)
            for rank in range(1, count + 1):
                claim_id += 1
                text = words(14)
                for word, p in (("killed", 0.10), ("killed in action", 0.01), ("border", 0.01)):
                    if rng.random() < p:
                        text.insert(rng.randrange(len(text)), word)
                if claim_id % 20_000 == 7:  # a handful, whatever the size
                    text.insert(rng.randrange(len(text)), "zeppelin")
                draw = rng.random()
                top = SOURCES if owner == "gone" else SOURCES // 2  # TGONE alone names the upper half
                source = None if draw < 0.15 else 1 if draw < 0.155 else rng.randint(2, top)
                claims.append(
                    {
                        "id": claim_id,
                        "article_id": article_id,
                        "source_id": source,
                        "source_mention": None if source else "officials",
                        "content": " ".join(text),
                        "kind": "indirect",
                        "start": 0,
                        "end": 1,
                        "sentence": "s",
                        "quantities": [],
                        "entities": [],
                        "salience": 1 / rank,
                        "rank": rank,
                    }
                )
            minutes = dt.timedelta(minutes=rng.randint(1, 60))
            if owner == "gone":
                gone_claims += count
                channels = rng.sample(GONE_CHANNELS, 2)
                share(GONE, channels[0], article_id, when + minutes)
                if rng.random() < 0.25:
                    share(GONE, channels[1], article_id, when + dt.timedelta(hours=rng.randint(1, 48)))
                if index in both:
                    share(
                        KEEP,
                        rng.choice(KEEP_CHANNELS),
                        article_id,
                        when + dt.timedelta(hours=rng.randint(1, 72)),
                    )
            else:
                share(KEEP, rng.choice(KEEP_CHANNELS), article_id, when + minutes)
                if owner == "kept" and rng.random() < 0.10:
                    share(
                        KEEP,
                        rng.choice(KEEP_CHANNELS),
                        article_id,
                        when + dt.timedelta(hours=rng.randint(1, 48)),
                    )
                if owner == "probe":
                    probe_articles.append(article_id)
        with engine.begin() as conn:
            conn.execute(sa.insert(Article), articles)
            conn.execute(sa.insert(Claim), claims)
        progress(f"{claim_id:>9,} claims")

    # Shares in time order, so that search entries (inserted by share) keep id order == share-time order.
    shares.sort(key=lambda s: s["created_at"])
    for share_id, row in enumerate(shares, start=1):
        row["id"] = share_id
    columns = ["claim_id", "article_id", "share_id", "source_id", "team", "channel", "private", "shared_at"]
    with engine.begin() as conn:
        conn.execute(sa.insert(Share), shares)
    for first in range(1, len(shares) + 1, 100):
        with engine.begin() as conn:
            conn.execute(
                sa.insert(SearchEntry).from_select(
                    columns,
                    sa.select(
                        Claim.id,
                        Claim.article_id,
                        Share.id,
                        Claim.source_id,
                        Share.team,
                        Share.channel,
                        Share.channel_private,
                        Share.created_at,
                    )
                    .join(Share, Share.article_id == Claim.article_id)
                    .where(Share.id.between(first, first + 99))
                    .order_by(Share.id, Claim.rank.desc()),
                )
            )
        progress(f"{min(len(shares), first + 99):>9,} shares indexed")

    with engine.begin() as conn:
        add_workspace_rows(conn, GONE, GONE_CHANNELS, events=3000, end=end)
        add_workspace_rows(conn, KEEP, KEEP_CHANNELS, events=1000, end=end)
        conn.execute(
            sa.insert(Workspace), [{"team": GONE, "uninstalled_at": end, "reason": "app_uninstalled"}]
        )
        if conn.dialect.name == "postgresql":  # explicit ids above: move the sequences past them
            for table in ("source", "article", "claim", "share"):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"
                )
    settle(engine)
    engine.dispose()
    return Corpus(probe_articles=probe_articles, gone_claims=gone_claims, installed=2)


def progress(text: str) -> None:
    """Where the build is, on one line of a terminal (nothing in a log)."""
    if sys.stderr.isatty():
        print(f"\r  {text:<30}", end="\r", file=sys.stderr)


def add_workspace_rows(
    conn: sa.Connection, team: str, channels: list[str], events: int, end: dt.datetime
) -> None:
    """What a workspace has besides shares: digests (40 days a channel), settings, event ids, its install."""
    conn.execute(
        sa.insert(Digest),
        [
            {
                "team": team,
                "channel": channel,
                "local_date": (end - dt.timedelta(days=day)).date(),
                "created_at": end - dt.timedelta(days=day),
                "posted_ts": f"{day}.000001",
                "claim_count": 5,
            }
            for channel in channels
            for day in range(40)
        ],
    )
    conn.execute(
        sa.insert(ChannelSettings),
        [
            {"team": team, "channel": channel, "digest_enabled": True, "timezone": "UTC"}
            for channel in channels
        ],
    )
    conn.execute(
        sa.insert(SlackEvent),
        [{"team": team, "event_id": f"Ev{team}{i:07d}", "received_at": end} for i in range(events)],
    )
    ids = {"client_id": "111.222", "app_id": "A0PURGE", "enterprise_id": None, "team_id": team}
    conn.execute(installations.insert(), [{**ids, "user_id": "U0INSTALLER", "bot_token": "xoxb-bench"}])
    conn.execute(bots.insert(), [{**ids, "bot_token": "xoxb-bench", "bot_id": "B0BENCH"}])


def settle(engine: sa.Engine) -> None:
    """Fresh statistics, and a database at rest (PostgreSQL: visibility map set; SQLite: WAL emptied)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
        return
    engine.dispose()  # SQLite: outside any transaction, which the engine's BEGIN hook would open
    with contextlib.closing(sqlite3.connect(engine.url.database or "", isolation_level=None)) as conn:
        conn.execute("ANALYZE")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


# -- checks ----------------------------------------------------------------------------------------------


def kept_rows(session: Session) -> dict[str, tuple[int, int]]:
    """(count, id sum) of each table's TKEEP rows: articles, claims and sources through TKEEP's shares."""
    articles = sa.select(Share.article_id).where(Share.team == KEEP)
    wheres: dict[str, tuple[Any, sa.ColumnElement[bool]]] = {
        "search_entry": (SearchEntry, SearchEntry.team == KEEP),
        "share": (Share, Share.team == KEEP),
        "article": (Article, Article.id.in_(articles)),
        "claim": (Claim, Claim.article_id.in_(articles)),
        "source": (Source, Source.id.in_(sa.select(Claim.source_id).where(Claim.article_id.in_(articles)))),
        "digest": (Digest, Digest.team == KEEP),
        "channel_settings": (ChannelSettings, ChannelSettings.team == KEEP),
        "slack_event": (SlackEvent, SlackEvent.team == KEEP),
        "slack_installation": (installations.c, installations.c.team_id == KEEP),
        "slack_bot": (bots.c, bots.c.team_id == KEEP),
    }
    out = {}
    for table, (model, where) in wheres.items():
        count, total = session.execute(
            sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(model.id), 0)).where(where)
        ).one()
        out[table] = (int(count), int(total))
    return out


def gone_left(session: Session) -> Counter[str]:
    """What of TGONE is still there: its dry run plus its installation rows and uninstall mark."""
    left = retention.scope_counts(session, Scope(GONE))
    left["slack_installation"] += (
        session.scalar(sa.select(sa.func.count()).where(installations.c.team_id == GONE)) or 0
    )
    left["slack_installation"] += (
        session.scalar(sa.select(sa.func.count()).where(bots.c.team_id == GONE)) or 0
    )
    left["workspace"] += session.scalar(sa.select(sa.func.count()).where(Workspace.team == GONE)) or 0
    return +left


# -- the processes ---------------------------------------------------------------------------------------


def settings_for(url: str) -> Settings:
    return Settings(_env_file=None, database_url=url)


Sample = tuple[float, float, int]  # (start, end, n): time.monotonic(), one clock for every process


def search_probe(url: str, ready: Event, stop: Event, out: Queue) -> None:
    """/claims for TKEEP, back to back, as bot/features/search.py runs it."""
    services = Services.create(settings_for(url))
    page = services.settings.search_page_size

    def one(query: str) -> None:
        search_page(services, team=KEEP, viewer_channel=VIEWER_CHANNEL, query=query, page_size=page)

    run_probe("search", lambda n: one(QUERIES[n % len(QUERIES)]), 0.0, 2 * len(QUERIES), ready, stop, out)
    services.close()


def share_probe(url: str, article_ids: list[int], ready: Event, stop: Event, out: Queue) -> None:
    """A new share of an existing article, recorded and completed in one transaction, every SHARE_GAP."""
    services = Services.create(settings_for(url))
    pid = os.getpid()

    def one(n: int) -> None:
        def work() -> None:
            with services.transaction() as session:
                article = repository.get_article(session, article_ids[n % len(article_ids)])
                share, _ = repository.record_share(
                    session,
                    team=PROBE,
                    channel="CPROBE",
                    channel_name="probe",
                    message_ts=f"{pid}.{n:06d}",
                    url=article.canonical_url,
                )
                repository.complete_share(session, share, article)

        with_db_retry(work, services.settings.share_db_attempts)

    run_probe("share", one, SHARE_GAP, 3, ready, stop, out)
    services.close()


def run_probe(
    kind: str, one: Callable[[int], None], gap: float, warmup: int, ready: Event, stop: Event, out: Queue
) -> None:
    for n in range(warmup):
        one(n)
    ready.set()
    samples: list[Sample] = []
    errors: list[str] = []
    n = warmup
    while not stop.is_set():
        started = time.monotonic()
        try:
            one(n)
        except Exception as exc:  # counted and shown, the probe goes on
            errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
        samples.append((started, time.monotonic(), n))
        n += 1
        if gap:
            stop.wait(gap)
    out.put((kind, samples, errors))


@dataclass
class Step:
    """One purge step: its transaction's start, when it held the write lock, its end (COMMIT done)."""

    start: float
    locked: float = math.nan  # SQLite: BEGIN IMMEDIATE returned; PostgreSQL: the search-index lock taken
    end: float = math.nan
    removed: dict[str, int] = field(default_factory=dict)

    @property
    def ms(self) -> float:
        """How long it held the lock others wait for (the whole step when it took none)."""
        return (self.end - (self.start if math.isnan(self.locked) else self.locked)) * 1000

    @property
    def wait_ms(self) -> float:
        return 0.0 if math.isnan(self.locked) else (self.locked - self.start) * 1000

    def what(self) -> str:
        return ", ".join(f"{n} {t}" for t, n in self.removed.items()) or "nothing (the last)"


@dataclass
class TimedServices(Services):
    """Services whose every transaction (one purge step each) is timed, BEGIN to COMMIT."""

    steps: list[Step] = field(default_factory=list)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        step = Step(time.monotonic())
        self.steps.append(step)
        try:
            with super().transaction() as session:
                yield session
        finally:
            step.end = time.monotonic()


def memory_kb() -> dict[str, int]:
    """VmRSS and VmHWM (peak RSS of this process image) from /proc/self/status, in kB."""
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0])
    return found


def purger(url: str, out: Queue) -> None:
    """Purge TGONE the way the retention clock does an uninstalled workspace, and say how it went."""
    services = TimedServices.create(settings_for(url))
    with services.reading() as session:
        session.execute(sa.select(1))  # connected, as a process that has been running a while
    original = retention.purge_step

    def recorded(session: Session, scope: Scope) -> Counter[str]:
        removed = original(session, scope)
        services.steps[-1].removed = dict(removed)
        return removed

    retention.purge_step = recorded  # this process only: learn what each step removed

    def after_execute(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        step = services.steps[-1] if services.steps else None
        if (
            step
            and math.isnan(step.locked)
            and ("BEGIN" in statement or "pg_advisory_xact_lock" in statement)
        ):
            step.locked = time.monotonic()

    sa.event.listen(services.engine, "after_cursor_execute", after_execute)
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
    before = memory_kb()
    started = time.monotonic()
    removed = jobs.purge(services, Scope(GONE), forget_installation=True)
    ended = time.monotonic()
    after = memory_kb()
    services.close()
    out.put(
        {
            "start": started,
            "end": ended,
            "removed": dict(removed),
            "steps": [(s.start, s.locked, s.end, s.removed) for s in services.steps],  # plain: picklable
            "hwm_before_kb": before["VmHWM"],
            "hwm_after_kb": after["VmHWM"],
        }
    )


# -- one backend -----------------------------------------------------------------------------------------


@dataclass
class Result:
    backend: str
    claims: int
    seconds: float = math.nan
    steps: list[Step] = field(default_factory=list)
    removed: Counter[str] = field(default_factory=Counter)
    rss_mb: float = math.nan
    growth_mb: float = math.nan
    search: list[Sample] = field(default_factory=list)
    search_base: list[Sample] = field(default_factory=list)
    share: list[Sample] = field(default_factory=list)
    share_base: list[Sample] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def ms(sample: Sample) -> float:
    return (sample[1] - sample[0]) * 1000


def run_backend(backend: str, url: str, args: argparse.Namespace) -> Result:
    db.upgrade(url)
    t = time.perf_counter()
    corpus = build(url, args.claims)
    print(
        f"{backend}: built {corpus.gone_claims:,} claims to purge in {time.perf_counter() - t:.0f} s",
        file=sys.stderr,
    )
    result = Result(backend, corpus.gone_claims)
    services = Services.create(settings_for(url))
    with services.reading() as session:
        kept_before = kept_rows(session)
        expected = retention.scope_counts(session, Scope(GONE))
    services.close()
    expected["slack_installation"] = corpus.installed

    ctx = mp.get_context("spawn")
    out: Queue = ctx.Queue()
    stop = ctx.Event()
    ready = [ctx.Event(), ctx.Event()]
    probes = [
        ctx.Process(target=search_probe, args=(url, ready[0], stop, out), name="search-probe"),
        ctx.Process(
            target=share_probe, args=(url, corpus.probe_articles, ready[1], stop, out), name="share-probe"
        ),
    ]
    purging = ctx.Process(target=purger, args=(url, out), name="purger")
    try:
        for p in probes:
            p.start()
        for event, p in zip(ready, probes, strict=True):
            while not event.wait(1):
                if not p.is_alive():
                    raise RuntimeError(f"{p.name} exited with {p.exitcode} before it was ready")
        base_start = time.monotonic()
        time.sleep(args.baseline)
        base_end = time.monotonic()
        purging.start()
        report = wait_for(out, purging)
        time.sleep(0.5)
        stop.set()
        samples = {}
        for _ in probes:
            kind, got, errors = out.get(timeout=60)
            samples[kind] = got
            result.errors += [f"{kind}: {e}" for e in errors]
        for p in [*probes, purging]:
            p.join(30)
    finally:
        stop.set()
        for p in [*probes, purging]:
            if p.is_alive():  # ours, stuck: stop it so the database can go
                p.terminate()
                p.join(10)

    start, end = report["start"], report["end"]

    def during(rows: list[Sample]) -> list[Sample]:
        return [s for s in rows if s[1] > start and s[0] < end]

    def quiet(rows: list[Sample]) -> list[Sample]:
        return [s for s in rows if s[0] >= base_start and s[1] <= base_end]

    result.search, result.search_base = during(samples["search"]), quiet(samples["search"])
    result.share, result.share_base = during(samples["share"]), quiet(samples["share"])
    result.seconds = end - start
    result.steps = [Step(*s) for s in report["steps"]]
    result.removed = Counter(report["removed"])
    result.rss_mb = report["hwm_after_kb"] / 1024
    result.growth_mb = (report["hwm_after_kb"] - report["hwm_before_kb"]) / 1024

    services = Services.create(settings_for(url))
    with services.reading() as session:
        kept_after = kept_rows(session)
        left = gone_left(session)
    services.close()
    for table, before in kept_before.items():
        if kept_after[table] != before:
            result.problems.append(
                f"{KEEP}'s {table} changed: (count, id sum) {before} before, {kept_after[table]} after"
            )
    if left:
        result.problems.append(f"{GONE} not purged: {dict(left)} left")
    if +result.removed != +expected:
        result.problems.append(f"the purge removed {dict(result.removed)}, its dry run said {dict(expected)}")
    return result


def wait_for(out: Queue, purging: BaseProcess) -> dict[str, Any]:
    while True:
        with contextlib.suppress(queue.Empty):
            return out.get(timeout=1)
        if not purging.is_alive():
            raise RuntimeError(f"the purge exited with {purging.exitcode} and no report")


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="claimbot-purge-") as tmp:
        yield f"sqlite:///{Path(tmp) / 'purge.db'}"


@contextmanager
def pg_database(base: str) -> Iterator[str]:
    name = f"claimbot_purge_{secrets.token_hex(4)}"
    with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- output ----------------------------------------------------------------------------------------------


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]


def latencies(samples: list[Sample]) -> str:
    if not samples:
        return "-"
    values = [ms(s) for s in samples]
    return f"{statistics.median(values):.1f} / {p99(values):.0f} / {max(values):.0f} ({len(values):,})"


def render(results: list[Result], args: argparse.Namespace) -> Table:
    table = Table(
        title=f"purge of workspace {GONE} (--claims {args.claims:,}) while {KEEP} searches and shares",
        caption="step: how long one step held the write lock (SQLite) or the search-index lock (PostgreSQL); "
        f"latencies: median / p99 / max ms (requests) during the purge, and over {args.baseline:g} s "
        "before it (quiet)",
    )
    table.add_column("backend", no_wrap=True)
    table.add_column("claims\npurged", justify="right", no_wrap=True)
    table.add_column("purge s\n(steps)", justify="right")
    table.add_column("step ms\np99 / max", justify="right")
    table.add_column("rows removed", justify="right", no_wrap=True)
    table.add_column("peak RSS MB\n(purge +)", justify="right")
    table.add_column("/claims ms", justify="right", no_wrap=True)
    table.add_column("share ms", justify="right", no_wrap=True)
    table.add_column(f"≤ {LIMIT_MS:.0f} ms", justify="center")
    table.add_column(f"{KEEP}\nintact", justify="center")
    for r in results:
        step_ms = [s.ms for s in r.steps]
        worst = max((ms(s) for s in r.search + r.share), default=0.0)
        table.add_row(
            r.backend,
            f"{r.removed['claim']:,}\nof {r.claims:,}",
            f"{r.seconds:.1f}\n({len(r.steps):,})",
            f"{p99(step_ms):.0f} / {max(step_ms):.0f}",
            "\n".join(f"{t} {r.removed[t]:,}" for t in TABLES if r.removed[t]),
            f"{r.rss_mb:.0f}\n(+{r.growth_mb:.1f})",
            f"purge {latencies(r.search)}\nquiet {latencies(r.search_base)}",
            f"purge {latencies(r.share)}\nquiet {latencies(r.share_base)}",
            "[green]yes[/green]" if worst <= LIMIT_MS else f"[red]no[/red]\n({worst:.0f})",
            "[red]no[/red]" if any(KEEP in p for p in r.problems) else "[green]yes[/green]",
        )
    return table


def details(r: Result) -> None:
    """The slowest steps, and the slowest requests with the steps they overlapped."""
    console.print(f"[bold]{r.backend}[/bold]: slowest purge steps")
    for i, s in sorted(enumerate(r.steps), key=lambda x: -x[1].ms)[:SHOW_SLOW]:
        console.print(
            f"  step {i + 1} of {len(r.steps)}: held {s.ms:.0f} ms (waited {s.wait_ms:.0f} ms for the lock), "
            f"removed {s.what()}",
            highlight=False,
        )
    console.print("  /claims by query, max ms during the purge (quiet):", highlight=False)
    for n, query in enumerate(QUERIES):
        during = [ms(s) for s in r.search if s[2] % len(QUERIES) == n]
        quiet = [ms(s) for s in r.search_base if s[2] % len(QUERIES) == n]
        console.print(
            f"    {query:<28} {max(during, default=0):>5.0f} ({max(quiet, default=0):.0f})", highlight=False
        )
    for kind, samples in (("/claims", r.search), ("share", r.share)):
        for sample in sorted(samples, key=ms, reverse=True)[:SHOW_SLOW]:
            overlapped = [
                f"step {i + 1} (held {s.ms:.0f} ms)"
                for i, s in enumerate(r.steps)
                if s.end > sample[0] and s.start < sample[1]
            ]
            console.print(
                f"  {kind} {ms(sample):.0f} ms, overlapping {', '.join(overlapped) or 'no step (a pause)'}",
                highlight=False,
            )
    held = [(s.end - s.ms / 1000, s.end) for s in r.steps]
    through = [x for x in r.share if sum(1 for a, b in held if b > x[0] and a < x[1]) >= 2]
    console.print(
        f"  shares that waited through two steps or more (the pause between steps did not let them in): "
        f"{len(through)} of {len(r.share)}",
        highlight=False,
    )
    for line in r.errors[:5]:
        console.print(f"  [yellow]probe error[/yellow] {line}", highlight=False)
    if len(r.errors) > 5:
        console.print(f"  ... {len(r.errors)} probe errors in all", highlight=False)
    for line in r.problems:
        console.print(f"  [red]FAILED[/red] {line}", highlight=False)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "all"], default="all")
    parser.add_argument("--claims", type=int, default=100_000, help="claims of the purged workspace")
    parser.add_argument("--baseline", type=float, default=10.0, help="seconds of probes without purge")
    parser.add_argument("--pg-url", default=PG_URL, help="server for the scratch database")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "all" else [args.backend]
    results: list[Result] = []
    for backend in backends:
        database = sqlite_database() if backend == "sqlite" else pg_database(args.pg_url)
        try:
            with database as url:
                results.append(run_backend(backend, url, args))
        except psycopg.OperationalError as exc:
            print(f"{backend}: PostgreSQL not reachable: {str(exc).splitlines()[0]}", file=sys.stderr)
            raise SystemExit(2) from None
    console.print(render(results, args))
    for r in results:
        details(r)
    if any(r.problems for r in results):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
