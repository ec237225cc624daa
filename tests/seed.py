"""Where the seed article and its expected claims are: ../shared/seed beside the checkout, else the copy.

CI may run from a clone with no ../shared next to it; tests/fixtures/seed holds the same two files.
"""

from pathlib import Path

_SHARED = Path(__file__).resolve().parents[2] / "shared" / "seed"
SEED_DIR = (
    _SHARED
    if (_SHARED / "expected-claims.json").is_file()
    else Path(__file__).resolve().parent / "fixtures" / "seed"
)
SEED_TXT = SEED_DIR / "article.txt"
SEED_EXPECTED = SEED_DIR / "expected-claims.json"
