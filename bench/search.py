"""Search speed on a synthetic corpus: median and p95 per query, per backend.

    .venv/bin/python bench/search.py                       # 100k claims, SQLite and PostgreSQL
    .venv/bin/python bench/search.py --claims 1000000      # the size DESIGN.md's speed facts talk about
    .venv/bin/python bench/search.py --backend sqlite --runs 30

The corpus goes into a scratch database (a temporary SQLite file, a `claimbot_bench_*` PostgreSQL database),
never the app's, and is dropped afterwards. Each query is warmed up, then timed over --runs executions
through `storage.search.search` as the bot calls it; runs past the 5th would show PostgreSQL's switch to
a generic plan if prepared statements were on (storage.db turns them off).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scratch import scratch_database

from storage.db import make_engine, make_session_factory, upgrade
from storage.models import Article, Claim, SearchEntry, Share, Source
from storage.search import search

QUERIES = [
    ("common word", "killed"),
    ("rare word", "zeppelin"),
    ("absent word", "xylophonist"),
    ("phrase", '"killed in action"'),
    ("two words", "killed border"),
    ("source:", "source:konashenkov"),
    ("source: + word", "source:konashenkov killed"),
    ("since:", "since:2d"),
    ("since: + word", "killed since:2d"),
]
CLAIMS_PER_ARTICLE = 10
DAYS = 365
NOW = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def vocabulary(rng: random.Random, size: int = 20_000) -> list[str]:
    letters = "abcdefghijklmnoprstuvwy"
    words = {"".join(rng.choices(letters, k=rng.randint(3, 9))) for _ in range(size * 2)}
    return sorted(words - {"killed", "zeppelin", "xylophonist", "action", "border", "konashenkov"})[:size]


def source_rows(count: int, word: Callable[[], str]) -> list[dict[str, Any]]:
    """Source rows 1..count: Igor Konashenkov (what `source:konashenkov` finds), then made-up people
    named with ``word()``."""
    rows: list[dict[str, Any]] = [
        {
            "id": 1,
            "name": "Igor Konashenkov",
            "name_key": "igor konashenkov",
            "kind": "person",
            "role": "spokesman",
            "aliases": ["Konashenkov"],
            "search_names": "igor konashenkov\nkonashenkov",
        }
    ]
    for i in range(2, count + 1):
        name = f"{word().title()} {word().title()} {i}"
        rows.append(
            {
                "id": i,
                "name": name,
                "name_key": name.lower(),
                "kind": "person",
                "role": None,
                "aliases": [],
                "search_names": name.lower(),
            }
        )
    return rows


def article_row(article_id: int, title: str, fetched_at: dt.datetime) -> dict[str, Any]:
    """A stored article of the synthetic corpus: a URL of its own, no text worth reading."""
    url = f"https://n.example/{article_id}"
    return {
        "id": article_id,
        "url": url,
        "canonical_url": url,
        "title": title,
        "site": "n.example",
        "text": "x",
        "word_count": 1,
        "fetched_at": fetched_at,
    }


def build(url: str, n_claims: int, seed: int = 7) -> None:
    """Fill a migrated database with n_claims claims in n_claims/10 shared articles over a year."""
    rng = random.Random(seed)
    vocab = vocabulary(rng)
    weights = [1 / (i + 1) for i in range(len(vocab))]  # Zipf-like
    cum = list(_accumulate(weights))
    n_articles = max(1, n_claims // CLAIMS_PER_ARTICLE)

    def sentence(k: int) -> str:
        return " ".join(rng.choices(vocab, cum_weights=cum, k=k))

    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.insert(Source), source_rows(5000, lambda: sentence(1)))
    claim_id = 0
    batch = 2000
    for start in range(0, n_articles, batch):
        articles, shares, claims = [], [], []
        for a in range(start + 1, min(n_articles, start + batch) + 1):
            when = NOW - dt.timedelta(days=DAYS) + dt.timedelta(seconds=DAYS * 86400 * a / n_articles)
            articles.append(article_row(a, sentence(8), when))
            team = "T1" if a % 5 else "T2"
            shares.append(
                {
                    "id": a,
                    "team": team,
                    "channel": f"C{a % 7}",
                    "channel_name": f"chan{a % 7}",
                    "channel_private": a % 20 == 0,
                    "message_ts": f"{a}.0",
                    "thread_ts": f"{a}.0",
                    "url": f"https://n.example/{a}",
                    "article_id": a,
                    "status": "done",
                    "created_at": when,
                }
            )
            for rank in range(1, CLAIMS_PER_ARTICLE + 1):
                claim_id += 1
                words = sentence(14).split()
                if rng.random() < 0.10:
                    words.insert(rng.randrange(len(words)), "killed")
                if rng.random() < 0.01:
                    words.insert(rng.randrange(len(words)), "killed in action")
                if rng.random() < 0.01:
                    words.insert(rng.randrange(len(words)), "border")
                if claim_id % 20_000 == 7:  # a handful, whatever the size
                    words.insert(rng.randrange(len(words)), "zeppelin")
                source_id = 1 if rng.random() < 0.005 else rng.randint(2, 5000)
                claims.append(
                    {
                        "id": claim_id,
                        "article_id": a,
                        "source_id": source_id,
                        "content": " ".join(words),
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
        with engine.begin() as conn:
            conn.execute(sa.insert(Article), articles)
            conn.execute(sa.insert(Share), shares)
            conn.execute(sa.insert(Claim), claims)
            # Entries in share-time order (as the repository keeps them); triggers build the text index.
            conn.execute(
                sa.insert(SearchEntry).from_select(
                    [
                        "claim_id",
                        "article_id",
                        "share_id",
                        "source_id",
                        "team",
                        "channel",
                        "private",
                        "shared_at",
                    ],
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
                    .where(Claim.article_id.between(start + 1, start + batch))
                    .order_by(Share.created_at, Claim.rank.desc()),
                )
            )
        print(
            f"  {min(n_articles, start + batch) * CLAIMS_PER_ARTICLE:>9,} claims", end="\r", file=sys.stderr
        )
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()


def _accumulate(values: list[float]) -> list[float]:
    total, out = 0.0, []
    for v in values:
        total += v
        out.append(total)
    return out


def measure(url: str, runs: int, warmup: int) -> list[tuple[str, str, int, float, float]]:
    engine = make_engine(url)
    factory = make_session_factory(engine)
    rows = []
    with factory() as session:
        for label, text in QUERIES:
            times = []
            hits = 0
            for i in range(warmup + runs):
                t = time.perf_counter()
                hits = len(search(session, text, team="T1", limit=20, now=NOW))
                elapsed = (time.perf_counter() - t) * 1000
                if i >= warmup:
                    times.append(elapsed)
            times.sort()
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            rows.append((label, text, hits, statistics.median(times), p95))
            session.rollback()
    engine.dispose()
    return rows


def run_backend(backend: str, n_claims: int, runs: int, warmup: int, pg_url: str) -> list[tuple]:
    with scratch_database(backend, pg_url) as url:
        upgrade(url)
        t = time.perf_counter()
        build(url, n_claims)
        print(f"{backend}: built {n_claims:,} claims in {time.perf_counter() - t:.0f} s", file=sys.stderr)
        return [(backend, n_claims, *row) for row in measure(url, runs, warmup)]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--claims", type=int, default=100_000, help="corpus size (default 100000; try 1000000)"
    )
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--runs", type=int, default=20, help="timed runs per query (at least 10)")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    runs = max(10, args.runs)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results = []
    for backend in backends:
        try:
            results += run_backend(backend, args.claims, runs, args.warmup, args.pg_url)
        except psycopg.OperationalError as exc:
            print(f"{backend}: skipped, server not reachable: {exc}".strip(), file=sys.stderr)
    print(f"\nsearch speed, newest 20 hits for team T1, {runs} runs after {args.warmup} warm-up\n")
    columns = ("backend", "claims", "query", "text", "hits", "median ms", "p95 ms")
    header = "{:<11} {:>9}  {:<16} {:<28} {:>4} {:>10} {:>8}".format(*columns)
    print(header)
    print("-" * len(header))
    for backend, n, label, text, hits, median, p95 in results:
        print(f"{backend:<11} {n:>9,}  {label:<16} {text:<28} {hits:>4} {median:>10.2f} {p95:>8.2f}")


if __name__ == "__main__":
    main()
