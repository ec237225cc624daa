"""bot.reading.article on the fixture pages: main text without furniture, metadata, and bad input."""

from __future__ import annotations

import dataclasses
import datetime
import json

import pytest

from bot.config import Settings
from bot.reading.article import (
    ArticleError,
    ArticleText,
    article_from_page,
    article_from_text,
    extract_article,
)
from bot.reading.fetch import FetchedPage, fetch
from tests.plugins.web import FIXTURES, PageServer

ARTICLES = ["seed-russian-losses", "council-flood-defences", "northvale-layoffs"]
SEED_TEXT = (FIXTURES / "seed-russian-losses.txt").read_text(encoding="utf-8")
SEED_TITLE, *SEED_PARAGRAPHS = [p for p in SEED_TEXT.split("\n\n") if p.strip()]
SEED_PARAGRAPHS = [p.strip() for p in SEED_PARAGRAPHS]


def expected(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))


def extract_fixture(name: str, url: str | None = None) -> ArticleText:
    return extract_article(
        (FIXTURES / f"{name}.html").read_bytes(), url=url or f"http://127.0.0.1:8000/{name}.html"
    )


# --------------------------------------------------------------------------------------------- good pages


@pytest.mark.parametrize("name", ARTICLES)
def test_every_claim_phrase_reaches_the_text(name: str) -> None:
    article = extract_fixture(name)
    missing = [
        phrase
        for claim in expected(name)["claims"]
        for phrase in claim["content_has"]
        if phrase not in article.text
    ]
    assert missing == []


@pytest.mark.parametrize("name", ARTICLES)
def test_page_furniture_is_removed(name: str) -> None:
    article = extract_fixture(name)
    spec = expected(name)
    assert [junk for junk in spec["not_in_text"] if junk in article.text] == []
    for phrase in spec.get("once_in_text", []):  # a pull quote must not duplicate the paragraph it repeats
        assert article.text.count(phrase) == 1


@pytest.mark.parametrize("name", ARTICLES)
def test_metadata(name: str) -> None:
    article = extract_fixture(name)
    spec = expected(name)
    assert article.title == spec["title"]
    assert article.site == spec["page"]["site"]
    assert article.byline == spec["page"]["byline"]
    assert article.published == datetime.date.fromisoformat(spec["page"]["published"])
    assert article.canonical_url == spec["page"]["canonical_url"]
    assert article.url == f"http://127.0.0.1:8000/{name}.html"


@pytest.mark.parametrize("name", ARTICLES)
def test_text_shape(name: str) -> None:
    article = extract_fixture(name)
    assert not article.text.startswith(article.title or "")  # the headline is not repeated on top
    assert article.text == article.text.strip()
    assert "\n\n\n" not in article.text
    paragraphs = article.text.split("\n\n")
    assert len(paragraphs) >= 8
    assert all(p == p.strip() and "\n" not in p for p in paragraphs)
    assert 300 <= article.word_count <= 700


def test_seed_page_gives_exactly_the_seed_paragraphs() -> None:
    article = extract_fixture("seed-russian-losses")
    assert article.title == SEED_TITLE.strip()
    assert article.text.split("\n\n") == SEED_PARAGRAPHS
    assert "Share it..." not in article.text
    assert "Live Updates COVID-19 CASES" not in article.text


def test_quotes_and_apostrophes_are_kept_verbatim() -> None:
    seed = extract_fixture("seed-russian-losses").text
    assert "“S-300” and “Buk-M and M1 models”" in seed
    assert "Lugansk People’s Republic" in seed
    council = extract_fixture("council-flood-defences").text
    assert "“We cannot keep asking families" in council
    assert "council’s published budget papers" in council
    northvale = extract_fixture("northvale-layoffs").text
    assert "\"This was a hard quarter, and I won't pretend otherwise." in northvale


def test_str_and_bytes_input_agree() -> None:
    raw = (FIXTURES / "council-flood-defences.html").read_bytes()
    assert extract_article(raw) == extract_article(raw.decode("utf-8"))


def test_canonical_falls_back_to_og_url_then_to_the_normalized_url() -> None:
    assert (
        extract_fixture("northvale-layoffs").canonical_url
        == expected("northvale-layoffs")["page"]["canonical_url"]
    )
    latin1 = (FIXTURES / "latin1.html").read_bytes()
    article = extract_article(latin1, url="HTTPS://News.Example:443/tram?utm_source=slack&id=7#top")
    assert article.canonical_url == "https://news.example/tram?id=7"
    assert extract_article(latin1).canonical_url is None


def test_relative_canonical_is_resolved_against_the_page_url() -> None:
    html = (
        (FIXTURES / "latin1.html")
        .read_bytes()
        .replace(b"<head>", b'<head><link rel="Canonical" href="/region/tram-aytre#x">')
    )
    article = extract_article(html, url="https://courrier.example/amp/tram?utm_medium=social")
    assert article.canonical_url == "https://courrier.example/region/tram-aytre"


def test_site_falls_back_to_the_host() -> None:
    html = (
        (FIXTURES / "latin1.html").read_bytes().replace(b'property="og:site_name"', b'property="og:nothing"')
    )
    article = extract_article(html, url="https://www.courrier.example/tram")
    assert article.site == "courrier.example"


def test_latin1_text_decoded_from_bytes_without_a_declaration() -> None:
    article = extract_article((FIXTURES / "latin1.html").read_bytes())
    assert article.title == "Tram line to Aytré delayed by medieval find"
    assert "Hélène Bréval" in article.text
    assert article.published is None  # "the spring of 2026" in the text is not a publication date


def test_article_text_is_frozen() -> None:
    article = extract_fixture("seed-russian-losses")
    with pytest.raises(dataclasses.FrozenInstanceError):
        article.text = "changed"  # type: ignore[misc]


# --------------------------------------------------------------------------------------------- bad pages


def test_malformed_html_still_gives_its_article() -> None:
    article = extract_fixture("malformed")
    assert article.title == "Ferry operator admits engine fault caused harbour collision"
    assert article.byline == "Ruth Penhaligon"
    assert article.site == "Cornish Coast News"
    paragraphs = article.text.split("\n\n")
    assert len(paragraphs) == 5
    assert paragraphs[0].startswith("The operator of the Falbridge ferry said on Tuesday")
    assert "injuring four passengers." in paragraphs[0]
    assert "“The crew did everything they could. The fault could not" in article.text
    for junk in ("Share on Facebook", "More from Cornish Coast News", "Lifeboat crew", "Privacy", "Home"):
        assert junk not in article.text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ((FIXTURES / "no-article.html").read_bytes(), "no article text found"),
        ((FIXTURES / "empty.html").read_bytes(), "the page is empty"),
        (b"   \n\t  ", "the page is empty"),
        ("", "the page is empty"),
        ((FIXTURES / "binary.bin").read_bytes(), "not text (binary data)"),
        ((FIXTURES / "binary.bin").read_bytes().decode("latin-1"), "not text (binary data)"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj", "not text (binary data)"),
        (b"<html><body><p>Too short to be an article.</p></body></html>", "no article text found"),
        (b"just a line of plain words, no markup", "no article text found"),
    ],
)
def test_no_article(data: str | bytes, reason: str) -> None:
    with pytest.raises(ArticleError) as caught:
        extract_article(data, url="http://127.0.0.1:8000/x")
    assert caught.value.reason == reason
    assert str(caught.value) == reason


@pytest.mark.parametrize("cut", [0.1, 0.25, 0.5, 0.75, 0.9])
def test_truncated_pages_never_crash(cut: float) -> None:
    raw = (FIXTURES / "council-flood-defences.html").read_bytes()
    truncated = raw[: int(len(raw) * cut)]
    full = extract_fixture("council-flood-defences").text
    try:
        article = extract_article(truncated)
    except ArticleError as exc:
        assert exc.reason in {"no article text found", "the page is empty"}
    else:  # whatever survives is real article text (the last paragraph may be cut short)
        *whole, last = article.text.split("\n\n")
        assert all(paragraph in full for paragraph in whole)
        assert last[:40] in full


@pytest.mark.parametrize(
    "garbage",
    [
        "<<<>>><<</p></div></html>",
        "<html><body>" + "<div>" * 5000 + "deep" + "</div>" * 10,
        '<?xml version="1.0" encoding="utf-8"?><html><body><p>x</p></body></html>',
        "<html><head><title>t</title></head><body><script>var a = '<p>not text</p>';</script></body></html>",
        "\ufeff<html><body><p>" + "word " * 20 + "</p></body></html>",
    ],
)
def test_garbage_never_crashes(garbage: str) -> None:
    with pytest.raises(ArticleError):
        extract_article(garbage)


def test_fragment_html_with_enough_text_is_read() -> None:
    fragment = "".join(f"<p>{p}</p>" for p in SEED_PARAGRAPHS)
    article = extract_article(fragment)
    assert article.text.split("\n\n") == SEED_PARAGRAPHS


# --------------------------------------------------------------------------------------------- plain text


def test_text_file_is_kept_unchanged() -> None:
    article = article_from_text(SEED_TEXT, name="article.txt")
    assert article.text == SEED_TEXT
    assert article.title == SEED_TITLE.strip()
    assert article.url == "article.txt"
    assert (article.canonical_url, article.site, article.byline, article.published) == (
        None,
        None,
        None,
        None,
    )
    assert article.word_count == len(SEED_TEXT.split())


def test_text_title_is_the_first_non_empty_line() -> None:
    text = "\n\n   \n  Headline here  \nBody line one.\n"
    article = article_from_text(text)
    assert article.title == "Headline here"
    assert article.text == text


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "the file is empty"),
        ("  \n\n\t", "the file is empty"),
        ("abc\x00def\x00", "not text (binary data)"),
        ("\x01\x02\x03\x04 binary \x05\x06\x07", "not text (binary data)"),
        ("--- *** ---", "no article text found"),
    ],
)
def test_bad_text_files(text: str, reason: str) -> None:
    with pytest.raises(ArticleError) as caught:
        article_from_text(text, name="upload.txt")
    assert caught.value.reason == reason


# --------------------------------------------------------------------------------------------- fetched pages


def test_fetched_html_page(page_server: PageServer, fetch_settings: Settings) -> None:
    article = article_from_page(
        fetch(page_server.url("/redirect?to=/seed-russian-losses.html"), fetch_settings)
    )
    assert article.url == page_server.url("seed-russian-losses.html")  # the final URL
    assert article.canonical_url == expected("seed-russian-losses")["page"]["canonical_url"]
    assert article.text.split("\n\n") == SEED_PARAGRAPHS


def test_fetched_text_page(page_server: PageServer, fetch_settings: Settings) -> None:
    page = fetch(page_server.url("/text"), fetch_settings)
    article = article_from_page(page)
    assert article.text == SEED_TEXT
    assert article.title == SEED_TITLE.strip()
    assert article.canonical_url == page_server.url("text")
    assert article.site == "127.0.0.1"


def test_fetched_latin1_page(page_server: PageServer, fetch_settings: Settings) -> None:
    article = article_from_page(fetch(page_server.url("/latin1"), fetch_settings))
    assert "Hélène Bréval" in article.text
    assert article.canonical_url == page_server.url("latin1")


def test_fetched_page_without_an_article(page_server: PageServer, fetch_settings: Settings) -> None:
    with pytest.raises(ArticleError, match="no article text found"):
        article_from_page(fetch(page_server.url("no-article.html"), fetch_settings))


def test_fetched_sniffed_html(page_server: PageServer, fetch_settings: Settings) -> None:
    article = article_from_page(fetch(page_server.url("/as?file=northvale-layoffs.html"), fetch_settings))
    assert article.title == expected("northvale-layoffs")["title"]


def test_fixture_list_is_complete() -> None:
    """Every article fixture has its expectations file, so the extractor's benchmarks can use them all."""
    for name in ARTICLES:
        assert (FIXTURES / f"{name}.expected.json").is_file()
        assert expected(name)["article"] == f"{name}.html"


def test_xhtml_page_with_an_xml_declaration() -> None:
    body = (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>{SEED_TITLE}</title></head><body><article>'
        f"<h1>{SEED_TITLE}</h1>{''.join(f'<p>{p}</p>' for p in SEED_PARAGRAPHS)}</article></body></html>"
    )
    page = FetchedPage(
        url="https://x.example/a",
        final_url="https://x.example/a",
        status=200,
        content_type="application/xhtml+xml",
        encoding=None,
        body=body.encode(),
    )
    article = article_from_page(page)
    assert article.title == SEED_TITLE
    assert article.text.split("\n\n") == SEED_PARAGRAPHS


def test_a_link_card_nested_in_a_sentence_is_not_read_as_part_of_it() -> None:
    card = (
        '<span class="preview"><img src="/p.jpg" alt=""><a href="/people/ana-duarte">Ana Duarte</a>'
        '<a href="/s/1">Council approves new budget after a long night of talks</a> '
        '<a href="/s/2">Duarte asks court to hear the harbour case again</a> '
        '<a href="/people/ana-duarte">MORE</a></span>'
    )
    filler = " ".join(["The harbour plan has been debated for years in the town."] * 12)
    html = (
        "<html><body><article><h1>Harbour plan</h1>"
        "<p>A fisherman was fined for blocking the harbour, Mayor "
        f'<a href="/people/ana-duarte">Ana Duarte</a>{card}'
        " (Independent), the town council announced Monday.</p>"
        f"<p>{filler}</p></article></body></html>"
    )
    text = extract_article(html, url="http://127.0.0.1:8000/harbour.html").text
    assert "Mayor Ana Duarte (Independent), the town council announced Monday." in text
    assert "Council approves" not in text and "MORE" not in text


def test_a_sentence_of_linked_names_is_kept() -> None:
    filler = " ".join(["The harbour plan has been debated for years in the town."] * 12)
    html = (
        "<html><body><article><h1>Harbour plan</h1>"
        '<p>The plan was signed by <span><a href="/a">Mayor Ana Duarte of the Harbour Party</a> and '
        '<a href="/b">Councillor Tomas Reyes of the Coastal Union</a></span> on Friday.</p>'
        f"<p>{filler}</p></article></body></html>"
    )
    text = extract_article(html, url="http://127.0.0.1:8000/harbour.html").text
    assert "signed by Mayor Ana Duarte of the Harbour Party and Councillor Tomas Reyes" in text
