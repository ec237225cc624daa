"""The look-up of earlier figures (storage.figures.earlier_figures) at scale: ms per look-up, per backend.

    .venv/bin/python bench/figures.py                       # 100k claims, SQLite and PostgreSQL
    .venv/bin/python bench/figures.py --claims 1000000      # what issue 14 asks about
    .venv/bin/python bench/figures.py --backend sqlite --lookups 100

The corpus is bench/search.py's (`build`: claims in shared articles over a year, two workspaces, a private
channel in twenty) in a scratch database, plus one figure row for --figure-share of the claims: measures
drawn Zipf-like from --measures keys (the most common one carries about a tenth of all figures, like a story
everyone follows), the day of its article, a source of its claim. Each look-up is what a thread asks for an
article: its ten claims' earlier figures, as seen from the article's own channel in workspace T1, with the
real rules (bot.claims.figure_relations.relate) and the default window. "any article" picks articles at
random; "busiest measure" picks articles whose figures are all of the most common measure (the most
candidates).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import random
import statistics
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import psycopg
import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from scratch import scratch_database  # noqa: E402

from bot.claims.figure_relations import relate  # noqa: E402
from bot.claims.figure_values import interval  # noqa: E402
from storage.db import make_engine, make_session_factory, upgrade  # noqa: E402
from storage.figures import WINDOW_DAYS, earlier_figures  # noqa: E402
from storage.models import ClaimFigure  # noqa: E402


def search_bench() -> ModuleType:
    """bench/search.py, whose corpus this bench reuses (`build`, its constants)."""
    spec = importlib.util.spec_from_file_location("claimbot_bench_search", REPO / "bench" / "search.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SEARCH = search_bench()
CLAIMS_PER_ARTICLE: int = SEARCH.CLAIMS_PER_ARTICLE
DAYS: int = SEARCH.DAYS
NOW: dt.datetime = SEARCH.NOW


def article_day(article_id: int, n_articles: int) -> dt.date:
    """The day `build` gives an article (its share time, spread evenly over the year)."""
    return (
        NOW - dt.timedelta(days=DAYS) + dt.timedelta(seconds=DAYS * 86400 * article_id / n_articles)
    ).date()


def add_figures(url: str, n_claims: int, share: float, measures: int, seed: int = 11) -> dict[int, list[str]]:
    """Figure rows for about `share` of the claims; returns each article's figure measures."""
    rng = random.Random(seed)
    keys = [f"count/deaths/people/place{i}" for i in range(measures)]
    weights = [1 / (i + 1) for i in range(measures)]
    n_articles = max(1, n_claims // CLAIMS_PER_ARTICLE)
    by_article: dict[int, list[str]] = {}
    engine = make_engine(url)
    rows: list[dict[str, Any]] = []

    def flush() -> None:
        with engine.begin() as conn:
            conn.execute(sa.insert(ClaimFigure), rows)
        rows.clear()

    for claim_id in range(1, n_claims + 1):
        if rng.random() >= share:
            continue
        article_id = (claim_id - 1) // CLAIMS_PER_ARTICLE + 1
        measure = rng.choices(keys, weights=weights)[0]
        value = float(rng.randint(100, 100_000))
        bound = rng.choice(("exact", "about", "at_least"))
        text = f"{value:,.0f}"
        low, high = interval(value, text, bound)
        rows.append(
            {
                "claim_id": claim_id,
                "article_id": article_id,
                "source_id": rng.randint(1, 5000),
                "measure": measure,
                "detail": "period=total",
                "value": value,
                "low": low,
                "high": high,
                "bound": bound,
                "text": text,
                "label": f"{text} people killed",
                "day": article_day(article_id, n_articles),
            }
        )
        by_article.setdefault(article_id, []).append(measure)
        if len(rows) >= 20_000:
            flush()
        if claim_id % 100_000 == 0:
            print(f"  {claim_id:>9,} claims given figures", end="\r", file=sys.stderr)
    if rows:
        flush()
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    return by_article


def lookups(
    url: str, by_article: dict[int, list[str]], runs: int, warmup: int, seed: int = 5
) -> list[tuple[str, int, float, float, float, float]]:
    """(case, look-ups, median ms, p95 ms, max ms, lines per look-up) per case."""
    rng = random.Random(seed)
    busiest = "count/deaths/people/place0"  # the heaviest of add_figures' Zipf-like weights
    visible = [a for a in by_article if a % 5 and a % 20]  # workspace T1, not the private channel
    hot = [a for a in visible if set(by_article[a]) == {busiest}]
    cases = {
        "any article": rng.sample(visible, min(len(visible), runs + warmup)),
        "busiest measure": rng.sample(hot, min(len(hot), runs + warmup)),
    }
    engine = make_engine(url)
    factory = make_session_factory(engine)
    out = []
    with factory() as session:
        for case, articles in cases.items():
            times, lines = [], []
            for i, article_id in enumerate(articles):
                first = (article_id - 1) * CLAIMS_PER_ARTICLE + 1
                claim_ids = list(range(first, first + CLAIMS_PER_ARTICLE))
                started = time.perf_counter()
                found = earlier_figures(
                    session,
                    claim_ids=claim_ids,
                    team="T1",
                    viewer_channel=f"C{article_id % 7}",
                    relate=relate,
                    window_days=WINDOW_DAYS,
                )
                elapsed = (time.perf_counter() - started) * 1000
                session.rollback()
                if i >= warmup:
                    times.append(elapsed)
                    lines.append(sum(len(v) for v in found.values()))
            if not times:
                continue
            times.sort()
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            out.append((case, len(times), statistics.median(times), p95, times[-1], statistics.mean(lines)))
    engine.dispose()
    return out


def run_backend(backend: str, args: argparse.Namespace) -> list[tuple[Any, ...]]:
    def measure(url: str) -> list[tuple[Any, ...]]:
        upgrade(url)
        started = time.perf_counter()
        SEARCH.build(url, args.claims)
        by_article = add_figures(url, args.claims, args.figure_share, args.measures)
        rows = sum(len(v) for v in by_article.values())
        print(
            f"{backend}: built {args.claims:,} claims, {rows:,} figures"
            f" in {time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )
        return [
            (backend, args.claims, rows, *row) for row in lookups(url, by_article, args.lookups, args.warmup)
        ]

    with scratch_database(backend, args.pg_url) as url:
        return measure(url)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--claims", type=int, default=100_000, help="corpus size (default 100000; try 1000000)"
    )
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--figure-share", type=float, default=0.2, help="claims with a figure (default 0.2)")
    parser.add_argument("--measures", type=int, default=2000, help="distinct measure keys (default 2000)")
    parser.add_argument("--lookups", type=int, default=200, help="timed look-ups per case (default 200)")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results: list[tuple[Any, ...]] = []
    for backend in backends:
        try:
            results += run_backend(backend, args)
        except psycopg.OperationalError as exc:
            print(f"{backend}: skipped, server not reachable: {exc}".strip(), file=sys.stderr)
    print(
        f"\nearlier figures, one look-up per article (its {CLAIMS_PER_ARTICLE} claims),"
        f" window {WINDOW_DAYS} days\n"
    )
    header = "{:<11} {:>9} {:>8}  {:<16} {:>7} {:>10} {:>8} {:>8} {:>8}".format(
        "backend", "claims", "figures", "case", "lookups", "median ms", "p95 ms", "max ms", "lines"
    )
    print(header)
    print("-" * len(header))
    for backend, n, figures, case, count, median, p95, worst, lines in results:
        print(
            f"{backend:<11} {n:>9,} {figures:>8,}  {case:<16} {count:>7} {median:>10.2f} {p95:>8.2f}"
            f" {worst:>8.2f} {lines:>8.2f}"
        )


if __name__ == "__main__":
    main()
