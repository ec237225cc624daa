"""Helpers the figure tests share: stored quantities in, measured figures out, and a figure as `relate`
reads it (measure, interval, day, source)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass

from bot.claims.measures import MeasuredFigure, measure_figures

Q = tuple[str, float, str, str]  # text, value, counted, bound: a stored quantity


def measured(content: str, *quantities: Q, entities: tuple[str, ...] = (), **kw: object) -> list:
    stored = [{"text": t, "value": v, "counted": c, "bound": b} for t, v, c, b in quantities]
    return measure_figures(stored, content, entities=entities, **kw)  # type: ignore[arg-type]


def one(content: str, quantity: Q, entities: tuple[str, ...] = (), **kw: object) -> MeasuredFigure | None:
    return measured(content, quantity, entities=entities, **kw)[0]


def key(content: str, quantity: Q, entities: tuple[str, ...] = (), **kw: object) -> str | None:
    figure = one(content, quantity, entities, **kw)
    return figure.measure.key if figure is not None else None


@dataclass(frozen=True)
class Fig:
    measure: str
    detail: str
    value: float
    low: float
    high: float | None
    text: str
    day: dt.date
    source: Hashable | None


def fig(figure: MeasuredFigure | None, day: dt.date, source: str | None) -> Fig:
    assert figure is not None
    m = figure.measure
    return Fig(m.key, m.detail, figure.value, figure.low, figure.high, figure.text, day, source)
