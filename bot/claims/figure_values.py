"""A figure's number as a reader must take it: its value, its unit, and the interval its rounding and its
hedge stand for ("about 5,840" is roughly 5,250-6,420, "36 million" 35.5-36.5 million, "more than 2,870"
has no upper end). Shared by the measures of bot/claims/measures.py and the charts of /claims chart."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

COUNT, PERCENT = "count", "percent"
ABOUT_SPREAD = 0.10  # "about 5,840": ±10 %, the wide end of "roughly 5-10 %" (a wrong "differs" costs most)
NEAR_SPREAD = 0.10  # "nearly 80,000" is at least 72,000; "just over 100" at most 110
NEAR_HEDGES = (
    "nearly",
    "almost",
    "close to",
    "just under",
    "nearing",
    "approaching",
    "just shy of",
    "shy of",
)
ABOUT_HEDGES = ("about", "around", "roughly", "approximately", "some", "somewhere around", "an estimated")
JUST_OVER = ("just over", "slightly more than", "a little over", "just above", "slightly over")
_VAGUE = re.compile(r"\b(?:tens|dozens|scores|hundreds|thousands|millions|billions|trillions)\b", re.I)
_CURRENCY = re.compile(r"[$€£]")
_SUFFIXES = (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ing", ""))
NUMBER = re.compile(r"(\d[\d,]*)(?:\.(\d+))?\s*(million|billion|trillion|thousand|hundred|bn|m|k)?\b", re.I)
MULTIPLIERS = {
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
    "thousand": 1e3,
    "hundred": 1e2,
    "bn": 1e9,
    "m": 1e6,
    "k": 1e3,
}


def stem(word: str) -> str:
    """A crude English stem, enough to meet "wounded" with "wounds" and "troops" with "troop"."""
    word = word.casefold()
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + replacement
    return word


def unit_of(quantity: Mapping[str, Any]) -> str:
    """COUNT, PERCENT, or the currency sign of a stored quantity ({"text", "counted", ...})."""
    text = str(quantity.get("text") or "")
    counted = str(quantity.get("counted") or "").casefold()
    if counted in ("percent", "%", "per cent") or "%" in text or re.search(r"\bper ?cent\b", text, re.I):
        return PERCENT
    currency = _CURRENCY.search(text)
    return currency.group(0) if currency else COUNT


def figure_value(quantity: Mapping[str, Any]) -> float | None:
    """The figure as a finite float; None for what a hand-edited or older row may hold instead."""
    raw = quantity.get("value")
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        return None
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


# --- intervals -----------------------------------------------------------------------------------------


def rounding_step(text: str, value: float) -> float:
    """The place of a figure's last significant digit as written: "36 million" 1e6, "36.5 million" 1e5,
    "37,000" 1e3, "5,840" 10, "14.7" 0.1. A number keeps at least two significant digits ("100,000" is
    rounded to 10,000 at most); a number in words, one ("two million": 1e6)."""
    m = NUMBER.search(text)
    if m is None:
        return 10 ** math.floor(math.log10(abs(value))) if value else 1.0
    digits, decimals, word = m.group(1).replace(",", ""), m.group(2), m.group(3)
    multiplier = MULTIPLIERS.get(word.lower(), 1.0) if word else 1.0
    if decimals:
        return 10.0 ** -len(decimals) * multiplier
    if word:
        return multiplier
    zeros = len(digits) - len(digits.rstrip("0")) if digits.strip("0") else 0
    return 10.0 ** min(zeros, max(len(digits) - 2, 0))


def interval(value: float, text: str, bound: str, upper: float | None = None) -> tuple[float, float | None]:
    """[low, high] a figure stands for (high None: no upper end), from its rounding and its bound; a range
    ("100,000 to 110,000", bound "range") goes from `value` to `upper`, wider when "about" it."""
    half = rounding_step(text, value) / 2
    hedge = text.casefold()
    if bound == "range" and upper is not None:
        numbers = list(NUMBER.finditer(text))  # the rounding of "2 to 3 million" is the second number's
        half = rounding_step(numbers[-1].group(0), upper) / 2 if numbers else half
        spread = ABOUT_SPREAD if hedge.startswith(ABOUT_HEDGES) else 0.0
        return value * (1 - spread) - half, upper * (1 + spread) + half
    if bound == "about":
        spread = max(half, ABOUT_SPREAD * abs(value))
        return value - spread, value + spread
    if bound == "at_least":
        if hedge.startswith(JUST_OVER):
            return value - half, value * (1 + NEAR_SPREAD) + half
        return value - half, None
    if bound == "at_most":
        if hedge.startswith(NEAR_HEDGES):
            return value * (1 - NEAR_SPREAD) - half, value + half
        return 0.0, value + half
    return value - half, value + half


def firm(text: str) -> bool:
    """Written in digits: "hundreds" or "tens of thousands" never differ from anything."""
    return any(ch.isdigit() for ch in text)


def vague(text: str) -> bool:
    """A plural of a magnitude without digits ("hundreds", "tens of thousands"): it spans a whole order of
    magnitude, so it is neither the same count as a figure nor one that differs from it."""
    return not firm(text) and bool(_VAGUE.search(text))


def reach(value: float, low: float, high: float | None) -> float:
    """The upper end a figure is taken to reach when it is matched with another: its interval's, or for an
    open bound ("more than 2,870", no upper end) the next step of its rounding. A writer puts a bound just
    under the real value, rounded down: "more than 4.59 million" is below 4.6 million, "more than 36
    million" below 37 million, so "at least 100 children" is true of "4.6 million cases" but is not the same
    count. Only for "same" and for a tally's growth: an open bound never conflicts with a larger figure."""
    if high is not None:
        return high
    return value + 2 * max(value - low, 0.0)  # low is the bound less half a step of its rounding
