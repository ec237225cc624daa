"""Hostile content: PDF, images, binary, empty pages, no article, wrong charsets, huge markup, languages.

Each refused page gets one line of reason, in the Slack thread and on the command line, and leaves the
database as it was (rows stored before it are still there, none are added). Pages the product should read
despite a wrong charset declaration are read correctly. Bodies not in tests/fixtures come from a small
HTTP server started here, so the shared page_server plugin stays untouched.
"""

from __future__ import annotations

import json
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from sqlalchemy import func, select
from typer.testing import CliRunner

from bot.entry.cli import app
from bot.reading.article import (
    MAX_ARTICLE_WORDS,
    MAX_ELEMENTS,
    MAX_PAGE_CHARS,
    MAX_TAG_DEPTH,
    ArticleError,
    article_from_page,
    article_from_text,
    detect_language,
    extract_article,
)
from bot.reading.fetch import FetchedPage
from storage import db, models
from tests.plugins.app import SlackHarness
from tests.plugins.web import FIXTURES

SEED_TXT = FIXTURES / "seed-russian-losses.txt"
SEED_PARAGRAPHS = [p.strip() for p in SEED_TXT.read_text(encoding="utf-8").split("\n\n")[1:] if p.strip()]

GERMAN = [
    "Der Innenminister sagte am Montag in Berlin, dass die Schulen in der betroffenen Region wegen des "
    "Hochwassers bis zum Ende der Woche geschlossen bleiben. Die Behörden haben noch nicht entschieden, "
    "wann der Unterricht wieder beginnen kann, und viele Eltern sind über die Lage sehr besorgt.",
    "Nach Angaben der Feuerwehr wurden mehr als zweihundert Häuser evakuiert. Ein Sprecher der Stadt "
    "erklärte, die Pegel würden in den nächsten Tagen noch weiter steigen, und bat die Bewohner, den "
    "Anweisungen der Einsatzkräfte zu folgen und nicht in die überfluteten Gebiete zu fahren.",
    "Die Opposition kritisierte die Regierung scharf. Es sei nicht das erste Mal, dass der Hochwasserschutz "
    "in der Region versagt habe, sagte die Vorsitzende der Fraktion im Landtag am Dienstag.",
]
CHINESE = [
    "部长周一在记者会上表示，由于连日暴雨引发的洪水，受灾地区的学校将在下周继续关闭。当局尚未决定何时恢复上课，"
    "许多家长对目前的情况感到担忧。",
    "据消防部门称，已有两百多户居民被疏散。市政府发言人说，未来几天河流水位可能继续上涨，他呼吁居民听从救援人员的指挥，"
    "不要前往被洪水淹没的地区。反对派批评政府防洪不力，称这已经不是第一次发生类似的灾害。",
]
RUSSIAN = [
    "Министр заявил в понедельник, что школы в пострадавшем регионе будут закрыты до конца недели из-за "
    "наводнения. Власти еще не решили, когда возобновятся занятия, и многие родители обеспокоены ситуацией.",
    "По данным спасателей, из зоны подтопления эвакуированы более двухсот домов. Представитель городской "
    "администрации сказал, что уровень воды в ближайшие дни может подняться еще выше, и попросил жителей не "
    "выезжать в затопленные районы.",
]
GREEK = [
    "Ο υπουργός δήλωσε τη Δευτέρα ότι τα σχολεία της περιοχής θα παραμείνουν κλειστά μέχρι το τέλος της "
    "εβδομάδας λόγω των πλημμυρών. Οι αρχές δεν έχουν αποφασίσει ακόμη πότε θα ξαναρχίσουν τα μαθήματα.",
] * 3
ACCENTED = (
    "The owner of the Café Noël, Zoë Brontë, said that the naïve façade of the rebuilt façade would not "
    "survive another flood, and that the council's résumé of repairs was incomplete."
)


def page(paragraphs: list[str], title: str = "Flood news", lang: str = "en") -> str:
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return (
        f'<!doctype html><html lang="{lang}"><head><title>{title}</title></head>'
        f"<body><article><h1>{title}</h1>\n{body}</article></body></html>"
    )


def png() -> bytes:
    """A valid 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)
NESTED_SLACK = "<html><body>" + "<div>" * 800_000 + page(SEED_PARAGRAPHS) + "</body></html>"  # 4 MB
CROWDED = "<html><body>" + "<a href='/x'>link</a> " * (MAX_ELEMENTS + 10) + page(SEED_PARAGRAPHS)
UTF8 = "text/html; charset=utf-8"
DEEP = f"the page's markup is nested too deeply (over {MAX_TAG_DEPTH} levels)"

# path -> (Content-Type or None, body)
BODIES: dict[str, tuple[str | None, bytes]] = {
    "/pdf": ("application/pdf", PDF),
    "/pdf-as-html": (UTF8, PDF),
    "/png": ("image/png", png()),
    "/png-untyped": (None, png()),
    "/empty": (UTF8, b""),
    "/blank": (UTF8, b"<html><head><title>Nothing</title></head><body>\n  \n</body></html>"),
    "/no-article": (UTF8, (FIXTURES / "no-article.html").read_bytes()),
    "/german": (UTF8, page(GERMAN, "Hochwasser", "de").encode()),
    "/chinese": (UTF8, page(CHINESE, "洪水", "zh").encode()),
    "/russian-cp1251-declared-utf8": (UTF8, page(RUSSIAN, "Наводнение").encode("cp1251")),
    "/greek-8859-7-declared-latin1": (
        "text/html; charset=iso-8859-1",
        page(GREEK, "Πλημμύρες").encode("iso-8859-7"),
    ),
    "/nested": (UTF8, NESTED_SLACK.encode()),
    "/crowded": (UTF8, CROWDED.encode()),
    "/cp1252-declared-utf8": (UTF8, page([*SEED_PARAGRAPHS, ACCENTED]).encode("cp1252")),
    "/utf8-declared-latin1": ("text/html; charset=iso-8859-1", page([*SEED_PARAGRAPHS, ACCENTED]).encode()),
    "/utf8-declared-meta-latin1": (
        "text/html",
        page([*SEED_PARAGRAPHS, ACCENTED]).replace("<head>", '<head><meta charset="iso-8859-1">').encode(),
    ),
}

# path -> what the one-line reason must contain
REFUSED = {
    "/pdf": "application/pdf",
    "/pdf-as-html": "binary data",
    "/png": "image/png",
    "/png-untyped": "binary data",
    "/empty": "empty",
    "/blank": "no article text found",
    "/no-article": "no article text found",
    "/german": "the article is not in English (de)",
    "/chinese": "the article is not in English (zh)",
    "/russian-cp1251-declared-utf8": "the article is not in English (ru)",
    "/greek-8859-7-declared-latin1": "garbled",
    "/nested": f"nested too deeply (over {MAX_TAG_DEPTH} levels)",
    "/crowded": "too many elements",
}
READ_DESPITE_CHARSET = ["/cp1252-declared-utf8", "/utf8-declared-latin1", "/utf8-declared-meta-latin1"]


# --------------------------------------------------------------------------------------------- server


@dataclass(frozen=True)
class Bodies:
    base_url: str

    def url(self, path: str) -> str:
        return self.base_url + path


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path not in BODIES:
            self.send_error(404)
            return
        content_type, body = BODIES[self.path]
        self.send_response(200)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def bodies() -> Iterator[Bodies]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield Bodies(f"http://{host}:{port}")
    finally:
        server.shutdown()
        server.server_close()


# --------------------------------------------------------------------------------------------- Slack


def article_and_claim_counts(slack: SlackHarness) -> tuple[int, int]:
    with slack.services.transaction() as session:
        return (
            session.scalar(select(func.count()).select_from(models.Article)) or 0,
            session.scalar(select(func.count()).select_from(models.Claim)) or 0,
        )


def share_and_wait(slack: SlackHarness, text: str) -> dict[str, Any]:
    before = len([c for c in slack.standin.calls_to("chat.postMessage") if c.ok])
    slack.share(text)
    calls = slack.standin.wait_for("chat.postMessage", count=before + 1, where=lambda c: c.ok, timeout=30)
    slack.idle()
    return calls[before].params


@pytest.mark.parametrize("path", list(REFUSED))
def test_slack_thread_gets_the_one_line_reason_and_no_rows(
    slack: SlackHarness, page_server: Any, bodies: Bodies, path: str
) -> None:
    share_and_wait(slack, page_server.url("seed-russian-losses.html"))
    stored = article_and_claim_counts(slack)
    assert stored[0] == 1 and stored[1] > 5
    reply = share_and_wait(slack, bodies.url(path))
    last = reply["blocks"][-1]["text"]["text"]
    assert REFUSED[path] in last, last
    assert "couldn't read" in last and "\n" not in last
    assert article_and_claim_counts(slack) == stored
    with slack.services.transaction() as session:
        share = session.scalars(select(models.Share).where(models.Share.url == bodies.url(path))).one()
        assert share.status == "failed" and REFUSED[path] in (share.error or "")


def test_slack_reads_a_page_whose_charset_is_declared_wrongly(slack: SlackHarness, bodies: Bodies) -> None:
    reply = share_and_wait(slack, bodies.url("/cp1252-declared-utf8"))
    assert "couldn't read" not in json.dumps(reply["blocks"])
    with slack.services.transaction() as session:
        (text,) = session.scalars(select(models.Article.text)).all()
    assert "Café Noël, Zoë Brontë" in text and "\ufffd" not in text


# --------------------------------------------------------------------------------------------- CLI


@pytest.fixture
def cli(nlp: Any, fresh_db_url: str) -> Any:
    """Run the CLI in-process against a fresh database; pages may come from 127.0.0.1."""
    runner = CliRunner()
    env = {"DATABASE_URL": fresh_db_url, "CLAIMBOT_ALLOW_PRIVATE_URLS": "true"}

    def invoke(*args: str, stdin: str | None = None) -> Result:
        return runner.invoke(app, list(args), env=env, input=stdin, catch_exceptions=False)

    return invoke


def db_counts(url: str) -> tuple[int, int]:
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            return (
                conn.scalar(select(func.count()).select_from(models.Article)) or 0,
                conn.scalar(select(func.count()).select_from(models.Claim)) or 0,
            )
    finally:
        engine.dispose()


@pytest.mark.parametrize("path", list(REFUSED))
def test_cli_ingest_prints_the_one_line_reason_and_stores_nothing(
    cli: Any, fresh_db_url: str, bodies: Bodies, path: str
) -> None:
    assert cli("ingest", str(SEED_TXT)).exit_code == 0
    stored = db_counts(fresh_db_url)
    assert stored[0] == 1 and stored[1] > 5
    url = bodies.url(path)
    result = cli("ingest", url)
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"claimbot: {url}: ") and REFUSED[path] in line, line
    assert db_counts(fresh_db_url) == stored


@pytest.mark.parametrize("path", READ_DESPITE_CHARSET)
def test_cli_extract_reads_pages_whose_charset_is_declared_wrongly(
    cli: Any, bodies: Bodies, path: str
) -> None:
    result = cli("extract", bodies.url(path), "--json")
    assert result.exit_code == 0, result.stderr
    (record,) = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert "Café Noël, Zoë Brontë" in record["text"] and "Ã" not in record["text"]
    assert any(c["cue"] == "said" and "naïve façade" in c["content"] for c in record["claims"])


def test_cli_files_ten_megabytes_of_nested_tags_and_oversized(cli: Any, tmp_path: Path) -> None:
    nested = tmp_path / "nested.html"
    nested.write_text("<html><body>" + "<div>" * 1_900_000 + page(SEED_PARAGRAPHS), encoding="utf-8")
    assert 9_000_000 < nested.stat().st_size <= MAX_PAGE_CHARS
    oversized = tmp_path / "oversized.html"
    oversized.write_bytes(b"<p>" + b"x" * MAX_PAGE_CHARS)
    start = time.monotonic()
    result = cli("extract", str(nested), str(oversized), str(SEED_TXT), "--json")
    assert time.monotonic() - start < 20
    assert result.exit_code == 1
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [str(SEED_TXT)]
    first, second = result.stderr.strip().splitlines()
    assert first == f"claimbot: {nested}: {DEEP}"
    assert second == f"claimbot: {oversized}: the file is too large (over {MAX_PAGE_CHARS // 1_000_000} MB)"


def test_cli_stdin_other_languages_and_binary_are_reported_and_the_rest_go_on(cli: Any) -> None:
    lines = [
        {"id": "de", "text": "\n\n".join(GERMAN)},
        {"id": "nul", "text": "\x00\x01\x02" * 50},
        {"id": "en", "text": "The minister said that 40 schools would close."},
    ]
    result = cli("extract", "-", "--json", stdin="".join(json.dumps(r) + "\n" for r in lines))
    assert result.exit_code == 1
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["en"]
    assert result.stderr.strip().splitlines() == [
        "claimbot: de: the article is not in English (de)",
        "claimbot: nul: not text (binary data)",
    ]


def test_cli_binary_renamed_to_html_is_refused(cli: Any, tmp_path: Path) -> None:
    fake = tmp_path / "report.html"
    fake.write_bytes(PDF)
    result = cli("extract", str(fake))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"claimbot: {fake}: not a text file (binary data)"


# --------------------------------------------------------------------------------------------- rules


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (SEED_TXT.read_text(encoding="utf-8"), "en"),
        ("\n\n".join(SEED_PARAGRAPHS[:2]) + " 'Die Lage ist sehr ernst,' he told Der Spiegel.", "en"),
        ("\n\n".join(GERMAN), "de"),
        ("\n\n".join(CHINESE), "zh"),
        ("\n\n".join(RUSSIAN), "ru"),
        ("\n\n".join(GREEK), "el"),
        (
            "Le ministre a déclaré lundi que les écoles seraient fermées la semaine prochaine en raison des "
            "inondations. Les autorités n'ont pas encore décidé quand les cours reprendront.",
            "fr",
        ),
        (
            "大臣は月曜日、洪水のため学校は来週閉鎖されると述べた。当局は授業再開の時期をまだ決めておらず、"
            "保護者は状況を心配している。",
            "ja",
        ),
        ("The minister said that 40 schools would close.", None),  # too short to tell: not refused
        ("Xyzzy plugh frobozz " * 10, None),  # no known function words: not refused
    ],
)
def test_language_rule(text: str, language: str | None) -> None:
    assert detect_language(text) == language


def test_english_fixtures_pass_the_language_rule() -> None:
    for path in FIXTURES.glob("*.html"):
        try:
            article = extract_article(path.read_bytes(), url=f"http://127.0.0.1/{path.name}")
        except ArticleError as exc:
            assert "English" not in exc.reason, path
        else:
            assert detect_language(article.text) == "en", path


def test_ten_megabytes_of_nested_tags_are_refused_quickly() -> None:
    for opener in ("<div>", "<div><span><b><i>", "<ul><li>", "<table><tr><td>"):
        html = "<html><body>" + opener * (9_500_000 // len(opener)) + page(SEED_PARAGRAPHS)
        start = time.monotonic()
        with pytest.raises(ArticleError) as caught:
            extract_article(html.encode(), url="http://127.0.0.1/deep")
        assert time.monotonic() - start < 5, opener
        assert caught.value.reason == DEEP


def test_nesting_below_the_limit_is_read() -> None:
    html = "<html><body>" + "<div>" * (MAX_TAG_DEPTH - 20) + page(SEED_PARAGRAPHS)
    assert "Konashenkov" in extract_article(html).text


def test_too_many_elements_refused_within_seconds() -> None:
    start = time.monotonic()
    with pytest.raises(ArticleError, match="too many elements"):
        extract_article(CROWDED)
    assert time.monotonic() - start < 5


def test_pages_over_the_size_limit_are_refused_before_parsing() -> None:
    html = "<p>" + "word " * (MAX_PAGE_CHARS // 5)
    start = time.monotonic()
    for data in (html, html.encode()):
        with pytest.raises(ArticleError, match="too large"):
            extract_article(data)
    assert time.monotonic() - start < 2


def test_articles_over_the_word_limit_are_refused() -> None:
    text = "\n\n".join(SEED_PARAGRAPHS) + "\n\n"
    long = text * (MAX_ARTICLE_WORDS // len(text.split()) + 1)
    with pytest.raises(ArticleError) as caught:
        article_from_text(long, name="long.txt")
    assert caught.value.reason.startswith("the article is too long to analyse (")
    assert article_from_text(text * 2).text == text * 2  # ordinary lengths are untouched


@pytest.mark.parametrize(
    ("body", "declared", "expected"),
    [
        (ACCENTED.encode("cp1252"), "utf-8", ACCENTED),
        (ACCENTED.encode("utf-8"), "iso-8859-1", ACCENTED),
        (ACCENTED.encode("cp1252"), None, ACCENTED),
        (ACCENTED.encode("utf-8"), "no-such-charset", ACCENTED),
    ],
)
def test_text_pages_with_a_wrong_charset_are_decoded_right(
    body: bytes, declared: str | None, expected: str
) -> None:
    fetched = FetchedPage("http://x.test/a", "http://x.test/a", 200, "text/plain", declared, body)
    assert article_from_page(fetched).text == expected


def test_garbled_text_is_refused() -> None:
    greek_as_latin1 = "\n\n".join(GREEK).encode("iso-8859-7").decode("iso-8859-1")
    with pytest.raises(ArticleError, match="garbled"):
        article_from_text(greek_as_latin1)
    with pytest.raises(ArticleError, match="garbled"):
        article_from_text(ACCENTED + " \ufffd" * 40)
