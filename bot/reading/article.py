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
from lxml import etree
from lxml.html import HtmlElement

from bot.config import Settings
from bot.errors import BotError
from bot.reading.charsets import decode, garbled, looks_binary
from bot.reading.fetch import TEXT_TYPES, FetchedPage, fetch
from bot.reading.genre import Genre, byline_author, genre_of
from bot.reading.link_cards import drop_link_cards
from bot.reading.urls import normalize_url

__all__ = [
    "MAX_ARTICLE_WORDS",
    "MAX_ELEMENTS",
    "MAX_PAGE_CHARS",
    "MAX_TAG_DEPTH",
    "ArticleError",
    "ArticleText",
    "article_from_page",
    "article_from_text",
    "detect_language",
    "extract_article",
]

logger = logging.getLogger(__name__)

# Fewer words than this is a teaser, a paywall stub or a link list, not an article to find claims in.
MIN_ARTICLE_WORDS = 40

# Work caps, measured on this kind of machine (tests/hostile/test_content.py holds the pages):
# - trafilatura's time grows with the number of elements, ~60-230 us each: 50,000 elements take under 5 s,
#   a million took 1-2 minutes. Real news pages have a few thousand.
MAX_ELEMENTS = 50_000
# - libxml2 stops parsing at 256 levels of nesting and silently drops the rest of the page, so a deeper
#   page would be read truncated; real pages stay under 60 levels. Refusing also keeps recursive code safe.
MAX_TAG_DEPTH = 200
# - a page larger than this is refused before parsing (the fetcher's default cap is 5 MB; files from the
#   command line have none). Parsing is ~0.1 s and ~30 MB of memory per MB.
MAX_PAGE_CHARS = 10_000_000
# - the claim extractor reads ~2,000 words/s: 20,000 words (a very long feature) take ~10 s.
MAX_ARTICLE_WORDS = 20_000

# Language: the English pipeline finds garbage claims in other languages, so an article is refused when its
# text is clearly in another language. Decided on the first LANGUAGE_SAMPLE_CHARS characters:
# - mostly (> half the letters) non-Latin script: the script's language (stop words pick within a script);
# - Latin script, at least MIN_LANGUAGE_WORDS words: the share of words that are a language's own frequent
#   function words; another language wins when its share is >= 0.15 and more than twice English's.
# Anything else (too short, no known function words) is treated as English: we refuse only what we identify.
# <html lang> is not trusted: CMS templates declare "en" on every page whatever the text.
LANGUAGE_SAMPLE_CHARS = 20_000
MIN_LANGUAGE_WORDS = 20
MIN_LANGUAGE_SHARE = 0.15

# The most frequent function words of each language (data, not code). A word another language shares with
# English ("a", "in", "on") counts only for English, so English text never scores for another language.
FUNCTION_WORDS: dict[str, str] = {
    "en": "the of and to a in is that it was for on with as he be by at said his are from this have an not "
    "they were has had but or which been who will their would its she her there more also we",
    "de": "der die das und ist nicht ein eine zu den von mit sich des auf für im dem wird sie er auch es "
    "bei nach aus wie wurde sind oder noch hat haben einer vom zum zur dass über",
    "fr": "le la les et des du un une est que qui dans pour pas par au sur ne se il avec ce sont ont été "
    "aux mais plus elle ils cette leur selon fait être",
    "es": "el la los las y de que en un una es por con para del se lo no su al como más pero sus le ha "
    "fue este esta son también según entre",
    "it": "il la di che e un una per non sono del della con le si gli da al dei delle nel è anche come "
    "più ha stato alla questo essere",
    "pt": "o os as de e que um uma do da dos das em para com não por no na se mais foi ao são como ser "
    "também pelo pela seu sua está",
    "nl": "de het een en van is dat op te in niet zijn met voor die er hij aan ook als maar bij door om "
    "werd worden deze naar wordt heeft",
    "sv": "och att det som en på är av för med till den har de inte om ett han var men från vid sig "
    "även eller kan efter",
    "da": "og at det som en på er af for med til den har de ikke om et han var men fra ved sig også "
    "eller kan efter blev",
    "no": "og å det som en på er av for med til den har de ikke om et han var men fra ved seg også "
    "eller kan etter ble",
    "fi": "ja on ei se että oli hän ovat mutta joka kuin myös tai mukaan kun vain sen hänen niin sekä "
    "olla jo",
    "pl": "i w na z że się nie do jest to o jak po przez od za dla ale co tak czy jego które został są "
    "jej był także",
    "cs": "a v na se je že to s z do o k ve jako by pro ale jsou byl není od které tak podle už jeho také",
    "ro": "și în de la cu a pe că nu o un este din care mai pentru sunt au fost ce se acest această ale",
    "hu": "a az és hogy nem is egy meg de van volt már csak el mint kell még ez azt mert vagy szerint",
    "tr": "ve bir bu da de için ile olarak çok daha gibi ne ama olan kadar ise sonra göre değil her",
    "id": "yang dan di ini itu dengan untuk tidak dari dalam akan pada juga ke karena ada oleh mereka "
    "bahwa kata telah sudah",
    "ru": "и в не на что с по как он это из к у за от она его но так же о для только был бы",
    "uk": "і в не на що з та як він це до у за від вона його але так же про для тільки був би є",
    "bg": "и в не на че с по като той това от за е да се са но тя го му бе ще",
}


@dataclass(frozen=True, slots=True)
class ArticleText:
    url: str | None  # where it came from: final URL, or a file path / id
    canonical_url: str | None  # <link rel=canonical> / og:url, else the normalized URL; None for files
    title: str | None
    site: str | None
    byline: str | None
    published: datetime.date | None
    text: str  # main text, paragraphs separated by "\n\n"; claim offsets refer to this string
    genre: Genre | None = None  # a piece whose writer argues (genre.py); None for news

    @property
    def author(self) -> str | None:
        """The byline's first person, without "Analysis by"-style labels or a second name or title."""
        return byline_author(self.byline)

    @property
    def word_count(self) -> int:
        return len(self.text.split())


class ArticleError(BotError):
    """No usable article; ``reason`` is one line fit to show the user."""

    def __init__(self, reason: str, source: str | None = None) -> None:
        super().__init__(reason, source)
        self.source = source


def read_url(url: str, settings: Settings) -> ArticleText:
    """The article behind a user's link: the guarded fetch, then trafilatura."""
    return article_from_page(fetch(url, settings))


def extract_article(html: str | bytes, url: str | None = None) -> ArticleText:
    """Article text and metadata from an HTML page; ArticleError when there is no article in it."""
    try:
        return _extract(html, url)
    except ArticleError as exc:
        logger.info("no article in %s: %s", url or "page", exc.reason)
        raise


def article_from_text(text: str, name: str | None = None) -> ArticleText:
    """A plain-text article: ``text`` is kept unchanged, its first non-empty line is the title."""
    if looks_binary(text):
        raise ArticleError("not text (binary data)", name)
    if not text.strip():
        raise ArticleError("the file is empty", name)
    if not re.search(r"\w", text):
        raise ArticleError("no article text found", name)
    _check_text(text, name)
    title = next(line.strip() for line in text.splitlines() if line.strip())
    return ArticleText(
        url=name, canonical_url=None, title=title, site=None, byline=None, published=None, text=text
    )


def detect_language(text: str) -> str | None:
    """The language ``text`` is clearly written in (ISO 639-1, or a script name), or None when unsure.

    Cheap on purpose (no model): see the rule above FUNCTION_WORDS. English text gives "en".
    """
    sample = text[:LANGUAGE_SAMPLE_CHARS]
    scripts: dict[str, int] = {}
    for ch in sample:
        if ch.isalpha():
            script = unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0]
            scripts[script] = scripts.get(script, 0) + 1
    letters = sum(scripts.values())
    if letters < MIN_LANGUAGE_WORDS:
        return None
    words = [w.casefold() for w in _WORD.findall(sample)]
    script, count = max(scripts.items(), key=lambda item: item[1])
    if script != "LATIN" and count * 2 > letters:
        if (scripts.get("HIRAGANA", 0) + scripts.get("KATAKANA", 0)) * 20 > letters:
            return "ja"
        candidates = [lang for lang in _SCRIPT_LANGUAGES.get(script, ()) if lang in _WORDS]
        if candidates:
            shares = {lang: _share(words, _WORDS[lang]) for lang in candidates}
            best = max(shares, key=shares.__getitem__)
            if shares[best] > 0:
                return best
        return _SCRIPT_CODES.get(script) or f"{script.lower()} script"
    if len(words) < MIN_LANGUAGE_WORDS:
        return None
    english = _share(words, _WORDS["en"])
    others = {lang: _share(words, vocab) for lang, vocab in _WORDS.items() if lang != "en"}
    best = max(others, key=others.__getitem__)
    if others[best] >= MIN_LANGUAGE_SHARE and others[best] > 2 * english:
        return best
    return "en" if english >= MIN_LANGUAGE_SHARE else None


def article_from_page(page: FetchedPage) -> ArticleText:
    """The article in a fetched page: HTML through trafilatura, text/plain as it is."""
    if looks_binary(page.body):  # a PDF or an image served as text/html still starts with its signature
        raise ArticleError("not text (binary data)", page.final_url)
    if page.content_type in TEXT_TYPES:
        article = article_from_text(decode(page.body, page.encoding, html=False), name=page.final_url)
        return replace(article, canonical_url=normalize_url(page.final_url), site=_host(page.final_url))
    return extract_article(decode(page.body, page.encoding), url=page.final_url)


# --------------------------------------------------------------------------------------------- internals


def _extract(html: str | bytes, url: str | None) -> ArticleText:
    if isinstance(html, bytes):
        if looks_binary(html):
            raise ArticleError("not text (binary data)", url)
        if len(html) > MAX_PAGE_CHARS:
            raise ArticleError(f"the page is too large to read (over {MAX_PAGE_CHARS // 1_000_000} MB)", url)
        html = decode(html)
    if looks_binary(html):
        raise ArticleError("not text (binary data)", url)
    if not html.strip():
        raise ArticleError("the page is empty", url)
    if len(html) > MAX_PAGE_CHARS:
        raise ArticleError(f"the page is too large to read (over {MAX_PAGE_CHARS // 1_000_000} MB)", url)

    tree = _load(html)
    if tree is None:
        raise ArticleError("no article text found", url)
    _check_markup(tree, url)
    head = _head_metadata(tree, url)
    drop_link_cards(tree)
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
    _check_text(text, url)  # first: Chinese or Japanese text has few spaces, so few "words"
    if len(text.split()) < MIN_ARTICLE_WORDS:
        raise ArticleError("no article text found", url)

    canonical = head.get("canonical") or (normalize_url(url) if _is_web_url(url) else None)
    site = _clean(head.get("og:site_name")) or _clean(document.sitename) or _host(canonical) or _host(url)
    byline = _clean(document.author)
    sections = tuple(document.categories or ())
    return ArticleText(
        url=url,
        canonical_url=canonical,
        title=title,
        site=site,
        byline=byline,
        published=_date(document.date),
        text=text,
        genre=genre_of(canonical or url, title, byline, sections),
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


def _check_markup(tree: HtmlElement, url: str | None) -> None:
    """Refuse markup that would be read truncated (too deep) or take minutes (too many elements)."""
    depth = deepest = elements = 0
    for event, _ in etree.iterwalk(tree, events=("start", "end")):
        if event == "end":
            depth -= 1
            continue
        depth += 1
        elements += 1
        deepest = max(deepest, depth)
        if deepest >= MAX_TAG_DEPTH:
            raise ArticleError(f"the page's markup is nested too deeply (over {MAX_TAG_DEPTH} levels)", url)
        if elements > MAX_ELEMENTS:
            raise ArticleError(f"the page has too many elements to read (over {MAX_ELEMENTS:,})", url)


def _check_text(text: str, source: str | None) -> None:
    """Refuse text the English claim extractor cannot use: garbled, another language, or too long."""
    if garbled(text):
        raise ArticleError("the text is garbled (its character encoding is declared wrongly)", source)
    language = detect_language(text)
    if language not in (None, "en"):
        raise ArticleError(f"the article is not in English ({language})", source)
    words = len(text.split())
    if words > MAX_ARTICLE_WORDS:
        raise ArticleError(
            f"the article is too long to analyse ({words:,} words, limit {MAX_ARTICLE_WORDS:,})", source
        )


_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_ENGLISH = frozenset(FUNCTION_WORDS["en"].split())
_WORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split()) if lang == "en" else frozenset(words.split()) - _ENGLISH
    for lang, words in FUNCTION_WORDS.items()
}
_SCRIPT_LANGUAGES: dict[str, tuple[str, ...]] = {"CYRILLIC": ("ru", "uk", "bg")}
_SCRIPT_CODES = {
    "CYRILLIC": "ru",
    "GREEK": "el",
    "ARABIC": "ar",
    "HEBREW": "he",
    "HANGUL": "ko",
    "CJK": "zh",
    "DEVANAGARI": "hi",
    "THAI": "th",
    "ARMENIAN": "hy",
    "GEORGIAN": "ka",
    "BENGALI": "bn",
    "TAMIL": "ta",
}


def _share(words: list[str], vocabulary: frozenset[str]) -> float:
    return sum(1 for w in words if w in vocabulary) / len(words) if words else 0.0
