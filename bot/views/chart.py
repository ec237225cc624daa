"""The `/claims chart` picture: series of figures over time, drawn to PNG bytes, pure.

Drawn with matplotlib's object API on the Agg canvas, never pyplot: pyplot keeps global state (current
figure, rcParams changes) that threads of a web process would share. Every text uses the DejaVu Sans file
bundled with matplotlib, found by path, and every colour, size and marker is set here, so the picture does
not depend on the host's fonts or a matplotlibrc. Text is drawn with math parsing off: a "$" in a query or
a source's name stays a dollar sign. matplotlib is imported on first use: processes that never draw a
chart (the CLI, most workers) do not pay its import (a third of a second).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

WIDTH_PX, HEIGHT_PX, DPI = 1200, 700, 100
X_LABEL = "date (article published; shared when not known)"
SHORT_SPAN_DAYS = 10  # below this span, one tick a day
LOG_SPAN = 1000  # counts spanning three orders of magnitude or more go on a log axis
MAX_LABEL = 48  # characters of a series name in the legend
MAX_TITLE = 90

# matplotlib's tab10 without its grey, spelled out so a matplotlibrc's colour cycle cannot change the
# picture; grey is for the unattributed points and the legend's marker key.
COLORS = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#bcbd22",
    "#17becf",
)
UNATTRIBUTED_COLOR = "#7f7f7f"
KEY_COLOR = "#444444"
BOUNDS_HEADING = "figures given as:"
BOUNDS = ("exact", "about", "at_least", "at_most")
# marker, filled: a hollow circle is an approximation, a triangle points the way the true figure may lie.
MARKERS: dict[str, tuple[str, bool]] = {
    "exact": ("o", True),
    "about": ("o", False),
    "at_least": ("^", True),
    "at_most": ("v", True),
}
BOUND_LABELS = {
    "exact": "exact figure",
    "about": "about (approximate)",
    "at_least": "at least (lower bound)",
    "at_most": "at most (upper bound)",
}


@dataclass(frozen=True, slots=True)
class ChartPoint:
    day: date
    value: float
    bound: str = "exact"  # one of BOUNDS; anything else is drawn as exact


@dataclass(frozen=True, slots=True)
class ChartSeries:
    name: str
    points: Sequence[ChartPoint]
    connected: bool = True
    """False for points of different speakers grouped under one name ("unattributed"): a line between
    them would read as one voice revising its figure."""


@dataclass(frozen=True, slots=True)
class ChartSpec:
    title: str
    y_label: str
    series: Sequence[ChartSeries]
    legend_title: str = "source"
    percent: bool = False
    note: str | None = None  # one line under the chart: what was left out


# --- fonts ------------------------------------------------------------------------------------------


@cache
def font_file() -> str:
    """The DejaVu Sans that ships inside matplotlib: the same glyphs on every host."""
    import matplotlib

    return str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf")


def _font(size: float) -> FontProperties:
    from matplotlib.font_manager import FontProperties

    return FontProperties(fname=font_file(), size=size)


# --- drawing ----------------------------------------------------------------------------------------


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def compact_number(value: float) -> str:
    """Tick labels a reader takes in at a glance: 950, 12,500, 3.2M, 1.5B."""
    size = abs(value)
    if size >= 1e9:
        return f"{value / 1e9:.3g}B"
    if size >= 1e6:
        return f"{value / 1e6:.3g}M"
    if size >= 100 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:.3g}"


def uses_log_scale(spec: ChartSpec) -> bool:
    """Counts of very different sizes (498 and 1.5 million) would flatten the small ones on a linear axis."""
    values = [p.value for s in spec.series for p in s.points]
    if spec.percent or not values or min(values) <= 0:
        return False
    return max(values) / min(values) >= LOG_SPAN


def chart_figure(spec: ChartSpec) -> Figure:
    """The chart as a matplotlib Figure on an Agg canvas (not yet drawn): kept apart from `figure_png` so
    a test can read the figure's texts after drawing."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    bottom = 0.05 if spec.note else 0.0  # room for the note, which the layout engine does not see
    fig = Figure(
        figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI),
        dpi=DPI,
        facecolor="white",
        layout=ConstrainedLayoutEngine(rect=(0.0, bottom, 1.0, 1.0 - bottom)),
    )
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.set_facecolor("white")
    log = uses_log_scale(spec)
    if log:
        ax.set_yscale("log")
    _draw_series(ax, spec)
    _axes(ax, spec, log)
    _legend(ax, spec)
    if spec.note:
        fig.text(
            0.01, 0.015, clip(spec.note, 180), fontproperties=_font(10), color="#444444", parse_math=False
        )
    return fig


def _draw_series(ax: Axes, spec: ChartSpec) -> None:
    for i, series in enumerate(spec.series):
        color = COLORS[i % len(COLORS)] if series.connected else UNATTRIBUTED_COLOR
        points = sorted(series.points, key=lambda p: (p.day, p.value))
        label = clip(series.name, MAX_LABEL)
        if series.connected and len(points) > 1:
            ax.plot(
                [p.day for p in points],
                [p.value for p in points],
                color=color,
                linewidth=1.6,
                alpha=0.8,
                zorder=2,
            )
        # The legend's handle for the series: its colour, line or not, with the plain marker.
        ax.plot(
            [],
            [],
            color=color,
            linestyle="-" if series.connected else "none",
            linewidth=1.6,
            marker="o",
            markersize=7,
            label=label,
        )
        for bound in BOUNDS:
            group = [p for p in points if (p.bound if p.bound in MARKERS else "exact") == bound]
            if not group:
                continue
            marker, filled = MARKERS[bound]
            ax.scatter(
                [p.day for p in group],
                [p.value for p in group],
                s=60,
                marker=marker,
                facecolors=color if filled else "white",
                edgecolors=color,
                linewidths=1.6,
                zorder=3,
            )


def _axes(ax: Axes, spec: ChartSpec, log: bool) -> None:
    from matplotlib import dates as mdates
    from matplotlib import ticker

    ax.set_title(clip(spec.title, MAX_TITLE), fontproperties=_font(15), parse_math=False, pad=12)
    ax.set_xlabel(X_LABEL, fontproperties=_font(11), parse_math=False)
    y_label = spec.y_label + (" (log scale)" if log else "")
    ax.set_ylabel(clip(y_label, 80), fontproperties=_font(11), parse_math=False)
    days = [p.day for s in spec.series for p in s.points]
    if days and (max(days) - min(days)).days < SHORT_SPAN_DAYS:
        # Figures are dated by the day: a few days' span gets one tick a day and half a day of margin,
        # never hour ticks that would suggest a time of day nobody stated.
        first, last = (datetime.combine(d, time()) for d in (min(days), max(days)))
        ax.set_xlim(first - timedelta(hours=12), last + timedelta(hours=12))
        ax.xaxis.set_major_locator(mdates.DayLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b %Y" if len(set(days)) == 1 else "%d %b"))
    else:
        locator = mdates.AutoDateLocator(minticks=3, maxticks=9)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(
            mdates.ConciseDateFormatter(
                locator,
                formats=["%Y", "%b", "%d %b", "%H:%M", "%H:%M", "%S"],
                zero_formats=["", "%Y", "%d %b", "%d %b", "%H:%M", "%H:%M"],
                offset_formats=["", "%Y", "%b %Y", "%d %b %Y", "%d %b %Y", "%d %b %Y %H:%M"],
            )
        )
    if spec.percent:
        ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}%"))
    else:
        ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: compact_number(v)))
    if log:
        ax.yaxis.set_minor_formatter(ticker.NullFormatter())
    elif min((p.value for s in spec.series for p in s.points), default=0.0) >= 0:
        ax.set_ylim(bottom=0)  # counts and shares start at zero: a cut axis exaggerates a change
    ax.grid(True, which="major", color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    ax.tick_params(colors="#333333", labelsize=10)
    ticks_font = _font(10)
    for axis in (ax.xaxis, ax.yaxis):
        # New ticks copy the first tick's label properties: setting them there sets every tick's font.
        for tick in (*axis.get_major_ticks(), *axis.get_minor_ticks()):
            tick.label1.set_fontproperties(ticks_font)
            tick.label2.set_fontproperties(ticks_font)
        axis.offsetText.set_fontproperties(ticks_font)


def _legend(ax: Axes, spec: ChartSpec) -> None:
    from matplotlib.lines import Line2D

    handles, labels = ax.get_legend_handles_labels()
    present = {p.bound if p.bound in MARKERS else "exact" for s in spec.series for p in s.points}
    if present - {"exact"}:  # only exact figures: every marker is the same, nothing to explain
        handles.append(Line2D([], [], linestyle="none"))  # a heading: no marker, only its label
        labels.append(BOUNDS_HEADING)
        for bound in BOUNDS:
            if bound not in present:
                continue
            marker, filled = MARKERS[bound]
            handles.append(
                Line2D(
                    [],
                    [],
                    linestyle="none",
                    marker=marker,
                    markersize=8,
                    markerfacecolor=KEY_COLOR if filled else "white",
                    markeredgecolor=KEY_COLOR,
                    markeredgewidth=1.6,
                )
            )
            labels.append(BOUND_LABELS[bound])
    legend = ax.legend(
        handles,
        labels,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        borderaxespad=0.0,
        frameon=False,
        title=spec.legend_title,
        prop=_font(10),
        title_fontproperties=_font(11),
    )
    for text in (*legend.get_texts(), legend.get_title()):
        text.set_parse_math(False)


def figure_png(fig: Figure) -> bytes:
    """Draw the figure and return its PNG; no software version in the metadata, so equal charts are
    equal bytes."""
    buffer = io.BytesIO()
    fig.canvas.print_figure(buffer, format="png", dpi=DPI, facecolor="white", metadata={"Software": None})
    return buffer.getvalue()


def render_png(spec: ChartSpec) -> bytes:
    return figure_png(chart_figure(spec))
