"""A column's, review's, advice column's or letter's own claim, shown under its writer's name.

Such a piece argues in its writer's voice: no reporting verb marks the thesis, so the dependency rules
find only the people it quotes. The page's genre (opinion, analysis, review, advice) and byline come from
the article's metadata; the thesis sits where these genres put it:
- opinion, review: the lead's first sentence (the column's claim, the review's summary) and the closing
  paragraph's (the verdict); analysis pieces open with the news they analyse, so only the closing;
- advice: the columnist's answer to each letter, which opens "DEAR <the letter's signature>:";
- letters to the editor (no byline needed): each letter's closing paragraph, under the signer's name.
A sentence holding a quotation or another claim is someone else's words, never the writer's thesis.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .model import Claim

MIN_WORDS = 6  # "Version tested: PC." closes a review without saying anything
MAX_CHARS = 320
LEAD_SALIENCE = 0.9
CLOSING_SALIENCE = 0.85
_PARAGRAPH = re.compile(r"[^\n]+")
_SENTENCE = re.compile(r".+?[.!?](?=\s+[\"“‘A-Z(]|\s*$)", re.DOTALL)
_ENDS = re.compile(r"[.!?\"'”’]\)?\s*$")
# "TOM ELLIOTT IT'S nice to ...": another columnist's teaser closing the page, not this writer's words
_OTHER_BYLINE = re.compile(r"^[A-Z][A-Z'’.-]+ [A-Z][A-Z'’.-]+ ")
_QUOTES = re.compile('["“”«»]')
# an address, a handle or a link: the page's footer talks to its readers ("And here's our email: ..."), a
# writer's verdict does not
_CONTACT = re.compile(r"\S+@\S+\.\w+|(?<!\w)@\w+|https?://")
# the page greeting or sending its reader somewhere, not the writer arguing
_TO_THE_READER = re.compile(
    r"^(?:welcome (?:to|back)|be sure to|don'?t (?:forget|miss)|make sure to|check out|click|sign up|"
    r"subscribe|read (?:more|on)|stay tuned)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")
_SALUTATION = re.compile(r"DEAR ([A-Z][A-Z .'’-]+?):\s*")
_SIGNATURE = re.compile(r"(?:--|—|–)\s*([A-Z][A-Z .'’-]+?)\s*$")


def thesis_claims(
    text: str,
    genre: str | None,
    author: str | None,
    taken: Sequence[tuple[int, int]] = (),
    furniture: Sequence[tuple[int, int]] = (),
) -> list[Claim]:
    """The writer's thesis claims for an argued piece; ``taken`` are spans other claims already hold,
    ``furniture`` the lines of page furniture (furniture.py): a page's closing lines are often its
    footer ("Follow us on ...", "The views expressed ... do not necessarily reflect ..."), not the
    writer's verdict."""
    if genre == "letters":
        spans = [(s, e, CLOSING_SALIENCE, signer) for s, e, signer in _letters(text)]
    elif not author or genre not in {"opinion", "analysis", "review", "advice"}:
        return []
    elif genre == "advice":
        spans = [(s, e, LEAD_SALIENCE, author) for s, e in _answers(text)]
    else:
        spans = [(s, e, salience, author) for s, e, salience in _lead_and_close(text, genre, furniture)]
    out = []
    for s, e, salience, writer in spans:
        words = text[s:e]
        if _QUOTES.search(words) or words.rstrip().endswith("?") or _TO_THE_READER.match(words):
            continue
        if any(s < te and ts < e for ts, te in taken):
            continue
        out.append(
            Claim(
                content=words,
                content_span=(s, e),
                kind="thesis",
                source=writer,
                source_kind="person",
                sentence_span=(s, e),
                salience=salience,
            )
        )
    return out


def _lead_and_close(
    text: str, genre: str, furniture: Sequence[tuple[int, int]]
) -> list[tuple[int, int, float]]:
    """The first sentences of the lead (not for an analysis) and of the closing paragraph."""
    paragraphs = [
        p
        for p in _PARAGRAPH.finditer(text)
        if len(_WORD.findall(p.group())) >= MIN_WORDS
        and _ENDS.search(p.group())  # a heading or a teaser ends no sentence
        and not _OTHER_BYLINE.match(p.group())
        and not any(p.start() < fe and fs < p.end() for fs, fe in furniture)
        and not _CONTACT.search(p.group())
    ]
    picks = []
    if paragraphs and genre != "analysis":
        picks.append((paragraphs[0], LEAD_SALIENCE))
    if len(paragraphs) > 1:
        picks.append((paragraphs[-1], CLOSING_SALIENCE))
    out = []
    for para, salience in picks:
        span = _first_sentence(text, para.start(), para.end())
        if span is not None:
            out.append((*span, salience))
    return out


def _first_sentence(text: str, start: int, end: int) -> tuple[int, int] | None:
    m = _SENTENCE.match(text, start, end)
    stop = m.end() if m else end
    if stop - start > MAX_CHARS or len(_WORD.findall(text, start, stop)) < MIN_WORDS:
        return None
    return start, stop


def _answers(text: str) -> list[tuple[int, int]]:
    """The columnist's answers: paragraphs saluting a letter's signer ("-- FEELING LIKE SECOND RATE" is
    answered "DEAR FEELING:"); a letter's own salutation names the column, which signs nothing."""
    signers: list[str] = []
    out = []
    for para in _PARAGRAPH.finditer(text):
        line = para.group()
        m = _SALUTATION.match(line)
        if m and any(signer.startswith(m.group(1).strip()) for signer in signers):
            body_start = para.start() + m.end()
            span = _first_sentences(text, body_start, para.end())
            if span is not None:
                out.append(span)
        sig = _SIGNATURE.search(line)
        if sig:
            signers.append(sig.group(1).strip())
    return out


def _letters(text: str) -> list[tuple[int, int, str]]:
    """Letters to the editor: each is signed by a name line and a place line ("Ninfa Wood" / "Walnut
    Creek") after its paragraphs; its point is the last paragraph's opening."""
    lines = list(_PARAGRAPH.finditer(text))
    out = []
    body: list[re.Match[str]] = []
    for i, line in enumerate(lines):
        words = line.group().split()
        place = lines[i + 1].group().split() if i + 1 < len(lines) else []
        signed = 2 <= len(words) <= 4 and 1 <= len(place) <= 3 and _names(words) and _names(place)
        if signed and body:
            last = body[-1]
            span = _first_sentences(text, last.start(), last.end())
            if span is not None:
                out.append((*span, line.group().strip()))
            body = []
        elif _ENDS.search(line.group()) and len(_WORD.findall(line.group())) >= MIN_WORDS:
            body.append(line)
    return out


def _names(words: list[str]) -> bool:
    return all(
        w[:1].isupper() and w.rstrip(".").replace("-", "").replace("'", "").isalpha() for w in words
    ) and not (_ENDS.search(words[-1]))


def _first_sentences(text: str, start: int, end: int) -> tuple[int, int] | None:
    """As many whole sentences as fit in MAX_CHARS (an answer's point often comes second)."""
    stop = start
    for m in _SENTENCE.finditer(text, start, end):
        if m.end() - start > MAX_CHARS:
            break
        stop = m.end()
    if stop == start or len(_WORD.findall(text, start, stop)) < MIN_WORDS:
        return None
    return start, stop
