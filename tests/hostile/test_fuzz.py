"""Property-based fuzzing of article extraction and the claim extractor (hypothesis).

Arbitrary text and HTML never raise anything but ArticleError, and every claim's spans point at exactly its
own words in the analysed text. Kept under ~30 s: a bounded number of examples, no per-example deadline.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.claims import Claim, extract_claims
from bot.reading.article import ArticleError, article_from_text, extract_article

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

WORDS = [
    "the",
    "minister",
    "said",
    "that",
    "officials",
    "told",
    "reporters",
    "according",
    "to",
    "police",
    "he",
    "she",
    "they",
    "it",
    "added",
    "stressed",
    "claimed",
    "denied",
    "warned",
    "498",
    "servicemen",
    "more",
    "than",
    "2,870",
    "dead",
    "Igor",
    "Konashenkov",
    "Russian",
    "Defense",
    "Ministry",
    "spokesman",
    "company",
    "council",
    "mayor",
    "was",
    "were",
    "not",
    "a",
    "an",
    "of",
    "in",
    "on",
    "and",
    "but",
    "who",
    "which",
]
PUNCT = ['"', "“", "”", "'", "‘", "’", ",", ".", ":", ";", "—", "-", "(", ")", "\n", "\n\n", "?", "!"]
TAGS = [
    "p",
    "div",
    "span",
    "article",
    "main",
    "h1",
    "h2",
    "a",
    "b",
    "i",
    "table",
    "tr",
    "td",
    "ul",
    "li",
    "script",
    "style",
    "nav",
    "footer",
    "header",
    "blockquote",
    "br",
    "meta",
    "link",
    "title",
    "html",
    "body",
    "head",
    "!--",
    "![CDATA[",
    "?xml",
]

news_text = st.lists(st.sampled_from(WORDS + PUNCT), max_size=120).map(" ".join)
any_text = st.one_of(
    st.text(max_size=600), news_text, st.lists(st.sampled_from(PUNCT + WORDS), max_size=200).map("".join)
)
fragment = st.one_of(
    news_text,
    st.text(max_size=80),
    st.sampled_from(TAGS).map(lambda t: f"<{t}>"),
    st.sampled_from(TAGS).map(lambda t: f"</{t}>"),
    st.sampled_from(TAGS).map(lambda t: f'<{t} class="x" href="javascript:1" content="{t}">'),
    st.sampled_from(["&amp;", "&#0;", "&#xFFFF;", "&nbsp;", "&", "<", ">", "<<", "</", "\x00", "\ufffd"]),
)
html_text = st.lists(fragment, max_size=60).map("".join)


def check_claim(text: str, claim: Claim) -> None:
    start, end = claim.content_span
    assert 0 <= start <= end <= len(text), claim
    assert text[start:end] == claim.content, claim
    if claim.source_span is not None:
        s, e = claim.source_span
        assert 0 <= s <= e <= len(text), claim
        assert text[s:e] == claim.source_mention, claim
    if claim.cue_span is not None:
        s, e = claim.cue_span
        assert 0 <= s <= e <= len(text), claim
        assert text[s:e] == claim.cue, claim
    s, e = claim.sentence_span
    assert 0 <= s <= e <= len(text), claim
    for quantity in claim.quantities:
        qs, qe = quantity.span
        assert 0 <= qs <= qe <= len(text), claim


@FUZZ
@given(any_text)
def test_article_from_text_returns_the_text_unchanged_or_refuses(text: str) -> None:
    try:
        article = article_from_text(text, name="fuzz")
    except ArticleError as exc:
        assert exc.reason and "\n" not in exc.reason
        return
    assert article.text == text


@FUZZ
@given(st.one_of(html_text, st.binary(max_size=800), html_text.map(lambda h: h.encode("utf-8", "replace"))))
def test_extract_article_returns_an_article_or_refuses(html: str | bytes) -> None:
    try:
        article = extract_article(html, url="http://127.0.0.1/fuzz")
    except ArticleError as exc:
        assert exc.reason and "\n" not in exc.reason
        return
    assert article.text == article.text.strip() and "\n\n\n" not in article.text


@FEW
@given(any_text)
# Found by this test: IndexError in bot/claims/rules.py colon_drafts when only punctuation precedes the
# colon. Kept as an example, failing until bot/claims is fixed (its owners route the fix; no xfail here).
@example("':Q# 0")
def test_claim_spans_lie_inside_the_text_and_match_it(nlp: Any, text: str) -> None:
    for claim in extract_claims(nlp, text):
        check_claim(text, claim)


@FEW
@given(news_text, news_text, st.sampled_from(["said", "told reporters", "added", "according to"]))
def test_quoted_speech_spans_match(nlp: Any, quote: str, who: str, cue: str) -> None:
    text = f"“{quote}”, {who} {cue}. {who.capitalize()} {cue} that {quote}."
    for claim in extract_claims(nlp, text):
        check_claim(text, claim)
