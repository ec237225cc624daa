"""Numbers in a claim, with their value and what they count ("about 3,700 wounded", "498 servicemen")."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from .lexicon import Lexicon
from .model import Quantity

SKIP_ENTS = frozenset({"DATE", "TIME", "ORDINAL"})
_NUMERIC = re.compile(r"^[$€£]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?$")


def parse_number(words: list[str], lexicon: Lexicon) -> float | None:
    """Value of a number phrase: "1,597" -> 1597, "2.5 million" -> 2.5e6, "two dozen" -> 24."""
    total = 0.0
    current: float | None = None
    for raw in words:
        w = raw.lower().strip("$€£%").replace(",", "")
        if not w or w in {"and", "-"}:
            continue
        try:
            value = float(w)
        except ValueError:
            value = None
        if value is not None:
            current = value if current is None else current + value
            continue
        word = lexicon.number_words.get(w)
        if word is None:
            return None
        if word >= 100 or w in {"dozen", "dozens"}:
            current = (current or 1.0) * word
            if word >= 1000:
                total += current
                current = None
        else:
            current = word if current is None else current + word
    result = total + (current or 0.0)
    return result if (total or current is not None) else None


def _number_tokens(doc: Doc, start: int, end: int) -> list[list[Token]]:
    groups: list[list[Token]] = []
    for tok in doc[start:end]:
        is_num = tok.like_num or tok.pos_ == "NUM" or bool(_NUMERIC.match(tok.text))
        if tok.lower_ in {"dozen", "dozens", "hundreds", "thousands", "millions", "billions"}:
            is_num = True
        if tok.ent_type_ in SKIP_ENTS or (tok.lower_ in {"one", "a", "an"} and tok.dep_ != "nummod"):
            is_num = False
        if not is_num:
            continue
        if groups and groups[-1][-1].i == tok.i - 1:
            groups[-1].append(tok)
        else:
            groups.append([tok])
    return groups


def _hedge_start(doc: Doc, first: Token, lexicon: Lexicon) -> int:
    for hedge in sorted(lexicon.quantity_hedges, key=len, reverse=True):
        n = len(hedge)
        if first.i - n >= 0 and tuple(t.lower_ for t in doc[first.i - n : first.i]) == hedge:
            return first.i - n
    if first.i > 0 and doc[first.i - 1].text in {"$", "€", "£"}:
        return first.i - 1
    return first.i


def _counted(group: list[Token]) -> str:
    """The noun phrase the number counts: its head noun with the modifiers in between, or else the run of
    adjectives and nouns right after it ("two dozen officers", where the parser loses the head)."""
    last = group[-1]
    doc = last.doc
    head = last.head if last.dep_ in {"nummod", "quantmod"} else None
    if head is not None and last.i < head.i <= last.i + 6 and head.pos_ in {"NOUN", "PROPN"}:
        return doc[last.i + 1 : head.i + 1].text
    nxt = doc[last.i + 1] if last.i + 1 < len(doc) else None
    if nxt is not None and nxt.lower_ in {"percent", "%", "per"}:
        return "percent"
    run: list[Token] = []
    for tok in doc[last.i + 1 : min(len(doc), last.i + 6)]:
        if tok.pos_ not in {"ADJ", "NOUN", "PROPN"}:
            break
        run.append(tok)
    while run and run[-1].pos_ == "ADJ":
        run.pop()
    return doc[run[0].i : run[-1].i + 1].text if run else ""


def find_quantities(doc: Doc, start: int, end: int, lexicon: Lexicon) -> tuple[Quantity, ...]:
    """Quantities in token range [start, end): dates, times and ordinals are not counts."""
    out: list[Quantity] = []
    for group in _number_tokens(doc, start, end):
        words = [t.text for t in group]
        value = parse_number(words, lexicon)
        if value is None:
            continue
        first = _hedge_start(doc, group[0], lexicon)
        first = max(first, start)
        s = doc[first].idx
        e = group[-1].idx + len(group[-1].text)
        phrase = doc[first : group[-1].i + 1].text
        out.append(Quantity(value=value, text=phrase, counted=_counted(group), span=(s, e)))
    return tuple(out)
