"""What kind of piece an article is: news, or one whose writer argues (opinion, analysis, review, advice).

A column's, a review's or an advice column's main claim is its writer's own, with no reporting verb; the
claim extractor shows it under the byline only for these genres. The page says what it is in its URL
path, its section and its byline far more reliably than its text does.
"""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import urlsplit

Genre = Literal["opinion", "analysis", "review", "advice", "letters"]

_SEGMENTS: dict[str, Genre] = {
    "opinion": "opinion",
    "opinions": "opinion",
    "commentisfree": "opinion",
    "comment": "opinion",
    "columnists": "opinion",
    "columns": "opinion",
    "column": "opinion",
    "editorial": "opinion",
    "editorials": "opinion",
    "op-ed": "opinion",
    "oped": "opinion",
    "analysis": "analysis",
    "review": "review",
    "reviews": "review",
    "advice": "advice",
    "letters": "letters",
    "letters to the editor": "letters",
}
_SLUG_REVIEW = re.compile(r"(?:^|-)review(?:-|$|\.)")
_SLUG_LETTERS = re.compile(r"^letters(?:-|$)")
_BYLINE = re.compile(r"^\s*(analysis|opinion|review|commentary)\s+by\b", re.IGNORECASE)
_TITLE = re.compile(
    r"^\s*(opinion|analysis|review|commentary|dear abby|ask amy|letters)\s*[:|—-]|\breview\s*$", re.I
)
_BY_WORD: dict[str, Genre] = {
    "opinion": "opinion",
    "commentary": "opinion",
    "analysis": "analysis",
    "review": "review",
    "dear abby": "advice",
    "ask amy": "advice",
    "letters": "letters",
}


def genre_of(
    url: str | None, title: str | None, byline: str | None, sections: tuple[str, ...] = ()
) -> Genre | None:
    """The piece's genre when the page declares one; None for news (and whenever unsure)."""
    if url:
        path = urlsplit(url).path.lower()
        segments = [s for s in path.split("/") if s]
        for seg in segments[:-1]:
            if seg in _SEGMENTS:
                return _SEGMENTS[seg]
        if segments and _SLUG_REVIEW.search(segments[-1]):
            return "review"
        if segments and _SLUG_LETTERS.match(segments[-1]):
            return "letters"
    for section in sections:
        low = section.strip().lower()
        if low in _SEGMENTS:
            return _SEGMENTS[low]
    m = _BYLINE.match(byline or "")
    if m:
        return _BY_WORD.get(m.group(1).lower(), "opinion")
    m = _TITLE.search(title or "")
    if m:
        word = (m.group(1) or "review").lower()
        return _BY_WORD.get(word, "opinion")
    return None


_LABEL = re.compile(r"^\s*(?:(?:analysis|opinion|review|commentary)\s+)?by\s+", re.IGNORECASE)
_NAME_WORD = re.compile(r"^[A-Z][\w.'’-]*$")
_NOT_NAMES = frozenset(
    {
        *("our", "staff", "reporter", "reporters", "desk", "team", "editor", "editors", "correspondent"),
        *("writer", "writers", "news", "wire", "agencies", "press", "associated", "board"),
    }
)


def byline_author(byline: str | None) -> str | None:
    """ "Analysis by Chris Cillizza; CNN Editor-at-large" -> "Chris Cillizza"; None for a byline that is not
    a person's name ("Letters", "Staff", "Reuters")."""
    if not byline:
        return None
    first = re.split(r"[;|]| and |, ", byline)[0]
    name = _LABEL.sub("", first).strip()
    words = name.split()
    if not 2 <= len(words) <= 4 or not all(_NAME_WORD.match(w) for w in words):
        return None
    if any(w.lower() in _NOT_NAMES for w in words):
        return None
    return name
