"""bench/attribution.py gives the reference scorer's numbers and converts a PolNeAR checkout with the team's
converter. Hand-written articles in a tiny PolNeAR-shaped tree: no PolNeAR text is used here."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from spacy.language import Language

REPO = Path(__file__).resolve().parents[2]


def _bench() -> ModuleType:
    path = REPO / "bench" / "attribution.py"
    spec = importlib.util.spec_from_file_location("claimbot_bench_attribution", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = _bench()
# ../shared/eval beside the checkout, else the copy in tests/fixtures/eval (CI may clone with no ../shared)
EVAL = bench.SCORER.parent if (bench.SCORER.is_file() and bench.CONVERTER.is_file()) else (
    REPO / "tests" / "fixtures" / "eval"
)
SCORER, CONVERTER = EVAL / "score.py", EVAL / "convert_polnear.py"


def _convert(checkout: Path, out: Path) -> Path:
    return bench.convert_checkout(checkout, out, bench.load_converter(CONVERTER))

TEXTS = {
    "alpha_2016-01-01_a": 'The mayor said that the bridge would reopen in June. "We are ready," she added.\n',
    "beta_2016-01-02_b": (
        "According to the police, 40 people were arrested. Critics argued the plan was costly.\n"
    ),
}
# brat standoff: T lines (type, offsets, text) and E lines (Attribution event with Source/Cue/Content roles)
ANN = {
    "alpha_2016-01-01_a": [
        ("Source", 0, 9), ("Cue", 10, 14), ("Content", 20, 51),
        ("Source", 69, 72), ("Cue", 73, 78), ("Content", 53, 68),
    ],
    "beta_2016-01-02_b": [
        ("Source", 13, 23), ("Cue", 0, 12), ("Content", 25, 48),
        ("Source", 50, 57), ("Cue", 58, 64), ("Content", 65, 84),
    ],
}


def _checkout(root: Path) -> Path:
    data = root / "data"
    (data / "train" / "text").mkdir(parents=True)
    (data / "train" / "attributions").mkdir(parents=True)
    header = "compartment\tfilename\tlevel\tannotators\tpublisher\tpublication_date\tauthor\ttitle\n"
    rows = [header]
    for name, text in TEXTS.items():
        (data / "train" / "text" / f"{name}.txt").write_text(text, encoding="utf-8")
        lines, tid = [], 0
        spans = ANN[name]
        for k in range(0, len(spans), 3):
            ids = []
            for typ, s, e in spans[k : k + 3]:
                tid += 1
                lines.append(f"T{tid}\t{typ} {s} {e}\t{text[s:e]}")
                ids.append((typ, f"T{tid}"))
            cue = next(t for typ, t in ids if typ == "Cue")
            args = " ".join(f"{typ}:{t}" for typ, t in ids)
            lines.append(f"E{k // 3 + 1}\tAttribution:{cue} {args}")
        (data / "train" / "attributions" / f"{name}_ab12.ann").write_text("\n".join(lines) + "\n")
        rows.append(f"train\t{name}\tNone\tab12\t{name.split('_')[0]}\t2016-01-01\tX\tA title\n")
    (data / "metadata.tsv").write_text("".join(rows), encoding="utf-8")
    return root


def test_checkout_is_converted_by_the_team_converter(tmp_path: Path) -> None:
    gold = _convert(_checkout(tmp_path / "polnear"), tmp_path / "out")
    arts = {a["id"]: a for a in map(json.loads, gold.read_text(encoding="utf-8").splitlines())}
    assert set(arts) == set(TEXTS)
    a = arts["alpha_2016-01-01_a"]
    assert [x["content_text"] for x in a["attributions"]] == [
        "the bridge would reopen in June", '"We are ready,"'
    ]


def test_bench_numbers_equal_the_reference_scorer(tmp_path: Path, nlp: Language) -> None:
    gold = _convert(_checkout(tmp_path / "polnear"), tmp_path / "out")
    articles = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines()]
    rows, timing = bench.run(nlp, None, articles)
    assert timing["words"] > 0 and timing["full_seconds"] > 0 and timing["bare_seconds"] == 0
    # a wrong prediction and a cue shared by two (merge-by-cue) so every branch of the rule is exercised
    rows[1]["attributions"] += [
        {"source": [0, 3], "cue": [58, 64], "content": [60, 84]},
        {"source": None, "cue": None, "content": [0, 5]},
    ]
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    ours = bench.score(bench.load_scorer(SCORER), gold, pred)["metrics"]
    ref_json = tmp_path / "ref.json"
    subprocess.run(
        [sys.executable, str(SCORER), str(gold), str(pred), "--only-pred-docs",
         "--json", str(ref_json)],
        check=True, capture_output=True,
    )
    assert ours == json.loads(ref_json.read_text())["metrics"]
    assert ours["content"]["tp"] >= 3  # the extractor finds the hand-written claims


def test_sample_offsets_are_disjoint() -> None:
    arts = [{"id": str(i)} for i in range(1000)]
    a, b = bench.sample(arts, 200), bench.sample(arts, 200, 2)
    assert len(a) == len(b) == 200 and not {x["id"] for x in a} & {x["id"] for x in b}
