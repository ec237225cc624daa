"""Numbers in a claim, with their value and what they count ("about 3,700 wounded", "498 servicemen")."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from .lexicon import Lexicon
from .model import Quantity

SKIP_ENTS = frozenset({"DATE", "TIME", "ORDINAL"})
_NUMERIC = re.compile(r"^[$€£]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?$")


MULTIPLIERS = frozenset({"dozen", "hundred", "thousand", "million", "billion", "trillion"})
VAGUE_PLURALS = frozenset({"tens", "dozens", "hundreds", "thousands", "millions", "billions", "trillions"})
_ARTICLES = frozenset({"a", "an"})


def parse_quantity(words: list[str], lexicon: Lexicon) -> tuple[float, bool] | None:
    """Value of a number phrase and whether it is only a lower bound.

    "1,597" -> 1597; "2.5 million" -> 2.5e6; "a dozen" -> 12; "half a million" -> 5e5. A vague plural
    counts at least two of its unit: "hundreds" -> 200, "tens of thousands" -> 20,000 (lower bounds).
    """
    total = 0.0
    current: float | None = None
    vague = False
    for raw in words:
        w = raw.lower().strip("$€£%").replace(",", "")
        if not w or w in {"and", "-", "of"}:
            continue
        if w in _ARTICLES and current is not None:
            continue  # "half a million"
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
        if w in VAGUE_PLURALS:
            vague = True
            current = (current if current is not None else 2.0) * word
            if word >= 1000:
                total += current
                current = None
        elif word >= 100 or w == "dozen":
            current = (current or 1.0) * word
            if word >= 1000:
                total += current
                current = None
        else:
            current = word if current is None else current + word
    result = total + (current or 0.0)
    return (result, vague) if (total or current is not None) else None


def parse_number(words: list[str], lexicon: Lexicon) -> float | None:
    """Value of a number phrase: "1,597" -> 1597, "2.5 million" -> 2.5e6, "two dozen" -> 24."""
    parsed = parse_quantity(words, lexicon)
    return None if parsed is None else parsed[0]


def _is_number(tok: Token) -> bool:
    low = tok.lower_
    if tok.ent_type_ in SKIP_ENTS:
        return False
    if low in VAGUE_PLURALS or low in MULTIPLIERS:
        return True
    nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
    if low in _ARTICLES or low == "half":  # "a dozen", "half a million", "a thousand"
        return nxt is not None and (nxt.lower_ in MULTIPLIERS or (low == "half" and nxt.lower_ in _ARTICLES))
    if low == "one" and tok.dep_ != "nummod":
        return False
    return tok.like_num or tok.pos_ == "NUM" or bool(_NUMERIC.match(tok.text))


def _number_tokens(doc: Doc, start: int, end: int) -> list[list[Token]]:
    groups: list[list[Token]] = []
    for tok in doc[start:end]:
        if tok.lower_ == "of" and groups and groups[-1][-1].i == tok.i - 1:
            # "tens of thousands", "hundreds of millions": the "of" joins two magnitudes
            prev, nxt = doc[tok.i - 1], (doc[tok.i + 1] if tok.i + 1 < end else None)
            if (
                prev.lower_ in VAGUE_PLURALS
                and nxt is not None
                and (nxt.lower_ in VAGUE_PLURALS or nxt.lower_ in MULTIPLIERS)
            ):
                groups[-1].append(tok)
            continue
        if not _is_number(tok):
            continue
        if groups and groups[-1][-1].i == tok.i - 1:
            groups[-1].append(tok)
        else:
            groups.append([tok])
    return groups


def _hedge_start(doc: Doc, first: Token, lexicon: Lexicon) -> tuple[int, tuple[str, ...]]:
    """Where the phrase starts (a hedge or currency sign before the number) and the hedge found."""
    i = first.i
    if i > 0 and doc[i - 1].text in {"$", "€", "£"}:
        i -= 1
    for hedge in sorted(lexicon.quantity_hedges, key=len, reverse=True):
        n = len(hedge)
        if i - n >= 0 and tuple(t.lower_ for t in doc[i - n : i]) == hedge:
            return i - n, hedge
    return i, ()


def _passed(doc: Doc, first: int, lexicon: Lexicon) -> bool:
    """A verb of passing right before the number ("the death toll has surpassed 36,000", "cases top 1.4
    million"): a lower bound, as "more than" is (the lexicon's measures.passing_verbs)."""
    return first > 0 and doc[first - 1].lower_ in lexicon.measures.get("passing_verbs", ())


def _counted(group: list[Token]) -> str:
    """The noun phrase the number counts: its head noun with the modifiers in between, or else the run of
    adjectives and nouns right after it ("two dozen officers", where the parser loses the head, or
    "hundreds of protesters")."""
    last = group[-1]
    doc = last.doc
    head = last.head if last.dep_ in {"nummod", "quantmod"} else None
    if head is not None and last.i < head.i <= last.i + 6 and head.pos_ in {"NOUN", "PROPN"}:
        return doc[last.i + 1 : head.i + 1].text
    nxt = doc[last.i + 1] if last.i + 1 < len(doc) else None
    if nxt is not None and nxt.lower_ in {"percent", "%", "per"}:
        return "percent"
    after = last.i + 1
    if nxt is not None and nxt.lower_ == "of" and last.lower_ in VAGUE_PLURALS | MULTIPLIERS:
        after += 1  # "hundreds of protesters", "a dozen of them"
    run: list[Token] = []
    for tok in doc[after : min(len(doc), after + 5)]:
        if tok.pos_ not in {"ADJ", "NOUN", "PROPN"}:
            break
        run.append(tok)
    while run and run[-1].pos_ == "ADJ":
        run.pop()
    return doc[run[0].i : run[-1].i + 1].text if run else ""


def _ratio(doc: Doc, group: list[Token], start: int, lexicon: Lexicon) -> Quantity | None:
    """ "one in three voters", "nine out of 10": a share, given in percent like "40 percent" (33.3)."""
    i = group[0].i
    if i - 2 >= start and doc[i - 1].lower_ == "in":
        joint = 1
    elif i - 3 >= start and (doc[i - 2].lower_, doc[i - 1].lower_) == ("out", "of"):
        joint = 2
    else:
        return None
    first = doc[i - joint - 1]
    part = parse_number([first.text], lexicon) if first.like_num or first.pos_ == "NUM" else None
    whole = parse_number([t.text for t in group], lexicon)
    if part is None or not whole or part > whole or not _round_whole(whole):
        return None
    share = 100 * part / whole
    span = (first.idx, group[-1].idx + len(group[-1].text))
    bound = "exact" if share == round(share, 1) else "about"
    text = doc[first.i : group[-1].i + 1].text
    return Quantity(value=round(share, 1), text=text, counted="percent", span=span, bound=bound)


def _round_whole(whole: float) -> bool:
    """Shares are told out of a small or round number ("one in 20", "nine in 10", "one in 1,000"), which
    keeps "killed 12 in 24 raids" a count."""
    return whole <= 20 or (whole == int(whole) and str(int(whole)).rstrip("0") == "1")


def find_quantities(doc: Doc, start: int, end: int, lexicon: Lexicon) -> tuple[Quantity, ...]:
    """Quantities in token range [start, end): dates, times and ordinals are not counts."""
    out: list[Quantity] = []
    for group in _number_tokens(doc, start, end):
        ratio = _ratio(doc, group, start, lexicon)
        if ratio is not None:
            if out and out[-1].span[0] >= ratio.span[0]:
                out.pop()  # "nine" of "nine out of 10" was read as a count of its own
            out.append(ratio)
            continue
        parsed = parse_quantity([t.text for t in group], lexicon)
        if parsed is None:
            continue
        value, vague = parsed
        first, hedge = _hedge_start(doc, group[0], lexicon)
        first = max(first, start)
        passed = not hedge and _passed(doc, first, lexicon)
        bound = lexicon.quantity_bounds.get(hedge) or ("at_least" if vague or passed else "exact")
        s = doc[first].idx
        e = group[-1].idx + len(group[-1].text)
        phrase = doc[first : group[-1].i + 1].text
        out.append(Quantity(value=value, text=phrase, counted=_counted(group), span=(s, e), bound=bound))
    return tuple(out)
