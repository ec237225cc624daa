"""The context lines under a claim whose figure was already claimed in the workspace (issue 14):

    Earlier: Russian Defense Ministry — 498 servicemen killed (2 Mar, #news)
    Differs from Ukraine's General Staff — about 9,000 (1 Mar, #news)

Pure: storage.figures.EarlierFigure rows in (newest first, as `earlier_figures` gives them), Slack mrkdwn
or plain text out. The figure links to the thread where it was shared. "Differs" says that two figures do
not agree beyond rounding and bounds, never who is right; a figure that agrees or a running tally that
moved on reads "Earlier". Short on purpose: a line is a pointer to the earlier thread, not a second card.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.views.render import channel_mrkdwn, clip, escape, link
from storage.figures import EarlierFigure

__all__ = ["MAX_LABEL", "MAX_SOURCE", "figure_line", "figure_line_text", "figure_lines", "figure_text"]

MAX_SOURCE = 60  # characters of a source's name
MAX_LABEL = 100  # characters of "498 servicemen killed"
DIFFERS = "differs"


def _when(day: dt.date, today: dt.date | None) -> str:
    """ "2 Mar", with the year when it is not this year's."""
    text = f"{day.day} {day:%b}"
    return text if today is not None and day.year == today.year else f"{text} {day.year}"


def _parts(line: EarlierFigure) -> tuple[str, str, str]:
    """(lead, who, what) as plain text: "Earlier:" or "Differs from", the source, the figure."""
    who = clip(" ".join((line.source or "").split()), MAX_SOURCE)
    if line.relation == DIFFERS:
        return "Differs from", who or "another source", clip(line.figure.text, MAX_LABEL)
    return "Earlier:", who, clip(line.figure.label or line.figure.text, MAX_LABEL)


def figure_line(line: EarlierFigure, *, today: dt.date | None = None) -> str:
    """One line in Slack mrkdwn, escaped, the figure linked to its thread (when known)."""
    lead, who, what = _parts(line)
    where = _when(line.day, today)
    if line.channel:
        where += ", " + channel_mrkdwn(line.channel, line.channel_name)
    figure = link(line.permalink, what)
    return f"{lead} {escape(who)} — {figure} ({where})" if who else f"{lead} {figure} ({where})"


def figure_line_text(line: EarlierFigure, *, today: dt.date | None = None) -> str:
    """One line as plain text (message fallbacks, the CLI): the thread's link after it, when known."""
    lead, who, what = _parts(line)
    where = _when(line.day, today)
    if line.channel_name or line.channel:
        where += f", #{line.channel_name or line.channel}"
    text = f"{lead} {who} — {what} ({where})" if who else f"{lead} {what} ({where})"
    return f"{text} {line.permalink}" if line.permalink else text


def figure_lines(lines: Sequence[EarlierFigure], *, today: dt.date | None = None) -> list[str]:
    """The mrkdwn lines under one claim, in the order given (newest first)."""
    return [figure_line(line, today=today) for line in lines]


def figure_text(lines: Sequence[EarlierFigure], *, today: dt.date | None = None) -> str:
    """The lines under one claim as one mrkdwn text (a context block's element), "" for none."""
    return "\n".join(figure_lines(lines, today=today))
