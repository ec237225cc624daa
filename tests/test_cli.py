"""The `claimbot` command: outputs, bad input, exit codes, and the seed acceptance check."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, get_args

import pytest
from click.testing import Result
from sqlalchemy import func, select
from typer.testing import CliRunner

from bot.claims.model import AttributionAct
from bot.entry.cli import app
from storage import db, models
from tests.seed import SEED_EXPECTED, SEED_TXT

EXPECTED = json.loads(SEED_EXPECTED.read_text(encoding="utf-8"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def cli(nlp: Any) -> Any:
    """Run the CLI in-process (the spaCy pipeline stays loaded) with the given environment."""
    runner = CliRunner()

    def invoke(*args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> Result:
        return runner.invoke(app, list(args), env=env or {}, input=stdin, catch_exceptions=False)

    return invoke


@pytest.fixture
def db_env(fresh_db_url: str) -> dict[str, str]:
    return {"DATABASE_URL": fresh_db_url, "CLAIMBOT_ALLOW_PRIVATE_URLS": "true"}


def lines(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def find_claim(claims: list[dict], expected: dict) -> dict | None:
    for claim in claims:
        if (
            claim["source"] == expected["source"]
            and claim["cue"] == expected["cue"]
            and all(p in claim["content"] for p in expected["content_has"])
        ):
            return claim
    return None


def test_seed_extract_meets_every_must_claim_with_verbatim_spans(cli: Any) -> None:
    result = cli("extract", str(SEED_TXT), "--json")
    assert result.exit_code == 0, result.stderr
    (record,) = lines(result.stdout)
    text = record["text"]
    assert text == SEED_TXT.read_text(encoding="utf-8")
    assert record["id"] == str(SEED_TXT) and record["title"] == EXPECTED["title"]
    for expected in (c for c in EXPECTED["claims"] if c["level"] == "must"):
        claim = find_claim(record["claims"], expected)
        assert claim is not None, f"missing {expected}"
        if "source_role" in expected:
            assert claim["role"] == expected["source_role"]
    for claim in record["claims"]:
        start, end = claim["content_span"]
        assert text[start:end] == claim["content"]
        if claim["cue_span"]:
            assert text[slice(*claim["cue_span"])] == claim["cue"]
        assert claim["kind"] in models.CLAIM_KINDS
        assert all(f not in claim["content"] for f in EXPECTED["not_in_text"])
    wounded = find_claim(record["claims"], EXPECTED["claims"][1])
    assert {"value": 1597.0, "text": "1,597", "bound": "exact"}.items() <= wounded["quantities"][0].items()
    stretch = next(c for c in record["claims"] if "2,870" in c["content"])
    dead = next(q for q in stretch["quantities"] if q["value"] == 2870)
    assert dead["bound"] == "at_least"
    saliences = [c["salience"] for c in record["claims"]]
    assert saliences == sorted(saliences, reverse=True)


def test_seed_searches_after_ingest(cli: Any, db_env: dict[str, str]) -> None:
    assert cli("ingest", str(SEED_TXT), env=db_env).exit_code == 0
    for search in EXPECTED["searches"]:
        result = cli("search", search["query"], "--json", env=db_env)
        assert result.exit_code == 0, result.stderr
        hits = lines(result.stdout)
        assert {
            "claim_id",
            "source",
            "role",
            "cue",
            "content",
            "kind",
            "article_title",
            "article_url",
            "team",
            "channel",
            "shared_at",
        } <= set(hits[0])
        for cue in search.get("must_find_cues", []):
            assert cue in {h["cue"] for h in hits}, (search, hits)
        assert len(hits) >= search.get("min_results", 1)


def test_extract_html_url_and_stdin(cli: Any, page_server: Any) -> None:
    env = {"CLAIMBOT_ALLOW_PRIVATE_URLS": "true"}
    result = cli("extract", page_server.url("seed-russian-losses.html"), "--json", env=env)
    (record,) = lines(result.stdout)
    assert "Share it" not in record["text"] and "Konashenkov" in record["text"]
    stdin = (
        json.dumps({"id": "a1", "text": "The minister said that 40 schools would close."}) + "\nnot json\n"
    )
    result = cli("extract", "-", "--json", stdin=stdin)
    assert result.exit_code == 1
    (record,) = lines(result.stdout)
    assert record["id"] == "a1" and record["claims"][0]["cue"] == "said"
    assert "claimbot: stdin:2: not a JSON object" in result.stderr


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("missing.txt", "no such file"),
        ("fixtures/binary.bin", "not an HTML or text file"),
        ("fixtures/empty.html", "empty"),
        ("fixtures/no-article.html", "no article text found"),
        ("fixtures/latin1.html", None),
        ("fixtures/malformed.html", None),
    ],
)
def test_bad_files_get_one_line_and_do_not_stop_the_others(cli: Any, target: str, reason: str | None) -> None:
    path = str(Path(__file__).resolve().parent / target)
    result = cli("extract", path, str(SEED_TXT), "--json")
    records = lines(result.stdout)
    if reason is None:
        assert result.exit_code == 0 and len(records) == 2
        return
    assert result.exit_code == 1
    assert [r["id"] for r in records] == [str(SEED_TXT)]
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"claimbot: {path}: ") and reason in line


@pytest.mark.parametrize(
    ("path", "env", "reason"),
    [
        ("status/404", {"CLAIMBOT_ALLOW_PRIVATE_URLS": "true"}, "404"),
        ("huge", {"CLAIMBOT_ALLOW_PRIVATE_URLS": "true", "CLAIMBOT_FETCH_MAX_BYTES": "100000"}, "large"),
        ("binary", {"CLAIMBOT_ALLOW_PRIVATE_URLS": "true"}, "not"),
        ("seed-russian-losses.html", {}, "loopback"),
    ],
)
def test_bad_urls_get_one_line(cli: Any, page_server: Any, path: str, env: dict, reason: str) -> None:
    url = page_server.url(path)
    result = cli("extract", url, env=env)
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"claimbot: {url}: ") and reason in line.lower()


def test_usage_errors_exit_2(cli: Any) -> None:
    assert cli("extract").exit_code == 2
    assert cli("search", "x", "--limit", "0").exit_code == 2
    assert cli("digest", "--since", "soon").exit_code == 2


def test_unmigrated_database_is_refused_with_the_fix(cli: Any, tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}"}
    result = cli("search", "mariupol", env=env)
    assert result.exit_code == 1
    assert "claimbot db upgrade" in result.stderr
    assert cli("db", "upgrade", env=env).exit_code == 0
    assert cli("search", "mariupol", env=env).exit_code == 0


def test_reingest_stores_nothing_twice_and_a_failure_loses_nothing(
    cli: Any, db_env: dict[str, str], page_server: Any, fresh_db_url: str
) -> None:
    seed_url = page_server.url("seed-russian-losses.html")
    first = cli("ingest", seed_url, str(SEED_TXT), "--channel", "C0NEWS", env=db_env)
    assert first.exit_code == 0, first.stderr
    engine = db.make_engine(fresh_db_url)

    def counts() -> tuple[int, int, int]:
        with engine.connect() as conn:
            return tuple(
                conn.scalar(select(func.count()).select_from(t))
                for t in (models.Article, models.Claim, models.Share)
            )

    before = counts()
    assert before[0] == 2 and before[1] > 10
    again = cli("ingest", seed_url, page_server.url("status/500"), env=db_env)
    assert again.exit_code == 1 and "500" in again.stderr
    assert counts()[:2] == before[:2]
    engine.dispose()
    digest = cli("digest", "--since", "1h", "--channel", "C0NEWS", env=db_env)
    # the page and its scraped text are one story: the digest counts it once
    assert "Konashenkov" in digest.stdout and "(1 article," in digest.stdout


ACTS = set(get_args(AttributionAct))


def test_extract_json_carries_shown_and_act(cli: Any) -> None:
    from bot.claims import Claim
    from bot.entry.cli import claim_json

    result = cli("extract", str(SEED_TXT), "--json")
    assert result.exit_code == 0, result.stderr
    (record,) = lines(result.stdout)
    assert record["claims"]
    for claim in record["claims"]:
        assert isinstance(claim["shown"], bool) and claim["act"] in ACTS, claim
    belief = Claim(
        "the bridge will hold", (20, 40), "indirect", source="Mayor Ruiz", shown=False, act="belief"
    )
    assert {k: claim_json(belief)[k] for k in ("content", "shown", "act")} == {
        "content": "the bridge will hold",
        "shown": False,
        "act": "belief",
    }
    plain = claim_json(Claim("x", (0, 1), "direct"))
    assert (plain["shown"], plain["act"]) == (True, "communication")


def test_stored_order_is_the_extract_json_order(cli: Any, db_env: dict[str, str], fresh_db_url: str) -> None:
    extracted = lines(cli("extract", str(SEED_TXT), "--json").stdout)[0]["claims"]
    assert cli("ingest", str(SEED_TXT), env=db_env).exit_code == 0
    engine = db.make_engine(fresh_db_url)
    try:
        with engine.connect() as conn:
            stored = conn.execute(
                select(
                    models.Claim.content, models.Claim.start, models.Claim.shown, models.Claim.act
                ).order_by(models.Claim.rank)
            ).all()
    finally:
        engine.dispose()
    assert [tuple(row) for row in stored] == [
        (c["content"], c["content_span"][0], c["shown"], c["act"]) for c in extracted
    ]


def test_search_json_leaves_hidden_claims_out_unless_asked(
    cli: Any, db_env: dict[str, str], fresh_db_url: str
) -> None:
    from sqlalchemy.orm import Session

    from storage import repository
    from tests.storage.factories import claim, new_article

    engine = db.make_engine(fresh_db_url)
    try:
        with Session(engine) as session:
            repository.store_article(
                session,
                new_article(title="Bridge"),
                [
                    claim("the bridge is closed"),
                    claim("the bridge will hold", cue="believes", shown=False, act="belief"),
                ],
            )
            session.commit()
    finally:
        engine.dispose()
    default = lines(cli("search", "bridge", "--json", env=db_env).stdout)
    assert [(h["content"], h["shown"], h["act"]) for h in default] == [
        ("the bridge is closed", True, "communication")
    ]
    wider = lines(cli("search", "bridge include:hidden", "--json", env=db_env).stdout)
    assert [(h["content"], h["shown"], h["act"]) for h in wider] == [
        ("the bridge is closed", True, "communication"),
        ("the bridge will hold", False, "belief"),
    ]
    text = cli("search", "hold include:hidden", env=db_env).stdout
    assert "spokesman) — believes (belief, not a claim): the bridge will hold" in text
