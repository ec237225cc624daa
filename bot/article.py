"""Main text and metadata of a news page (trafilatura), or of a plain-text file.

Claims later point into ``ArticleText.text`` by character offset, so the text is returned exactly as the
claim extractor will see it: paragraphs separated by a blank line, quotes and apostrophes untouched.
"""

from __future__ import annotations

import datetime
import logging
import re
import unicodedata
from dataclasses import dataclass, replace
from urllib.parse import urljoin, urlsplit

import trafilatura
from lxml.html import HtmlElement

from bot.fetch import TEXT_TYPES, FetchedPage, decode_body, looks_binary, normalize_url

__all__ = ["ArticleError", "ArticleText", "article_from_page", "article_from_text", "extract_article"]

logger = logging.getLogger(__name__)

# Fewer words than this is a teaser, a paywall stub or a link list, not an article to find claims in.
MIN_ARTICLE_WORDS = 40


@dataclass(frozen=True, slots=True)
class ArticleText:
    url: str | None  # where it came from: final URL, or a file path / id
    canonical_url: str | None  # <link rel=canonical> / og:url, else the normalized URL; None for files
    title: str | None
    site: str | None
    byline: str | None
    published: datetime.date | None
    text: str  # main text, paragraphs separated by "\n\n"; claim offsets refer to this string

    @property
    def word_count(self) -> int:
        return len(self.text.split())


class ArticleError(Exception):
    """No usable article; ``reason`` is one line fit to show the user."""

    def __init__(self, reason: str, source: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.source = source

    def __str__(self) -> str:
        return self.reason


def extract_article(html: str | bytes, url: str | None = None) -> ArticleText:
    """Article text and metadata from an HTML page; ArticleError when there is no article in it."""
    try:
        return _extract(html, url)
    except ArticleError as exc:
        logger.info("no article in %s: %s", url or "page", exc.reason)
        raise


def article_from_text(text: str, name: str | None = None) -> ArticleText:
    """A plain-text article: ``text`` is kept unchanged, its first non-empty line is the title."""
    if _is_binary_text(text):
        raise ArticleError("not text (binary data)", name)
    if not text.strip():
        raise ArticleError("the file is empty", name)
    if not re.search(r"\w", text):
        raise ArticleError("no article text found", name)
    title = next(line.strip() for line in text.splitlines() if line.strip())
    return ArticleText(
        url=name, canonical_url=None, title=title, site=None, byline=None, published=None, text=text
    )


def article_from_page(page: FetchedPage) -> ArticleText:
    """The article in a fetched page: HTML through trafilatura, text/plain as it is."""
    if page.content_type in TEXT_TYPES:
        if looks_binary(page.body):
            raise ArticleError("not text (binary data)", page.final_url)
        article = article_from_text(page.text(), name=page.final_url)
        return replace(article, canonical_url=normalize_url(page.final_url), site=_host(page.final_url))
    return extract_article(page.text(), url=page.final_url)


# --------------------------------------------------------------------------------------------- internals


def _extract(html: str | bytes, url: str | None) -> ArticleText:
    if isinstance(html, bytes):
        if looks_binary(html):
            raise ArticleError("not text (binary data)", url)
        html = decode_body(html)
    if _is_binary_text(html):
        raise ArticleError("not text (binary data)", url)
    if not html.strip():
        raise ArticleError("the page is empty", url)

    tree = _load(html)
    if tree is None:
        raise ArticleError("no article text found", url)
    head = _head_metadata(tree, url)
    try:
        document = trafilatura.bare_extraction(
            tree,
            url=url,
            favor_precision=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            with_metadata=True,
            date_extraction_params={"original_date": True, "extensive_search": False},
        )
    except Exception as exc:  # lxml and trafilatura raise assorted errors on pathological markup
        logger.warning("trafilatura failed on %s: %r", url or "page", exc)
        raise ArticleError("the page could not be read", url) from exc
    if document is None or not document.text:
        raise ArticleError("no article text found", url)

    title = _clean(document.title) or _clean(head.get("og:title"))
    text = _paragraphs(document.text, title)
    if len(text.split()) < MIN_ARTICLE_WORDS:
        raise ArticleError("no article text found", url)

    canonical = head.get("canonical") or (normalize_url(url) if _is_web_url(url) else None)
    site = _clean(head.get("og:site_name")) or _clean(document.sitename) or _host(canonical) or _host(url)
    return ArticleText(
        url=url,
        canonical_url=canonical,
        title=title,
        site=site,
        byline=_clean(document.author),
        published=_date(document.date),
        text=text,
    )


def _load(html: str) -> HtmlElement | None:
    """Parse like trafilatura does; a bare fragment ("<p>..</p>" only) is wrapped so it parses too."""
    try:
        tree = trafilatura.load_html(html)
        if tree is None:
            tree = trafilatura.load_html(f"<html><body><div>{html}</div></body></html>")
    except Exception as exc:  # malformed input must not crash the pipeline
        logger.warning("could not parse HTML: %r", exc)
        return None
    return tree


def _head_metadata(tree: HtmlElement, url: str | None) -> dict[str, str]:
    """Canonical URL, og:title and og:site_name, read before trafilatura prunes the tree."""
    found: dict[str, str] = {}
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        href = (link.get("href") or "").strip()
        if "canonical" in rel and href and "canonical" not in found:
            absolute = _absolute(href, url)
            if absolute:
                found["canonical"] = absolute
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        value = (meta.get("content") or "").strip()
        if key in {"og:url", "og:title", "og:site_name"} and value and key not in found:
            found[key] = value
    if "canonical" not in found and "og:url" in found:
        absolute = _absolute(found["og:url"], url)
        if absolute:
            found["canonical"] = absolute
    return found


def _absolute(href: str, base: str | None) -> str | None:
    """An absolute, normalized http(s) URL, or None for anything else (javascript:, junk)."""
    try:
        absolute = urljoin(base or "", href)
    except ValueError:
        return None
    return normalize_url(absolute) if _is_web_url(absolute) else None


def _is_web_url(url: str | None) -> bool:
    if not url:
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and bool(parts.hostname)


def _host(url: str | None) -> str | None:
    if not _is_web_url(url):
        return None
    host = urlsplit(url).hostname or ""  # type: ignore[arg-type]
    return host.removeprefix("www.") or None


def _paragraphs(raw: str, title: str | None) -> str:
    """trafilatura's lines as paragraphs separated by a blank line, without the title repeated on top."""
    paragraphs = [line.strip() for line in raw.splitlines() if line.strip()]
    if paragraphs and title and _same(paragraphs[0], title):
        paragraphs = paragraphs[1:]
    return "\n\n".join(paragraphs)


def _same(a: str, b: str) -> bool:
    def key(s: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", s).casefold().split()).rstrip(".:!? ")

    return key(a) == key(b)


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def _date(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _is_binary_text(text: str) -> bool:
    head = text[:4096]
    if "\x00" in head or "\ufffd" * 8 in head:
        return True
    controls = sum(1 for ch in head if ord(ch) < 32 and ch not in "\t\n\r\f\x1b")
    return bool(head) and controls / len(head) > 0.02
