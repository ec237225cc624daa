"""What a figure measures: the key under which a claim's "Earlier: ..." and "Differs from ..." lines
(issue 14) look for other figures, and its qualifiers.

Strings in, no parse: a stored claim (its quantities, content, entities, source) is enough, so the rules
apply the same to a new article and to rows stored long ago. The words live in lexicon.json's "measures"
section; this module says how they are used.

**A measure** is a key and some qualifiers. The key is what must be equal for two figures to be compared at
all: ``unit/thing/population/anchor``, e.g. ``count/deaths/military/russia`` ("5,840 Russian servicemen
killed"), ``count/cases/-/us``, ``percent/unemployment_rate/-/us``, ``count/delegates/-/clinton``; a
projection's key starts with ``projected:``, so forecasts only ever meet forecasts, and only those for the
same date ("by June 1"); a forecast of no said date or a hypothesis ("if", "unmitigated") has no key.

- *thing*: from the counted noun ("deaths", "confirmed cases"), a verb after it ("servicemen were killed"),
  a verb taking the figure as object ("killed nearly 90,000") or a noun linked to it ("the death toll ...
  stands at 91,000"). Two cues naming different things: no key.
- *population*, for counts of people (deaths, wounded, captured): military, civilians, children, people,
  or the counted noun itself ("protesters"). A bare figure in a claim that speaks of armed forces: no key.
  A count of things (cases) is "-", or the group it is limited to ("100 children diagnosed").
- *anchor*: the side for military counts ("Russian servicemen"; no side, no key), the place for the rest
  ("in the United States", "Americans", "U.S. workers"; the figure's own words first, then the claim's
  opening, then the claim's only place but a part's ("over half of them in Europe"); two places there: no
  key; none: no key; England is not the UK), the holder for delegates and votes (the candidate whose figure
  it is; a pronoun or two candidates: no key).
- *unit*: count, percent or money (no money measure yet); a thing says which units it takes.

No key at all for what only looks like a level: a change ("rose 9.2 percent", "up from 5.5%"), a figure
compared with ("rather than the 83,000", "a record of 10.8%", "two months ago"), a multiplier ("eight times
higher"), a difference ("36,000 fewer people"), a rate ("0.2 deaths per hundred thousand", "4.1 deaths"), an
alternative reading ("the true toll", "excess deaths", "a broader measure", "combined", "an average", a
poll), a figure the claim does not anchor. When unsure, no key: a missing line costs less than a wrong one.

Qualifiers (``detail``): ``cause`` (the event or disease: one attack is not all attacks), ``period`` (a
day's, a week's or a month's figure, new cases or "the latest 74", a span of dates "between March 31 and May
12", the running total; a running tally without one is the total), ``year`` (a year other than the claim's:
"the 2013 election"), ``variant`` (pledged delegates, with superdelegates, superdelegates; a vote margin),
``setting`` (deaths "in hospitals", "in nursing homes"), ``horizon`` (a forecast's date). Equal on both
sides: comparable. One side only: only "same" may be said, except a year or a setting (nothing) and a cause
(it narrows, it does not change the thing).

A figure that names no thing counts what the figure before it counts when it is a part of it ("330,000
deaths ..., including about 94,000 in the U.S."), its total ("8,764 new cases ..., bringing the total to
308,705"), the same thing elsewhere ("4,477 deaths in Mexico, compared to 87,965 in the U.S.") or another
candidate's ("Ted Cruz has 370 delegates, Marco Rubio has 163"); a part or a comparison names its own place.

How two measured figures relate is figure_relations.py's; the words are measure_words.py's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .figure_values import (
    COUNT,
    MULTIPLIERS,
    NUMBER,
    PERCENT,
    figure_value,
    interval,
    stem,
    unit_of,
)
from .measure_words import PROJECTED, Thing, measure_words

__all__ = [
    "Measure",
    "MeasuredFigure",
    "measure_figures",
]

LINK_WORDS = 20  # "the death toll in a suicide bombing that targeted ... has risen to at least 128"
_WORD = re.compile(r"[^\W_]+")
_BOUNDARY = re.compile(r"[,;:()\[\]—–]|\s-\s|--")
_STRONG_BOUNDARY = re.compile(r"[;:()\[\]—–]|\s-\s|--")
_YEAR = re.compile(r"(?<![\d,.\-])(19[5-9]\d|20[0-4]\d)(?![\d,])")
_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTH = re.compile(
    r"\b(?:in|for|of|during|through|since)\s+(" + "|".join(m.title() for m in _MONTHS) + r")\b"
    r"|\b(" + "|".join(m.title() for m in _MONTHS) + r")(?:'s|’s)"
)
_COUNT_WORDS = r"(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d+)"
_SPAN_OF_WEEKS = re.compile(  # "over the last seven weeks", "the five-week total": a running total
    r"\b(?:last|past|previous|first|over the|in the)\s+(?:\w+\s+)?"
    + _COUNT_WORDS
    + r"\s+(?:weeks|months|days)\b"
    r"|\b" + _COUNT_WORDS + r"-(?:week|month|day)\s+(?:total|period|span|stretch)\b"
)
_AUX = frozenset(
    {
        "were", "was", "have", "has", "had", "been", "are", "is", "being", "be", "reportedly", "already",
        "now", "so", "far", "also", "confirmed", "officially", "since", "all", "who", "that", "which",
        "having", "then", "each", "altogether",
        # a projection's modals (its key says "projected:"): "100,000 Americans will likely have died"
        "will", "would", "could", "might", "may", "likely", "probably", "eventually", "soon",
    }
)  # fmt: skip
_PREPOSITIONS = frozenset(
    {
        "in",
        "with",
        "from",
        "across",
        "of",
        "among",
        "on",
        "at",
        "nationwide",
        "worldwide",
        "around",
        "throughout",
        "inside",
        "within",
    }
)
_LOCATIVE = frozenset({"in", "across", "throughout", "within", "inside"})
_CONJUNCTIONS = frozenset({"and", "or", "but", "while", "whereas"})
_HELD = frozenset({"delegates", "delegates_short", "votes"})  # figures a candidate holds
_EVENTS = frozenset(
    {"attack", "shelling", "quake", "crash", "shooting", "fire", "flood", "storm"}
)  # one event
# "in Baluchistan", "in southwestern Baluchistan", "in the province of Baluchistan"
_LOCATED = r"\b(?:in|across|throughout|within|inside)\s+(?:the\s+)?(?:[a-z]+\s+){0,2}(?:of\s+)?"


# --- measuring -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Measure:
    """What a figure measures: `key` must be equal for two figures to be compared, `detail` holds the
    qualifiers (``cause=war;period=total``) that must not contradict each other."""

    key: str
    detail: str
    thing: str
    unit: str
    projected: bool


@dataclass(frozen=True, slots=True)
class MeasuredFigure:
    """One figure of a claim with its measure and interval; `index` is its place in the claim's quantities.
    `text` is the figure as written ("about 5,840", "14.7%"), `label` the figure with what it counts
    ("about 5,840 Russian servicemen killed", "unemployment rate 14.7%")."""

    index: int
    measure: Measure
    value: float
    low: float
    high: float | None
    bound: str
    text: str
    label: str


@dataclass(slots=True)
class _Located:
    index: int
    quantity: Mapping[str, Any]
    start: int
    end: int


class _Claim:
    """The claim's text as the rules read it: case folded (same length), curly apostrophes straightened."""

    def __init__(self, content: str, entities: Sequence[str], source: str | None, year: int | None) -> None:
        self.content = content.replace("’", "'").replace("‘", "'")
        self.low = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in self.content)
        self.entities = [
            re.sub(r"^(?:the|The)\s+", "", e.replace("’", "'").strip()) for e in entities if e.strip()
        ]
        self.source = source
        self.year = year


def measure_figures(
    quantities: Sequence[Mapping[str, Any]],
    content: str,
    *,
    entities: Sequence[str] = (),
    source: str | None = None,
    year: int | None = None,
) -> list[MeasuredFigure | None]:
    """Each of a claim's quantities (stored form: value, text, counted, bound) measured, or None.

    `content` is the claim's content (the quantities are inside it), `entities` the names the extractor found
    in it, `source` the speaker's name (what "I have earned 9 million votes" is about), `year` the claim's
    year (a figure of another year keeps a qualifier)."""
    claim = _Claim(content, entities, source, year)
    located: list[_Located] = []
    at = 0
    for index, quantity in enumerate(quantities):
        text = str(quantity.get("text") or "").replace("’", "'")
        start = claim.content.find(text, at) if text else -1
        if start < 0 and text:
            start = claim.content.find(text)
        if start < 0 or figure_value(quantity) is None:
            continue
        located.append(_Located(index, quantity, start, start + len(text)))
        at = start + len(text)
    located = _ranges(claim, sorted(located, key=lambda f: f.start))
    out: list[MeasuredFigure | None] = [None] * len(quantities)
    prior: _Prior | None = None
    for i, figure in enumerate(located):
        previous = located[i - 1].end if i else 0
        following = located[i + 1].start if i + 1 < len(located) else len(claim.content)
        out[figure.index], prior = _measure(claim, figure, previous, following, located[0].start, prior)
    return out


_RANGE_JOIN = re.compile(r"\s*(?:to|-|–|and)\s*")


def _ranges(claim: _Claim, located: list[_Located]) -> list[_Located]:
    """ "100,000 to 110,000 Americans", "between 10 and 20": one figure standing for the interval between
    its two numbers (the second measures nothing by itself)."""
    out: list[_Located] = []
    i = 0
    while i < len(located):
        merged = _range_of(claim, located[i], located[i + 1]) if i + 1 < len(located) else None
        out.append(merged or located[i])
        i += 2 if merged else 1
    return out


def _range_of(claim: _Claim, f: _Located, g: _Located) -> _Located | None:
    between = claim.content[f.end : g.start]
    if not _RANGE_JOIN.fullmatch(between):
        return None
    if between.strip() == "and" and not claim.low[: f.start].rstrip().endswith("between"):
        return None
    low, high = figure_value(f.quantity), figure_value(g.quantity)
    if low is None or high is None:
        return None
    first, second = (
        NUMBER.search(str(f.quantity.get("text") or "")),
        NUMBER.search(str(g.quantity.get("text") or "")),
    )
    multiplier = MULTIPLIERS.get((second.group(3) or "").lower(), 1.0) if second else 1.0
    if first is not None and not first.group(3) and low * multiplier <= high:
        low *= multiplier  # "2 to 3 million"
    if low >= high:
        return None  # "leads Sanders 1,428 to 1,153": a score, not a range
    merged = {
        **f.quantity,
        "value": low,
        "high": high,
        "text": claim.content[f.start : g.end],
        "counted": g.quantity.get("counted") or "",
        "bound": "range",
    }
    return _Located(f.index, merged, f.start, g.end)


@dataclass(frozen=True, slots=True)
class _Prior:
    """What the figure before counted, keyed or not: a part or a total of it counts the same thing."""

    thing: str
    unit: str
    projected: bool


@dataclass(slots=True)
class _Context:
    left: str  # back to the previous figure (lower case)
    right: str  # on to the next figure
    left_clause: str  # back to the nearest clause boundary
    right_clause: str
    counted: str  # the quantity's counted noun phrase, lower case, "" when it is no thing ("last week")
    after: str  # what follows the figure and its counted noun


def _context(claim: _Claim, f: _Located, previous: int, following: int) -> _Context:
    left = claim.low[previous : f.start]
    right = claim.low[f.end : following]
    cuts = list(_BOUNDARY.finditer(left))
    left_clause = left[cuts[-1].end() :] if cuts else left
    cut = _BOUNDARY.search(right)
    right_clause = right[: cut.start()] if cut else right
    counted = " ".join(str(f.quantity.get("counted") or "").replace("’", "'").casefold().split())
    words = counted.split()
    if not words or words[-1] in measure_words().time_nouns:
        counted = _thing_noun_ahead(right)  # "758 pledged delegates" where the finder found no noun
    after = right.lstrip()
    if after.startswith("of "):  # "hundreds of protesters"
        after = after[3:]
    if counted and after.startswith(counted):
        after = after[len(counted) :]
    after = re.sub(r"^\s*(?:%|percent\b|per cent\b)", "", after)  # "14.7 percent" is the figure's unit
    return _Context(left, right, left_clause, right_clause, counted, after)


def _thing_noun_ahead(right: str) -> str:
    """A thing's noun right after a figure the quantity finder gave no counted noun."""
    ahead = " ".join(right.split()[:3])
    best = ""
    for thing in measure_words().things.values():
        m = thing.nouns.match(ahead) if thing.nouns is not None else None
        if m is not None and len(m.group(0)) > len(best):
            best = m.group(0)
    return best


def _measure(
    claim: _Claim, f: _Located, previous: int, following: int, first: int, prior: _Prior | None
) -> tuple[MeasuredFigure | None, _Prior | None]:
    """The figure's measure (or None), and what it counts for the figure after it."""
    ctx = _context(claim, f, previous, following)
    unit = _unit(f.quantity, ctx)
    thing = _thing(claim, ctx, unit)
    inherited = None if thing is not None else _inherited(claim, ctx, prior, unit)
    if inherited is not None:
        thing, ctx.counted = measure_words().things[inherited[0].thing], ""
    if thing is None:
        return None, None
    projected = _projected(claim, ctx) or (inherited is not None and inherited[0].projected)
    measured = _measured(claim, f, ctx, first, unit, thing, inherited, projected)
    return measured, _Prior(thing.name, unit, projected)


def _measured(
    claim: _Claim,
    f: _Located,
    ctx: _Context,
    first: int,
    unit: str,
    thing: Thing,
    inherited: tuple[_Prior, str] | None,
    projected: bool,
) -> MeasuredFigure | None:
    w = measure_words()
    q = f.quantity
    text = str(q.get("text") or "")
    value = figure_value(q)
    bound = str(q.get("bound") or "exact")
    if value is None or unit not in thing.units:
        return None
    if _compared(ctx) or _variant(ctx) or _rate(ctx, unit, text):
        return None
    if bound in ("exact", "at_least") and text[:1].isdigit() and _passed(ctx):
        bound, text = "at_least", f"more than {text}"  # "the death toll has surpassed 36,000"
    causes = _causes(claim, ctx)
    if thing.needs_cause and thing.needs_cause not in _all_causes(claim):
        return None
    name = thing.name
    variant: str | None = None
    if name == "delegates":
        name, variant = _delegates(claim, ctx, thing)
        thing = w.things[name]
    elif name == "votes":
        variant = _vote_variant(ctx)
    if inherited is not None and inherited[1] != "parallel":
        variant = None  # "for a total of 1,749" after "469 superdelegates": a total of what is not said
    population = "-"
    if thing.population:
        found = _population(claim, ctx)
        if found is None:
            return None
        population = found
    else:
        population = _group(ctx) or population
    if thing.anchor == "holder":
        anchor = _holder(claim, ctx)
        place = _local_place(claim, ctx, f)
        if anchor is None or place is False:
            return None
        if place:
            anchor = f"{anchor}@{place}"
    elif population == "military":
        anchor = _side(claim, ctx)
        if anchor is None:
            return None
    else:
        anchor = _place(claim, ctx, f, first, own_only=inherited is not None and inherited[1] == "subset")
        if anchor is None:
            return None
    qualifiers: dict[str, str] = {}
    if thing.population and causes:
        qualifiers["cause"] = causes
    period = "total" if inherited is not None and inherited[1] == "total" else _period(claim, ctx, f, variant)
    if causes in _EVENTS and period is not None and not period.startswith("per "):
        period = None  # "the death toll in a suicide bombing ... last week": the event is the scope
    period = period or thing.default_period
    if period:
        qualifiers["period"] = period
    year = _other_year(claim, ctx)
    if year:
        qualifiers["year"] = year
    if variant:
        qualifiers["variant"] = variant
    setting = _setting(ctx) if thing.tally else None
    if setting:
        qualifiers["setting"] = setting
    if projected:
        horizon = _horizon(claim, ctx, f, first)
        if horizon is None:
            return None  # a forecast of no said date, or a hypothesis: models and scenarios are not one count
        qualifiers["horizon"] = horizon
    key = f"{unit}/{thing.name}/{population}/{anchor}"
    measure = Measure(
        key=(PROJECTED + key) if projected else key,
        detail=";".join(f"{k}={v}" for k, v in sorted(qualifiers.items())),
        thing=thing.name,
        unit=unit,
        projected=projected,
    )
    ranged = _RANGE_AFTER.match(ctx.after)
    if ranged:  # "in the 25 percent range"
        bound = "about"
        start = claim.low.rfind("in the", 0, f.start)
        end = claim.low.find("range", f.end) + len("range")
        text = claim.content[start if start >= 0 else f.start : end].strip()
    low, high = interval(value, text, bound, figure_value({"value": q.get("high")}))
    shown = text if ranged else _shown_text(text, unit, ctx)
    ctx.counted = _original(claim, f, ctx.counted) or ctx.counted
    return MeasuredFigure(
        index=f.index,
        measure=measure,
        value=value,
        low=low,
        high=high,
        bound=bound,
        text=shown,
        label=_label(shown, thing, ctx, unit, population),
    )


# --- what is not a level -------------------------------------------------------------------------------


def _trimmed_left(left: str) -> str:
    """The words right before a figure without fillers ("rather than the" -> "rather than")."""
    words = left.rstrip(" \"'“”").split()
    fillers = measure_words().fillers
    while words and words[-1] in fillers:
        words.pop()
    return " ".join(words)


def _compared(ctx: _Context) -> bool:
    """A starting point, a change, a record, a figure compared with or a multiplier ("eight times higher"),
    or a difference ("36,000 fewer people would have died"): not the level reported."""
    w = measure_words()
    before = w.comparisons_before
    if before is not None and before.search(_trimmed_left(ctx.left)):
        return True
    if set(ctx.counted.split()) & w.differences or set(ctx.after.split()[:1]) & w.differences:
        return True
    after = w.comparisons_after
    return after is not None and bool(after.search(_first_words(ctx.after, 4)))


def _rate(ctx: _Context, unit: str, text: str) -> bool:
    """A rate, not a count: "0.2 deaths per hundred thousand population", "per capita"; and a count written
    with decimals and no "million" ("4.1 deaths"), which no count of whole things is."""
    if measure_words().per_head.match(ctx.after):
        return True
    number = NUMBER.search(text)
    return unit == COUNT and number is not None and bool(number.group(2)) and not number.group(3)


def _passed(ctx: _Context) -> bool:
    """A verb of passing right before the figure ("surpassed 36,000", "cases top 1.4 million"): a lower
    bound, as "more than" is."""
    words = _trimmed_left(ctx.left).split()
    return bool(words) and words[-1].strip(",\"'") in measure_words().passing_verbs


def _first_words(text: str, n: int) -> str:
    return " ".join(text.split()[:n])


def _variant(ctx: _Context) -> bool:
    pattern = measure_words().variants
    return pattern is not None and bool(pattern.search(ctx.left_clause + " # " + ctx.right_clause))


# --- the thing counted ---------------------------------------------------------------------------------


def _unit(q: Mapping[str, Any], ctx: _Context) -> str:
    unit = unit_of(q)
    if unit == COUNT and re.match(r"\s*(?:%|percent\b|per cent\b)", ctx.right):
        return PERCENT
    if unit == COUNT and re.match(r"\s*(?:dollars|euros|pounds|yuan|rubles|roubles)\b", ctx.right):
        return "money"
    return unit if unit in (COUNT, PERCENT) else "money"


def _noun_thing(claim: _Claim, counted: str) -> Thing | None:
    """The thing a counted noun phrase is ("confirmed deaths", "pledged delegates"), by its ending."""
    if not counted:
        return None
    found = []
    for thing in measure_words().things.values():
        if thing.nouns is None:
            continue
        m = _last(thing.nouns, counted)
        if m is not None and m.end() == len(counted):
            found.append((m.end() - m.start(), thing))
    if not found and counted.split()[-1] == "claims" and re.search(r"unemploy|jobless", claim.low):
        return measure_words().things["jobless_claims"]
    if not found:
        return None
    found.sort(key=lambda item: -item[0])
    return found[0][1]


def _after_thing(ctx: _Context) -> Thing | None:
    """The verb after the counted noun: "servicemen were killed", "people with COVID-19 have died"."""
    words = ctx.after.split()
    for skip in range(0, 6):
        if skip and (not words or words[0].strip(".,") not in _PREPOSITIONS):
            break
        if any(word in _CONJUNCTIONS for word in words[:skip]):
            break  # "people in the United States and killed": another verb's
        rest = words[skip:]
        while rest and rest[0] in _AUX:
            rest = rest[1:]
        tail = " ".join(rest[:5])
        for thing in measure_words().things.values():
            if thing.after is not None and (m := thing.after.match(tail)) and m.start() == 0:
                return thing
    return None


def _last(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    found = None
    for found in pattern.finditer(text):  # noqa: B007 - the last one is wanted
        pass
    return found


def _before_thing(ctx: _Context) -> Thing | None:
    """A verb taking the figure as its object: "killed nearly 90,000", "shed 20.5 million jobs", "lost a
    record 20.5 million jobs"."""
    left = _trimmed_left(ctx.left)
    head = ctx.counted.split()[-1] if ctx.counted else ""
    for thing in measure_words().things.values():
        if thing.before is None:
            continue
        m = _last(thing.before, left)
        if m is None or left[m.end() :].strip(" \"'"):
            continue
        if thing.objects and head not in thing.objects:
            continue
        return thing
    return None


def _linked_thing(ctx: _Context) -> Thing | None:
    """A thing noun linked to the figure: "the death toll ... stands at 91,000", "cases top 1.4 million",
    "Trump still leads the race for delegates, with 568" (commas allowed, not a stronger break)."""
    cuts = list(_STRONG_BOUNDARY.finditer(ctx.left))
    words = _trimmed_left(ctx.left[cuts[-1].end() :] if cuts else ctx.left).split()
    ranged = bool(words) and words[-1] == "in" and bool(_RANGE_AFTER.match(ctx.after))
    if not words or (words[-1].strip(",") not in measure_words().links and not ranged):
        return None
    window = " ".join(words[-LINK_WORDS - 1 : -1])
    best: tuple[int, Thing] | None = None
    rates = measure_words().rate_nouns
    for thing in measure_words().things.values():
        if thing.nouns is None:
            continue
        for m in thing.nouns.finditer(window):
            if set(window[m.end() :].split()[:1]) & rates:
                continue  # "death rates are at least eight times higher": a rate, not deaths
            if best is None or m.end() > best[0]:
                best = (m.end(), thing)
    return best[1] if best else None


def _thing(claim: _Claim, ctx: _Context, unit: str) -> Thing | None:
    w = measure_words()
    noun = _noun_thing(claim, ctx.counted)
    if unit == PERCENT:
        linked = _linked_thing(ctx)
        return linked if linked is not None and PERCENT in linked.units else None
    if ctx.counted and noun is None and not _is_people(ctx.counted):
        # "1,533 sites", "198 tanks": a counted noun that is neither a thing nor people
        before = _before_thing(ctx)
        return before if before is not None and before.objects else None
    before = None if noun is not None else _before_thing(ctx)  # "captured 1,944 delegates": the noun says
    cues = {t.name for t in (noun, _after_thing(ctx), before) if t is not None}
    if not cues:
        linked = _linked_thing(ctx)
        return linked if linked is not None and COUNT in linked.units else None
    if len(cues) > 1:
        return None
    return w.things[cues.pop()]


_RANGE_AFTER = re.compile(r"\s*range\b")
_COMPARED = re.compile(r"(?:compared (?:to|with)|versus|vs\.?|against|while)$")
_SUBSET = re.compile(r"(?:including|of whom|of which|among them|among whom)$")
_TOTAL = re.compile(r"\btotal\b(?:\s+[\w\-']+){0,5}\s+(?:to|of|at)$|\btotal(?:\s+number)?\s+(?:to|of|at)$")


def _inherited(claim: _Claim, ctx: _Context, before: _Prior | None, unit: str) -> tuple[_Prior, str] | None:
    """A figure that names no thing but is a part or the total of the figure before it: "about 330,000
    deaths ..., including about 94,000 in the U.S.", "8,764 new cases ..., bringing the total to 308,705"."""
    if before is None or before.unit != unit:
        return None
    left = _trimmed_left(ctx.left_clause)
    if _SUBSET.search(left):
        return before, "subset"
    if _TOTAL.search(left):
        return before, "total"
    if before.thing in _HELD and not ctx.counted and _holder(claim, ctx) is not None:
        return before, "parallel"  # "Ted Cruz has 370 delegates, Marco Rubio has 163", "to Sanders' 844"
    if _COMPARED.search(left) and not ctx.counted:
        return before, "subset"  # "4,477 deaths in Mexico, compared to 87,965 in the U.S.": its own place
    return None


def _is_people(counted: str) -> bool:
    """A counted noun phrase that names people ("Russian servicemen", "Americans", "more U.S. workers")."""
    if _population_of(counted) is not None:
        return True
    last = counted.split()[-1]
    return last.endswith("s") and any(p.search(_titled(last)) for p, _ in measure_words().places)


def _titled(word: str) -> str:
    return word[:1].upper() + word[1:]


def _population_of(counted: str) -> str | None:
    for phrase, population in measure_words().populations:
        if counted == phrase or counted.endswith(" " + phrase):
            return population
    return None


def _population(claim: _Claim, ctx: _Context) -> str | None:
    """Who a count of people counts; None when unsure (a bare figure where soldiers are spoken of)."""
    w = measure_words()
    if not ctx.counted or ctx.counted.split()[-1] in w.increments:
        military = w.military_words
        if military is not None and military.search(claim.low):
            return None
        return "people"
    found = _population_of(ctx.counted)
    if found is not None:
        return found
    last = ctx.counted.split()[-1]
    if any(p.search(_titled(last)) for p, _ in w.places):
        return "people"  # "Americans"
    if _noun_thing(claim, ctx.counted) is not None:  # "deaths": who died is not said
        military = w.military_words
        return None if military is not None and military.search(claim.low) else "people"
    return stem(last)


def _group(ctx: _Context) -> str | None:
    """Who a count of things (cases) is limited to, when its counted noun or the words after it name a group
    of people other than people at large: "at least 100 children ... diagnosed", "cases among children"."""
    found = _population_of(ctx.counted) if ctx.counted else None
    if found is None:
        among = re.match(r"\s*(?:among|in)\s+(?:the\s+)?([a-z\-]+)", ctx.after)
        found = _population_of(among.group(1)) if among else None
    return found if found not in (None, "people") else None


# --- what it is about ----------------------------------------------------------------------------------


def _places_in(claim: _Claim, start: int, end: int) -> list[tuple[int, str]]:
    """(offset, place key) of the places named in content[start:end], left out when they name an office or
    an organization ("Ohio Governor", "U.S. Bureau of Labor Statistics", "Ukraine's General Staff")."""
    text = claim.content[start:end]
    found: list[tuple[int, int, str]] = []
    for pattern, key in measure_words().places:
        for m in pattern.finditer(text):
            following = text[m.end() :].split()
            nxt = following[0].strip(".,;:()'\"") if following else ""
            if (
                nxt[:1].isupper() and nxt.casefold() in measure_words().place_blockers
            ) or nxt in measure_words().group_blockers:
                continue
            if re.match(
                r"\s+[A-Z][a-z]+\s+(?:Ministry|Department|Office|Staff|Agency|Service)\b", text[m.end() :]
            ):
                continue
            found.append((m.start(), m.end(), key))
    # a longer name wins over one inside it ("South Sudan" over "Sudan")
    found.sort(key=lambda item: (item[0], -(item[1] - item[0])))
    kept: list[tuple[int, int, str]] = []
    for s, e, key in found:
        if not kept or s >= kept[-1][1]:
            kept.append((s, e, key))
    for entity in claim.entities:  # "in southwestern Baluchistan": a place the gazetteer does not know
        if _known_place(entity) or not entity[:1].isupper():
            continue
        for m in re.finditer(_LOCATED + re.escape(entity) + r"(?![\w])", text):
            e_start = m.end() - len(entity)
            if not any(s <= e_start < e for s, e, _ in kept):
                kept.append((e_start, m.end(), "loc:" + "_".join(_WORD.findall(entity.casefold()))))
    return sorted((start + s, key) for s, _, key in kept)


def _known_place(name: str) -> bool:
    return any(p.fullmatch(name) for p, _ in measure_words().places)


def _one(places: Sequence[tuple[int, str]]) -> str | bool | None:
    """The place when all name one; False when they name several; None when there are none."""
    keys = {k for _, k in places}
    if not keys:
        return None
    return keys.pop() if len(keys) == 1 else False


def _place(claim: _Claim, ctx: _Context, f: _Located, first: int, *, own_only: bool = False) -> str | None:
    """The place a figure is about: its own words (the counted noun, a place right after it, before it in
    its clause), then the claim's opening, then the claim's only place, leaving out a part's place ("over
    half of them in Europe"). Several at one step: unsure. `own_only`: a part of an earlier figure
    ("including 94,000 in the U.S.") names its own place or none."""
    counted_places = [
        (0, k) for p, k in measure_words().places for _ in p.finditer(_original(claim, f, ctx.counted))
    ]
    steps: list[list[tuple[int, str]]] = [counted_places]
    right_end = f.end + len(ctx.right_clause)
    steps.append(_places_in(claim, f.end, right_end))
    steps.append(_places_in(claim, f.start - len(ctx.left_clause), f.start))
    if not own_only:
        steps.append(_whole_places(claim, 0, first))
        steps.append(_whole_places(claim, 0, len(claim.content)))
    for places in steps:
        one = _one(places)
        if one is False:
            return None
        if isinstance(one, str):
            return one
    return None


_PART_OF = re.compile(r"\b(?:including|of them|of those|of whom|of which|among them|among whom)\b")


def _whole_places(claim: _Claim, start: int, end: int) -> list[tuple[int, str]]:
    """The places of content[start:end] but those of a part, in a clause that says so ("killed more than
    280,000, over half of them in Europe", "including 150,000 in Europe"): where a part is, not the whole."""
    kept = []
    for at, key in _places_in(claim, start, end):
        cuts = list(_BOUNDARY.finditer(claim.low, 0, at))
        if not _PART_OF.search(claim.low, cuts[-1].end() if cuts else 0, at):
            kept.append((at, key))
    return kept


def _original(claim: _Claim, f: _Located, counted: str) -> str:
    """The counted noun as written (case kept), found right after the figure."""
    if not counted:
        return ""
    at = claim.low.find(counted, f.end)
    return claim.content[at : at + len(counted)] if at >= 0 else ""


def _local_place(claim: _Claim, ctx: _Context, f: _Located) -> str | bool | None:
    """A place a delegate or vote count is limited to ("44 delegates in Ohio"): in the figure's clause,
    right after a locative word; False for several."""
    spans = ((f.start - len(ctx.left_clause), f.start), (f.end, f.end + len(ctx.right_clause)))
    keys = set()
    for start, end in spans:
        for at, key in _places_in(claim, start, end):
            before = claim.low[max(0, at - 20) : at].split()
            if before and before[-1] in _LOCATIVE:
                keys.add(key)
    if not keys:
        return None
    return keys.pop() if len(keys) == 1 else False


def _side(claim: _Claim, ctx: _Context) -> str | None:
    """The side of a military count: "Russian servicemen", "soldiers of the Ukrainian armed forces"."""
    counted = ctx.counted
    for pattern, key in measure_words().places:
        if counted and pattern.search(" ".join(_titled(x) if x.isalpha() else x for x in counted.split())):
            return key
        m = re.match(
            r"\s*(?:of|from)\s+(?:the\s+)?(\w+)\s+(?:army|armed forces|forces|military|troops)", ctx.after
        )
        if m and pattern.fullmatch(_titled(m.group(1))):
            return key
    return None


def _holder(claim: _Claim, ctx: _Context) -> str | None:
    """The candidate a delegate or vote count belongs to: "Trump leads ... with 55", "Cruz's 538",
    "Ted Cruz (who has 231 delegates)", "I have earned 9 million votes" (the speaker)."""
    w = measure_words()
    left = ctx.left.rstrip()
    possessive = re.search(r"([a-z][\w.\-]*(?:\s+[a-z][\w.\-]*){0,2})(?:'s|')\s*$", left)
    if possessive:
        name = _entity_at_end(claim, possessive.group(1))
        return _surname(name) if name else None
    verbs = w.holder_verbs
    margin = w.margin_before
    m = (verbs.search(left) if verbs else None) or (margin.search(left) if margin else None)
    if m is None:
        return None
    if any(word in w.pronouns for word in m.group(0).split()):
        return None  # "gives her 1,280 pledged delegates"
    before = left[: m.start()].split()
    subject = [word for word in before[-3:] if word not in _AUX]
    if subject and subject[-1].strip("\"“”'") in w.first_person:
        return _surname(claim.source) if claim.source else None  # "I have earned 9 million votes"
    window = " ".join(before[-8:])
    found = []
    for entity in claim.entities:
        low = entity.casefold()
        if _known_place(entity) or not re.search(r"\b" + re.escape(low) + r"\b", window):
            continue
        if set(_WORD.findall(low)) & w.not_holders:
            return None  # "The current Associated Press count gives ...": a counter, not a candidate
        found.append((window.rfind(low), entity))
    if not found:
        return None
    found.sort()
    last_at, last = found[-1]
    others = {_surname(e) for _, e in found} - {_surname(last)}
    between = window[last_at + len(last.casefold()) :].split()
    if any(word.strip(",.()") in w.pronouns for word in between):
        return None
    if others and not _only_verbs(between):
        return None
    return _surname(last)


def _only_verbs(words: Sequence[str]) -> bool:
    """Between a name and its figure only the words of possession ("Clinton now has", "Trump, with")."""
    allowed = {
        "now",
        "still",
        "so",
        "far",
        "already",
        "has",
        "have",
        "had",
        "with",
        "won",
        "leads",
        "who",
        "(",
    }
    return all(word.strip(",()") in allowed or not word.strip(",()") for word in words)


def _entity_at_end(claim: _Claim, text: str) -> str | None:
    for entity in sorted(claim.entities, key=len, reverse=True):
        if text.endswith(entity.casefold()) and not _known_place(entity):
            return entity
    return None


def _surname(name: str) -> str:
    words = [w for w in _WORD.findall(name.casefold()) if w not in measure_words().titles and w != "s"]
    return words[-1] if words else name.casefold()


def _delegates(claim: _Claim, ctx: _Context, thing: Thing) -> tuple[str, str | None]:
    """Delegates held, or delegates a candidate still needs (a tally that goes down); which delegates."""
    w = measure_words()
    short_after, short_before = w.delegates_short_after, w.delegates_short_before
    if (short_after is not None and short_after.search(ctx.after)) or (
        short_before is not None and short_before.search(ctx.left.rstrip())
    ):
        return "delegates_short", None
    variants = {name for pattern, name in w.delegate_variants if pattern.search(ctx.counted)}
    if "super" in variants:
        return "delegates", "super"
    if "pledged" in variants:
        return "delegates", "pledged"
    found = {name for pattern, name in w.delegate_variants if pattern.search(claim.low)} - {"super"}
    return thing.name, (found.pop() if len(found) == 1 else None)


def _vote_variant(ctx: _Context) -> str | None:
    w = measure_words()
    if ctx.counted in w.margin_counted:
        return "margin"
    if w.margin_after is not None and w.margin_after.search(ctx.after):
        return "margin"
    if w.margin_before is not None and w.margin_before.search(ctx.left.rstrip()):
        return "margin"
    return None


# --- qualifiers ----------------------------------------------------------------------------------------


def _causes(claim: _Claim, ctx: _Context) -> str | None:
    """The event or disease nearest the figure in its stretch of the claim, else the claim's only one."""
    best: tuple[int, str] | None = None
    for pattern, name in measure_words().causes:
        for m in pattern.finditer(ctx.left):
            distance = len(ctx.left) - m.end()
            if best is None or distance < best[0]:
                best = (distance, name)
        for m in pattern.finditer(ctx.right):
            distance = m.start()
            if best is None or distance < best[0]:
                best = (distance, name)
    if best is not None:
        return best[1]
    everywhere = _all_causes(claim)
    return everywhere.pop() if len(everywhere) == 1 else None


def _all_causes(claim: _Claim) -> set[str]:
    return {name for pattern, name in measure_words().causes if pattern.search(claim.low)}


def _period(claim: _Claim, ctx: _Context, f: _Located, variant: str | None) -> str | None:
    """A day's, week's or month's figure, a named month's, new ones, or the running total."""
    text = ctx.left_clause + " # " + ctx.counted + " " + ctx.right_clause
    found = {name for pattern, name in measure_words().periods if pattern.search(text)}
    spans = _SPAN_OF_WEEKS.search(text)
    if spans:
        found.discard("week")
        found.discard("month")
        found.discard("day")
        found.add("total")
    rate = re.match(r"\s*(?:a|per|each|every)\s+(day|week|month|year)\b", ctx.after)
    if rate:
        return "per " + rate.group(1)  # "2,000 deaths a day": a rate, not a count
    span = _DATE_SPAN.search(text)
    if span:  # "died ... between March 31 and May 12": those weeks' figure, not the running total
        return "span:" + "-".join(_day_key(day) for day in span.groups() if day)
    original = claim.content[f.start - len(ctx.left_clause) : f.end + len(ctx.right_clause)]
    month = _MONTH.search(original)
    for name in ("day", "week", "month"):
        if name in found:
            return name
    if month:
        return "month:" + (month.group(1) or month.group(2)).lower()[:3]
    increments = measure_words().increments
    last_left = ctx.left.split()[-1:] if ctx.left.strip() else []
    if variant != "margin" and (
        set(ctx.counted.split()) & increments or (last_left and last_left[0] in increments)
    ):
        return "new"  # "8,764 new cases", "another 3.2 million" (not "2.5 million more votes than")
    if "total" in found or "year" in found:
        return "year" if "year" in found and "total" not in found else "total"
    return None


_DAY = r"(?:(?:" + "|".join(_MONTHS) + r")(?:\s+\d{1,2}(?!\d))?|\d{1,2}\s+(?:" + "|".join(_MONTHS) + r"))"
_DATE_SPAN = re.compile(
    r"\bbetween\s+(" + _DAY + r")\s+and\s+(" + _DAY + r")\b"
    r"|\bfrom\s+(" + _DAY + r")\s+(?:to|through|until|till)\s+(" + _DAY + r")\b"
)


def _day_key(day: str) -> str:
    """ "march 31", "31 march" -> "mar31"."""
    words = day.split()
    month = next(w for w in words if not w.isdigit())
    return month[:3] + "".join(w for w in words if w.isdigit())


def _setting(ctx: _Context) -> str | None:
    """Where a running tally is limited to: "died ... in hospitals", "deaths in nursing homes". Several: the
    first named is enough to keep it apart from the whole count."""
    text = ctx.left_clause + " # " + ctx.counted + " " + ctx.right_clause
    for pattern, name in measure_words().settings:
        if pattern.search(text):
            return name
    return None


_HORIZON = re.compile(
    r"\b(?:by|through|until|before)\s+(?:the\s+time\s+)?"
    r"((?:the\s+)?(?:(?:end|middle|start|beginning)\s+of\s+(?:the\s+)?|early\s+|mid-?|late\s+)?"
    r"(?:(?:" + "|".join(_MONTHS) + r")(?:\s+\d{1,2}(?!\d))?"
    r"|year|summer|fall|autumn|winter|spring|(?:19|20)\d\d))\b"
)


def _horizon(claim: _Claim, ctx: _Context, f: _Located, first: int) -> str | None:
    """The date a forecast is for ("by June 1", "by early August", "by the end of the year"): in its own
    clause, else, for the claim's first figure, in the claim's opening ("By June 1, Redfield said, more than
    100,000 ..."). None for a hypothesis ("if", "unmitigated", "would have died"): a scenario, not a date."""
    hypotheses = measure_words().hypotheses
    own = ctx.left + " # " + ctx.right_clause
    if hypotheses is not None and hypotheses.search(own):
        return None
    places = [ctx.right_clause, ctx.left_clause] + ([ctx.left] if f.start == first else [])
    for text in places:
        m = _HORIZON.search(text)
        if m:
            return re.sub(r"^the_", "", re.sub(r"\W+", "_", m.group(1)).strip("_"))
    return None


def _other_year(claim: _Claim, ctx: _Context) -> str | None:
    years = _YEAR.findall(ctx.left + " " + ctx.right_clause)
    years = [y for y in years if claim.year is None or int(y) != claim.year]
    return years[-1] if years else None


def _projected(claim: _Claim, ctx: _Context) -> bool:
    """A forecast or a hypothesis: "will likely have died", "could be as few as 55,000", "would jump to"."""
    pattern = measure_words().projection
    if pattern is None:
        return False
    own = re.split(r"\b(?:and|but|while|whereas|with|as|which)\b", ctx.right_clause, maxsplit=1)[0]
    text = ctx.left_clause + " # " + own
    return bool(pattern.search(text)) or bool(
        re.search(r"\bby (?:the end of )?(?:" + "|".join(_MONTHS) + r")\b", text)
    )


# --- display -------------------------------------------------------------------------------------------


def _shown_text(text: str, unit: str, ctx: _Context) -> str:
    if unit == PERCENT and "%" not in text and "percent" not in text.casefold():
        return f"{text}%"
    return text


def _label(text: str, thing: Thing, ctx: _Context, unit: str, population: str) -> str:
    """ "498 servicemen killed", "at least 85,906 deaths", "unemployment rate 14.7%", "1,163 delegates"."""
    if unit == PERCENT:
        return f"{thing.noun} {text}"
    counted = ctx.counted
    if counted and thing.nouns is not None and thing.nouns.search(counted.casefold()):
        what = counted
    elif counted and thing.population and population != "-":
        what = f"{counted} {thing.verb}"
    else:
        what = thing.noun
    return f"{text} {what}"
