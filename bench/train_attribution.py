#!/usr/bin/env python3
"""Train the learned attribution layer (bot/claims/learned.py) on PolNeAR train and write its weights.

    python bench/train_attribution.py [POLNEAR_CHECKOUT] [--gold FILE] [--out FILE] [--holdout N]
                                      [--threshold P] [--docs-cache FILE]

The one command that rebuilds ``bot/claims/attribution_model.json`` (``make model``). It parses the train
articles with the same pipeline the extractor uses, labels every candidate cue token and every candidate
content range of a gold cue from the gold attributions, and fits two logistic regressions (scikit-learn,
liblinear, fixed seed: the same data gives the same file). The articles of the benchmark's sample
(``bench/attribution.py``'s evenly spaced ``--holdout`` articles, offset 0) are left out of training, so
that bench scores articles the model never saw. Only feature names and weights are written: no text.
"""

from __future__ import annotations

import argparse
import bisect
import json
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, DocBin, Token

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from attribution import CONVERTER, DEFAULT_GOLD, MODEL, convert_checkout, sample  # noqa: E402

from bot.claims.component import COMPONENT  # noqa: E402
from bot.claims.cue_features import (  # noqa: E402
    SentenceView,
    candidate_features,
    content_candidates,
    cue_features,
)
from bot.claims.lexicon import load_lexicon  # noqa: E402
from bot.claims.linear import DEFAULT_MODEL, AttributionModel, LinearModel, may_be_cue  # noqa: E402
from bot.claims.pipeline import load_pipeline  # noqa: E402
from bot.claims.rules import char_span  # noqa: E402

OUT = REPO / "bot" / "claims" / DEFAULT_MODEL
_WORD = re.compile(r"\w+")
MIN_COUNT = 2  # a feature seen once is noise, and dropping it keeps the file small


def parse(articles: list[dict], nlp: Language, cache: Path | None = None) -> list[Doc]:
    """The articles parsed by the extractor's own pipeline (without the attribution step)."""
    if cache is not None and cache.is_file():
        docs = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
        same = len(docs) == len(articles)
        if same and all(d.text == a["text"] for d, a in zip(docs, articles, strict=True)):
            return docs
    with nlp.select_pipes(disable=[COMPONENT]):
        docs = list(nlp.pipe(a["text"] for a in articles))
    if cache is not None:
        DocBin(docs=docs).to_disk(cache)
    return docs


def cue_head(doc: Doc, span: list[int]) -> Token | None:
    """The token of a gold cue span that heads the others ("according" of "according to")."""
    toks = doc.char_span(span[0], span[1], alignment_mode="expand")
    if toks is None:
        return None
    return next((t for t in toks if not toks.start <= t.head.i < toks.end or t.head.i == t.i), None)


class WordIndex:
    """A text's word tokens as ../shared/eval/score.py counts them (runs of \\w, a span holds every word it
    overlaps), so a candidate is labelled right by the scorer's own rule, Jaccard >= 0.5, without needing
    the shared checkout to train."""

    def __init__(self, text: str) -> None:
        words = list(_WORD.finditer(text))
        self.starts = [m.start() for m in words]
        self.ends = [m.end() for m in words]

    def tokens(self, spans: list[tuple[int, int]]) -> set[int]:
        out: set[int] = set()
        for start, end in spans:
            i = bisect.bisect_right(self.ends, start)
            while i < len(self.starts) and self.starts[i] < end:
                out.add(i)
                i += 1
        return out


def jaccard(a: set[int], b: set[int]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def gold_cues(doc: Doc, art: dict, index: WordIndex) -> dict[int, list[set[int]]]:
    """Gold cue heads of one article (token index) and the word-token sets of their contents."""
    out: dict[int, list[set[int]]] = {}
    for att in art["attributions"]:
        head = cue_head(doc, att["cue"]) if att.get("cue") else None
        if head is not None:
            frags = [tuple(f) for f in att.get("content_frags") or [att["content"]]]
            out.setdefault(head.i, []).append(index.tokens(frags))
    return out


def examples(
    articles: list[dict], docs: list[Doc]
) -> tuple[frozenset[str], list, list, list, list]:
    """(cue lemmas, cue features, cue labels, content features, content labels) over all articles.

    Cue lemmas are the words that head a gold cue at least MIN_COUNT times; only they are candidates."""
    lexicon = load_lexicon()
    indexes = [WordIndex(art["text"]) for art in articles]
    golds = [gold_cues(doc, art, index) for art, doc, index in zip(articles, docs, indexes, strict=True)]
    heads = Counter(doc[i].lemma_.lower() for doc, gold in zip(docs, golds, strict=True) for i in gold)
    lemmas = frozenset(lemma for lemma, n in heads.items() if n >= MIN_COUNT)
    cue_x, cue_y, con_x, con_y = [], [], [], []
    for doc, gold, index in zip(docs, golds, indexes, strict=True):
        for sent in doc.sents:
            view = SentenceView(sent)
            for tok in sent:
                if not may_be_cue(tok, lemmas):
                    continue
                feats = cue_features(tok, lexicon, view)
                cue_x.append(feats)
                cue_y.append(int(tok.i in gold))
                contents = gold.get(tok.i, [])
                if not contents:
                    continue
                candidates = [
                    (candidate_features(tok, kind, rng, feats, view), index.tokens([char_span(doc, *rng)]))
                    for kind, rng in content_candidates(tok, view)
                ]
                for content in contents:
                    for cand_feats, words in candidates:
                        con_x.append(cand_feats)
                        con_y.append(int(jaccard(content, words) >= 0.5))
    return lemmas, cue_x, cue_y, con_x, con_y


def fit(x: list[list[str]], y: list[int], c: float) -> LinearModel:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    counts = Counter(f for feats in x for f in set(feats))
    rows = [{f: 1 for f in feats if counts[f] >= MIN_COUNT} for feats in x]
    vec = DictVectorizer()
    matrix = vec.fit_transform(rows).tocsr()
    matrix.indices = matrix.indices.astype("int32")  # liblinear takes 32-bit sparse indices only
    matrix.indptr = matrix.indptr.astype("int32")
    clf = LogisticRegression(C=c, solver="liblinear", max_iter=1000, random_state=0)
    clf.fit(matrix, y)
    weights = {
        name: round(float(w), 4)
        for name, w in zip(vec.get_feature_names_out(), clf.coef_[0], strict=True)
        if abs(w) >= 1e-3
    }
    return LinearModel(weights=dict(sorted(weights.items())), bias=round(float(clf.intercept_[0]), 4))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("polnear", type=Path, nargs="?", default=None, help="a PolNeAR checkout (else --gold)")
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--holdout", type=int, default=200, help="the bench sample left out of training")
    ap.add_argument("--holdout-offset", type=int, default=0)
    ap.add_argument("--threshold", type=float, default=0.5, help="cue probability a learned draft needs")
    ap.add_argument("--confidence", type=float, default=0.3,
                    help="cue x content probability a learned draft needs")
    ap.add_argument("--nominal-confidence", type=float, default=0.5,
                    help="the same for a content with no verb and no quotation")
    ap.add_argument("--veto", type=float, default=0.2, help="cue probability below which a rule draft goes")
    ap.add_argument("--c-cue", type=float, default=0.3)
    ap.add_argument("--c-content", type=float, default=1.0)
    ap.add_argument("--docs-cache", type=Path, help="keep the parsed train articles here between runs")
    ap.add_argument("--model", default=MODEL)
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="claimbot-polnear-") as workdir:
        gold = convert_checkout(args.polnear, Path(workdir)) if args.polnear else args.gold
        if not gold.is_file():
            print(f"gold file {gold} not found (run {CONVERTER} or pass a PolNeAR checkout)", file=sys.stderr)
            return 2
        with open(gold, encoding="utf-8") as fh:
            articles = [json.loads(line) for line in fh if line.strip()]
    held = {a["id"] for a in sample(articles, args.holdout, args.holdout_offset)} if args.holdout else set()
    docs = parse(articles, load_pipeline(args.model, learned=False), args.docs_cache)
    train = [(a, d) for a, d in zip(articles, docs, strict=True) if a["id"] not in held]
    lemmas, cue_x, cue_y, con_x, con_y = examples([a for a, _ in train], [d for _, d in train])
    model = AttributionModel(
        cue=fit(cue_x, cue_y, args.c_cue),
        content=fit(con_x, con_y, args.c_content),
        threshold=args.threshold,
        confidence=args.confidence,
        nominal_confidence=args.nominal_confidence,
        veto=args.veto,
        lemmas=lemmas,
        meta={
            "trained_on": "PolNeAR train",
            "articles": len(train),
            "held_out_sample": {"limit": args.holdout, "offset": args.holdout_offset},
            "cue_examples": len(cue_y),
            "content_examples": len(con_y),
            "spacy_model": args.model,
        },
    )
    args.out.write_text(json.dumps(model.to_json(), indent=0, sort_keys=True) + "\n", encoding="utf-8")
    size = args.out.stat().st_size
    print(
        f"trained on {len(train)} articles ({len(held)} held out): {len(lemmas)} cue words, "
        f"cue {len(cue_y)} examples "
        f"({sum(cue_y)} cues, {len(model.cue.weights)} weights), content {len(con_y)} examples "
        f"({len(model.content.weights)} weights) -> {args.out} ({size / 1e6:.2f} MB)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
