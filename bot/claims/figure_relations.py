"""How two figures of one measure relate: the rules behind a claim's "Earlier: ..." and "Differs from ..."
lines (issue 14). What a figure measures is measures.py's.

**Intervals.** Each figure stands for an interval from its rounding and its bound: "36 million" is
35.5–36.5 million (a number keeps at least two significant digits: "37,000" is ±500, "5,840" ±5),
"about 5,840" ±10 %, "more than 2,870" [2,870, ∞) ("surpassed 36,000" too), "nearly 80,000" [72,000,
80,000], "up to 40" [0, 40], "100,000 to 110,000" the range (10 % wider when "around" it), "in the 25
percent range" about 25, "hundreds" [200, ∞) and never firm enough to differ. An open bound is true of any
larger figure, so it never differs from one; but a writer puts it just under the real value, so for "same"
and for a tally's growth it reaches only the next step of its rounding ("more than 2,870" up to 2,880:
`figure_values.reach`).

**Relations** (`relate`), same measure and comparable qualifiers:

- *same*: the intervals meet (an open bound up to its reach); never for a vague figure ("tens of
  thousands": an order of magnitude is not a count).
- *update*: they do not, and for a running tally the difference is the tally moving on (a later figure
  within the thing's daily growth; on the same day, either order); for another measure the dates differ or
  it is one source's own figure changing. Shown as "Earlier", never as a conflict. Not for a day's, a week's
  or new figures said on two days: those are two periods, not one figure moving on (nothing is shown).
- *differs*: they do not meet (an open bound unbounded), the figures come from two different known sources,
  no more than DIFFERS_DAYS apart, both firm (digits, not "hundreds"), neither a projection, and a running
  tally cannot explain the gap (a tally that shrank, or grew faster than its growth allows).
- nothing otherwise: a tally that shrank or jumped is no update, whoever said it and whenever.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Hashable
from typing import Literal, Protocol

from .figure_values import firm, reach, vague
from .measure_words import PROJECTED, Thing, measure_words

__all__ = ["DIFFERS_DAYS", "Comparable", "Relation", "relate"]

Relation = Literal["same", "differs", "update"]
DIFFERS_DAYS = 2  # two sources' figures further apart than this are an update, never a conflict


class Comparable(Protocol):
    """A measured figure as stored (claim_figure) or just measured: what `relate` reads."""

    @property
    def measure(self) -> str: ...
    @property
    def detail(self) -> str: ...
    @property
    def value(self) -> float: ...
    @property
    def low(self) -> float: ...
    @property
    def high(self) -> float | None: ...
    @property
    def text(self) -> str: ...
    @property
    def day(self) -> dt.date: ...
    @property
    def source(self) -> Hashable | None: ...


def _details(detail: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in detail.split(";") if "=" in part)


def _fit(a: str, b: str) -> str | None:
    """How two figures' qualifiers fit: "all" (comparable), "same" (only agreement may be said), or None."""
    da, db = _details(a), _details(b)
    fit = "all"
    for key in da.keys() | db.keys():
        if key in da and key in db:
            if da[key] != db[key]:
                return None
        elif key in ("year", "setting"):
            return None  # another year's figure; deaths in hospitals are not all deaths
        elif key != "cause":
            fit = "same"
    return fit


def _thing_of(measure: str) -> Thing | None:
    parts = measure.removeprefix(PROJECTED).split("/")
    return measure_words().things.get(parts[1]) if len(parts) > 1 else None


def relate(new: Comparable, old: Comparable) -> Relation | None:
    """How an earlier figure relates to a new one of the same measure: "same", "differs", "update", or None
    when they should not be shown together (see the module's rules)."""
    if new.measure != old.measure:
        return None
    fit = _fit(new.detail, old.detail)
    if fit is None:
        return None
    if vague(new.text) or vague(old.text):
        return None  # "tens of thousands" spans an order of magnitude: never the same count, never a conflict
    if _meet(new, old, _reach):
        return "same"
    if fit != "all":
        return None
    days = (new.day - old.day).days
    thing = _thing_of(new.measure)
    period = _details(new.detail).get("period")
    periodic = period not in (None, "total")
    if periodic and not str(period).startswith("month:") and days != 0:
        return None  # "last week" said on two days: two weeks, two figures, neither an update of the other
    if thing is not None and thing.tally and not periodic:
        if _moved_on(new, old, days, thing):
            return "update"
        # it shrank, or grew faster than it grows: no update of one running tally, maybe two counts
        return "differs" if _conflict(new, old, days) else None
    if _conflict(new, old, days):
        return "differs"
    if _meet(new, old):
        return None  # an open bound true of a figure far beyond it: neither the same count nor a change
    same_source = new.source is not None and new.source == old.source
    if days != 0 or same_source:
        return "update"
    return None


def _conflict(new: Comparable, old: Comparable, days: int) -> bool:
    """Two known sources' firm figures, no more than DIFFERS_DAYS apart, neither a projection, that cannot
    both be true (an open bound is true of any larger figure)."""
    return (
        abs(days) <= DIFFERS_DAYS
        and new.source is not None
        and old.source is not None
        and new.source != old.source
        and firm(new.text)
        and firm(old.text)
        and not new.measure.startswith(PROJECTED)
        and not _meet(new, old)
    )


def _open(f: Comparable) -> float:
    return math.inf if f.high is None else f.high


def _reach(f: Comparable) -> float:
    return reach(f.value, f.low, f.high)


def _meet(a: Comparable, b: Comparable, upper: Callable[[Comparable], float] = _open) -> bool:
    """The two intervals overlap; `upper` gives an open bound's upper end (none, or its reach)."""
    return a.low <= upper(b) and b.low <= upper(a)


def _moved_on(new: Comparable, old: Comparable, days: int, thing: Thing) -> bool:
    """A running tally that moved the way it moves, no faster than its growth a day (the same day: either
    way, one day's growth: two tallies of one day are taken at different hours). An open bound grows from its
    reach: "at least eight" does not grow into "more than 66,000"."""
    allowance = (1 + thing.growth) ** (abs(days) + 1)
    if days == 0:
        small, large = sorted((new, old), key=lambda f: f.value)
        return _within(small, large, allowance)
    earlier, later = (old, new) if days > 0 else (new, old)
    if thing.tally == "down":
        earlier, later = later, earlier  # what is left goes down: the earlier figure is the larger
    return later.value > earlier.value and _within(earlier, later, allowance)


def _within(small: Comparable, large: Comparable, allowance: float) -> bool:
    return large.low <= _reach(small) * allowance
