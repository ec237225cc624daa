"""Rebuild the real article texts the story and figure evaluations read (tests/fixtures/stories/,
tests/fixtures/claim_pairs/) from snapshots of public GitHub repositories at pinned commits.

Nothing fetched is committed: this script only reads bare git mirrors
(as brought by the `fetch` tool into /work/.mirror/<owner>+<name>/repo)
and writes plain-text articles under OUT (default /tmp/corpora).

Sources (pinned commits):
  networkdynamics/PolNeAR            c3eee833c035bf7b8c84f55b58c0bf7346cfae76
      data/<compartment>/text/*.txt            -> OUT/polnear/<compartment>/<name>.txt
      data/metadata.tsv                        -> OUT/polnear_meta.tsv
  asprout/ArticleComparisons         60fad0f07681e846bef33da1e5c90bdd3f519be4
      data/{helsinki,census,spotify}_articles.csv (id,publisher,scrape_time,text)
                                               -> OUT/asprout/<set>/<id>__<publisher>.txt
  apurvamulay/ReCOVery               86a1b9c0d02f8f88dd48de5fe8dd767f8f57e483
      dataset/{reliable,unreliable}/*.csv (per-outlet CSVs; the merged
      dataset/recovery-news-data.csv is >4 MiB and absent from snapshots)
                                               -> OUT/recovery/txt/<publisher>__<date>__<news_id>.txt

Usage: .venv/bin/python bench/corpora.py [OUT] [MIRROR_ROOT]   (fetch the three repositories first)
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import subprocess
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else "/tmp/corpora"
MIRRORS = sys.argv[2] if len(sys.argv) > 2 else "/work/.mirror"
csv.field_size_limit(10**9)

SOURCES = {
    "polnear": ("networkdynamics+PolNeAR", "c3eee833c035bf7b8c84f55b58c0bf7346cfae76"),
    "asprout": ("asprout+ArticleComparisons", "60fad0f07681e846bef33da1e5c90bdd3f519be4"),
    "recovery": ("apurvamulay+ReCOVery", "86a1b9c0d02f8f88dd48de5fe8dd767f8f57e483"),
}


def gitdir(name):
    repo = os.path.join(MIRRORS, name, "repo")
    if not os.path.isdir(repo):
        sys.exit(f"missing mirror {repo}: fetch github:{name.replace('+', '/')} first")
    return os.path.join(repo, ".git") if os.path.isdir(os.path.join(repo, ".git")) else repo


def git(name, *args):
    return subprocess.run(["git", "--git-dir", gitdir(name), *args], check=True, capture_output=True).stdout


def ls(name, commit, *paths):
    return git(name, "ls-tree", "-r", "--name-only", commit, *paths).decode().splitlines()


def show(name, commit, path):
    return git(name, "show", f"{commit}:{path}")


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def polnear():
    name, c = SOURCES["polnear"]
    n = 0
    for p in ls(name, c, "data"):
        parts = p.split("/")
        if len(parts) == 4 and parts[2] == "text":
            write(os.path.join(OUT, "polnear", parts[1], parts[3]), show(name, c, p))
            n += 1
    write(os.path.join(OUT, "polnear_meta.tsv"), show(name, c, "data/metadata.tsv"))
    return n


def asprout():
    name, c = SOURCES["asprout"]
    n = 0
    for s in ("helsinki", "census", "spotify"):
        raw = show(name, c, f"data/{s}_articles.csv").decode("utf-8", "ignore")
        for r in csv.DictReader(io.StringIO(raw)):
            pub = re.sub(r"[^\w.]+", "_", r["publisher"])
            write(
                os.path.join(OUT, "asprout", s, f"{r['id']}__{pub}.txt"), r["text"].replace(" ### ", "\n\n")
            )
            n += 1
    return n


def recovery():
    name, c = SOURCES["recovery"]
    n = 0
    for p in sorted(ls(name, c, "dataset/reliable", "dataset/unreliable")):
        if not p.endswith(".csv") or "/._" in p:
            continue
        raw = show(name, c, p).decode("utf-8", "ignore")
        for r in csv.DictReader(io.StringIO(raw)):
            pub = re.sub(r"\W+", "_", r["publisher"].strip().lower())[:30]
            d = (r["publish_date"] or "nodate")[:10]
            body = (
                f"TITLE: {r['title']}\nURL: {r['url']}\nAUTHOR: {r['author']}\n"
                f"DATE: {r['publish_date']}\nSOURCE_CSV: {p}\n\n{r['body_text']}\n"
            )
            write(os.path.join(OUT, "recovery", "txt", f"{pub}__{d}__{r['news_id']}.txt"), body)
            n += 1
    return n


if __name__ == "__main__":
    counts = {"polnear": polnear(), "asprout": asprout(), "recovery": recovery()}
    print(counts)  # expected: polnear 1012, asprout 680 (helsinki 612), recovery 2031
    h = hashlib.sha256()
    for d in ("polnear", "asprout", "recovery"):
        for root, _, files in sorted(os.walk(os.path.join(OUT, d))):
            for f in sorted(x for x in files if x.endswith(".txt")):
                with open(os.path.join(root, f), "rb") as text:
                    h.update(text.read())
    print("content sha256:", h.hexdigest())
