"""`claimbot export` on a synthetic corpus: time and peak memory of the real command, per backend and size.

    .venv/bin/python bench/export.py                          # 100k and 1M claims, SQLite and PostgreSQL
    .venv/bin/python bench/export.py --claims 200000 --backend sqlite

The corpus is bench/search.py's (claims in shared articles over a year, two workspaces), built in a scratch
database that is dropped afterwards. Each row of the table is one run of `claimbot export` in its own
process, writing to a temporary file; "peak RSS" is that process's maximum resident memory (wait4), so a
flat column across sizes is what "bounded memory" means.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from scratch import scratch_database  # noqa: E402
from search import build  # noqa: E402  (bench/search.py: the same corpus as the search bench)

from storage.db import upgrade  # noqa: E402

EXPORTS = [
    ("every claim", "", "csv"),
    ("every claim", "", "jsonl"),
    ("common word", "killed", "csv"),
    ("source:", "source:konashenkov", "csv"),
]
CLAIMBOT = ROOT / ".venv" / "bin" / "claimbot"


def run_export(url: str, query: str, fmt: str, out: Path) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one `claimbot export` process."""
    env = {**os.environ, "DATABASE_URL": url}
    started = time.perf_counter()
    proc = subprocess.Popen(
        [str(CLAIMBOT), "export", query, "--format", fmt, "--output", str(out)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise RuntimeError(f"claimbot export {query!r} failed: {stderr.strip()}")
    return elapsed, usage.ru_maxrss / 1024


def count_records(path: Path, fmt: str) -> int:
    with path.open("rb") as f:
        lines = sum(1 for _ in f)
    return lines - 1 if fmt == "csv" else lines  # the synthetic claims hold no newline


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--claims", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    table = Table(title="claimbot export: the whole command, one process per row")
    for column in ("backend", "claims stored", "export", "format", "records", "seconds", "records/s",
                   "peak RSS (MB)", "file (MB)"):  # fmt: skip
        table.add_column(column, justify="left" if column in ("backend", "export", "format") else "right")
    for backend in backends:
        for n in args.claims:
            with scratch_database(backend, args.pg_url) as url, tempfile.TemporaryDirectory() as tmp:
                upgrade(url)
                started = time.perf_counter()
                build(url, n)
                built = time.perf_counter() - started
                print(f"{backend}: built {n:,} claims in {built:.0f} s", file=sys.stderr)
                for label, query, fmt in EXPORTS:
                    out = Path(tmp) / f"export.{fmt}"
                    seconds, rss = run_export(url, query, fmt, out)
                    records = count_records(out, fmt)
                    table.add_row(
                        backend, f"{n:,}", f"{label} {query!r}" if query else label, fmt, f"{records:,}",
                        f"{seconds:.1f}", f"{records / seconds:,.0f}", f"{rss:.0f}",
                        f"{out.stat().st_size / 1e6:.0f}",
                    )  # fmt: skip
                    out.unlink()
    Console(width=150).print(table)


if __name__ == "__main__":
    main()
