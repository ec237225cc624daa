"""Story grouping on real wire copies: are copies one story, and are different stories never merged?

    .venv/bin/python bench/corpora.py /tmp/corpora      # once: rebuild the texts (see its docstring)
    .venv/bin/python bench/stories.py [--corpora /tmp/corpora] [--orders 5]

Each run stores the labelled articles of tests/fixtures/stories/groups.tsv one by one, in a random order,
into a scratch SQLite database through the app's own path (bot.pipeline.story_of, then
storage.repository.store_article with the article's anchors), so a copy can only join a story stored
before it, as in production. Then every labelled pair is scored (see the fixture's README).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from scratch import scratch_database  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.pipeline import story_of  # noqa: E402
from bot.reading.copies import fingerprint, wire_agency  # noqa: E402
from bot.services import Services  # noqa: E402
from storage import db, repository, stories  # noqa: E402
from storage.models import Article, ArticleAnchor  # noqa: E402
from storage.records import NewArticle  # noqa: E402

GROUPS = ROOT / "tests" / "fixtures" / "stories" / "groups.tsv"


@dataclass(frozen=True, slots=True)
class Labelled:
    group: str
    family: str
    role: str
    path: str


def labelled() -> list[Labelled]:
    with GROUPS.open(encoding="utf-8") as f:
        return [
            Labelled(r["group"], r["family"], r["role"], r["path"]) for r in csv.DictReader(f, delimiter="\t")
        ]


def gold(a: Labelled, b: Labelled) -> bool | None:
    """True: one story; False: must never be merged; None: not scored (versions of one story)."""
    if a.role == "noncopy" or b.role == "noncopy":
        return False
    if a.family == b.family and (a.group != b.group or a.role == "writethrough"):
        return None
    return a.group == b.group


def run(order: list[Labelled], corpora: Path) -> tuple[dict[str, int], dict[str, str | None], float]:
    """Store in this order; the story key and detected agency of each path, and ms per article."""
    with tempfile.TemporaryDirectory(prefix="claimbot-stories-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'stories.db'}"
        db.upgrade(url)
        services = Services.create(Settings(_env_file=None, database_url=url))
        try:
            started = time.perf_counter()
            for item in order:
                text = (corpora / item.path).read_text(encoding="utf-8", errors="ignore")
                copy = fingerprint(text)
                story = story_of(services, copy)
                with services.transaction() as session:
                    repository.store_article(
                        session,
                        NewArticle(
                            url=f"https://corpus.example/{item.path}",
                            canonical_url=f"https://corpus.example/{item.path}",
                            title=item.path,
                            site=None,
                            byline=None,
                            published=None,
                            text=text,
                            story_id=story,
                            wire=wire_agency(text),
                            anchors=copy.anchors,
                        ),
                        [],
                    )
            per_article = (time.perf_counter() - started) * 1000 / len(order)
            with services.reading() as session:
                rows = session.query(Article).all()
                keys = {a.title: stories.story_key(a) for a in rows}
                wires = {a.title: a.wire for a in rows}
        finally:
            services.close()
    return keys, wires, per_article


def lookup_at_scale(articles: int, runs: int = 50) -> None:
    """How long finding candidate copies takes with `articles` articles' anchors stored (SQLite and
    PostgreSQL): the look-up every new article makes before it is stored."""
    import statistics

    import sqlalchemy as sa

    from bot.reading.copies import ANCHORS, MIN_SHARED_ANCHORS

    rng = random.Random(7)
    print(f"\ncandidate look-up with {articles:,} articles stored ({articles * ANCHORS:,} anchors)\n")
    print("| backend | median ms | p95 ms | max ms |")
    print("| --- | --- | --- | --- |")
    for backend in ("sqlite", "postgresql"):
        with scratch_database(backend) as url:
            db.upgrade(url)
            engine = db.make_engine(url)
            with engine.begin() as conn:
                for start in range(0, articles, 5000):
                    ids = range(start + 1, min(articles, start + 5000) + 1)
                    conn.execute(sa.insert(Article), [
                        {"id": i, "url": f"u{i}", "canonical_url": f"u{i}", "title": "t", "text": "x",
                         "word_count": 1} for i in ids
                    ])  # fmt: skip
                    conn.execute(sa.insert(ArticleAnchor), [
                        {"article_id": i, "hash": rng.getrandbits(63)} for i in ids for _ in range(ANCHORS)
                    ])  # fmt: skip
                if backend == "postgresql":
                    conn.execute(sa.text("ANALYZE"))
            sessions = db.make_session_factory(engine)
            timings = []
            known = [rng.getrandbits(63) for _ in range(ANCHORS)]
            for run_no in range(runs + 3):
                probe = [rng.getrandbits(63) for _ in range(ANCHORS)] if run_no % 2 else known
                started = time.perf_counter()
                with sessions() as session:
                    stories.copy_candidates(session, probe, min_shared=MIN_SHARED_ANCHORS)
                if run_no >= 3:
                    timings.append((time.perf_counter() - started) * 1000)
            engine.dispose()
            timings.sort()
            p95 = timings[int(len(timings) * 0.95) - 1]
            print(f"| {backend} | {statistics.median(timings):.2f} | {p95:.2f} | {timings[-1]:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpora", type=Path, default=Path("/tmp/corpora"))
    parser.add_argument("--orders", type=int, default=5, help="random arrival orders to run")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument(
        "--scale", type=int, default=0, help="also time the candidate look-up with this many articles stored"
    )
    args = parser.parse_args()
    items = labelled()
    missing = [i.path for i in items if not (args.corpora / i.path).exists()]
    if missing:
        sys.exit(f"{len(missing)} texts missing under {args.corpora}: run bench/corpora.py first")
    rng = random.Random(args.seed)
    print(f"{len(items)} labelled articles; pairs scored per run: ", end="")
    pairs = [(a, b, gold(a, b)) for a, b in itertools.combinations(items, 2)]
    scored = Counter(g for _, _, g in pairs)
    print(f"{scored[True]} same story, {scored[False]} never merge, {scored[None]} not scored\n")
    print("| run | copies grouped (recall) | different stories merged | stories formed | ms per article |")
    print("| --- | --- | --- | --- | --- |")
    merged_pairs: Counter[tuple[str, str]] = Counter()
    split: Counter[str] = Counter()
    wires: dict[str, str | None] = {}
    for run_no in range(1, args.orders + 1):
        order = items[:]
        rng.shuffle(order)
        keys, wires, ms = run(order, args.corpora)
        together = wrong = 0
        for a, b, label in pairs:
            same = keys[a.path] == keys[b.path]
            if label is True and same:
                together += 1
            elif label is True:
                split[a.group] += 1
            elif label is False and same:
                wrong += 1
                merged_pairs[(a.path, b.path)] += 1
        print(
            f"| {run_no} | {together}/{scored[True]} ({together / scored[True]:.1%}) | {wrong} "
            f"| {len(set(keys.values()))} | {ms:.1f} |"
        )
    if merged_pairs:
        print("\nmerged though different:")
        for (a, b), n in merged_pairs.most_common():
            print(f"  {n}x {a}  +  {b}")
    if split:
        print("\ncopy pairs left apart, by group (over all runs):", dict(split.most_common()))
    found = Counter((i.group, wires.get(i.path)) for i in items if i.role == "copy")
    print("\nagency detected in copies (last run), by group:", dict(sorted(found.items(), key=str)))
    if args.scale:
        lookup_at_scale(args.scale)


if __name__ == "__main__":
    main()
