"""Pure builders for what users read: Block Kit for Slack and plain text for the CLI.

Everything here takes view records and returns dicts or strings, so it is tested without a client and
the CLI prints exactly what Slack would show.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.views import slack_limits as limits

# A whole quantity, not digits inside a name: "S-300", "F-16" and "COVID-19" stay as they are.
_NOT_IN_NAME = r"(?<![\w*])(?<!\w[-‐–])"
NUMBER = re.compile(rf"{_NOT_IN_NAME}\d[\d,.]*\d%?(?![\w*])|{_NOT_IN_NAME}\d%?(?![\w*])")


@dataclass(frozen=True, slots=True)
class ClaimLine:
    """One claim as shown to a reader.

    ``shown`` is False only for a search with ``include:hidden``: an attribution that is not a claim (a
    belief, an intention, ...), rendered with its ``act`` so nobody reads it as "X said Y".
    """

    content: str
    source: str | None = None
    role: str | None = None
    cue: str | None = None
    kind: str = "indirect"
    shown: bool = True
    act: str = "communication"
    context: tuple[str, ...] = ()  # mrkdwn lines under it: the same figure claimed earlier, or differing
    context_text: tuple[str, ...] = ()  # the same lines as plain text


@dataclass(frozen=True, slots=True)
class SameStory:
    """An earlier share of the same story (the same wire copy from another outlet), as the reader may see
    it: a thread card then lists only what that story did not already say."""

    permalink: str | None
    site: str | None
    title: str
    shared_on: date
    channel_name: str | None
    wire: str | None
    same_claims: int
    of_claims: int


@dataclass(frozen=True, slots=True)
class ArticleCard:
    """An article and its top claims; ``total_claims`` counts the ones not shown too."""

    title: str
    url: str | None
    claims: Sequence[ClaimLine]
    total_claims: int
    site: str | None = None
    published: date | None = None
    article_id: int | None = None  # a stored article: its full list can be asked for ("Show all")
    same_story: SameStory | None = None  # a copy of a story shared before: `claims` are the new ones
    also_in: Sequence[str] = ()  # other outlets that carried the same story (digests, App Home)


@dataclass(frozen=True, slots=True)
class ArticleClaimsPage:
    """One page of all the claims a thread shows of an article (the "Show all" button's answer)."""

    card: ArticleCard
    page: int = 0
    page_size: int = 10

    @property
    def lines(self) -> Sequence[ClaimLine]:
        start = self.page * self.page_size
        return self.card.claims[start : start + self.page_size]

    @property
    def has_more(self) -> bool:
        return (self.page + 1) * self.page_size < len(self.card.claims)


@dataclass(frozen=True, slots=True)
class Failure:
    """A link that could not be summarised, with the one-line reason the user sees."""

    url: str
    reason: str


@dataclass(frozen=True, slots=True)
class SearchLine:
    """One search result, already resolved to the thread it came from."""

    claim: ClaimLine
    article_title: str
    article_url: str | None
    shared_at: datetime
    permalink: str | None = None
    channel: str | None = None
    channel_name: str | None = None


@dataclass(frozen=True, slots=True)
class SearchPage:
    query: str
    lines: Sequence[SearchLine]
    page: int = 0
    has_more: bool = False
    page_size: int = 10


@dataclass(frozen=True, slots=True)
class DigestView:
    """Claims shared in a channel from ``since`` until ``until`` (UTC), shown in ``timezone``."""

    channel_label: str
    day: date
    cards: Sequence[ArticleCard] = field(default_factory=tuple)
    since: datetime | None = None
    until: datetime | None = None
    timezone: str = "UTC"


@dataclass(frozen=True, slots=True)
class TopSource:
    """A source and how many claims of it were shared in the window App Home covers."""

    name: str
    claims: int
    role: str | None = None


DIGEST_MAX_CLAIMS = 4  # per article, in Slack and on the command line alike


# --- text helpers -------------------------------------------------------------------------------


def escape(text: str) -> str:
    """Slack mrkdwn treats &, < and > as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def emphasise_numbers(text: str) -> str:
    """Bold every number so the figures a claim turns on stand out."""
    return NUMBER.sub(lambda m: f"*{m.group(0)}*", text)


def clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + "…"


def link(url: str | None, label: str) -> str:
    label = escape(label).replace("|", "¦")
    return f"<{url}|{label}>" if url else label


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# What a claim without a cue reads as, by kind: a quotation continued from the previous claim, and the
# byline author's own thesis in an opinion column, a review or an advice column.
KIND_CUES = {"continuation": "continued", "thesis": "writes"}


def display_cue(claim: ClaimLine) -> str | None:
    """The cue as the middle of a sentence reads it: "According to" at a sentence start -> "according to".

    A claim without a cue reads as its kind says ("continued", "writes"), or with none.
    """
    return claim.cue.lower() if claim.cue else KIND_CUES.get(claim.kind)


def not_a_claim(claim: ClaimLine) -> str | None:
    """'belief, not a claim' for an attribution kept only for recall; None for a claim."""
    return None if claim.shown else f"{claim.act}, not a claim"


def claim_mrkdwn(
    claim: ClaimLine, limit: int = limits.MAX_SECTION_TEXT - 200, *, with_source: bool = True
) -> str:
    """'*Source* (role) — _cue_: content', with numbers bold, the content escaped and clipped.

    ``with_source`` False leaves the speaker out ('_cue_: content'), for lists of one source's claims."""
    who = f"*{escape(claim.source)}*" if claim.source else "_Unattributed_"
    if claim.role:
        who += f" ({escape(claim.role)})"
    word = display_cue(claim)
    cue = f"_{escape(word)}_" if word else ""
    note = not_a_claim(claim)
    if note:
        cue = f"{cue} ({escape(note)})".lstrip()
    content = emphasise_numbers(escape(clip(claim.content, limit)))
    if claim.kind == "direct" and not content.startswith(("“", '"')):
        content = f"“{content}”"
    if not with_source:
        return f"{cue}: {content}" if cue else content
    return f"{who} — {cue}: {content}" if cue else f"{who}: {content}"


def claim_text(claim: ClaimLine, *, with_source: bool = True) -> str:
    who = claim.source or "Unattributed"
    if claim.role:
        who += f" ({claim.role})"
    cue = display_cue(claim) or ""
    note = not_a_claim(claim)
    if note:
        cue = f"{cue} ({note})".lstrip()
    if not with_source:
        return f"{cue}: {claim.content}" if cue else claim.content
    return f"{who} — {cue}: {claim.content}" if cue else f"{who}: {claim.content}"


def _dateline(card: ArticleCard) -> str:
    parts = [p for p in (card.site, card.published.isoformat() if card.published else None) if p]
    return " · ".join(parts)


def same_story_note(story: SameStory, *, mrkdwn: bool = True) -> str:
    """ "Same story as <thread|Dnipro Herald, 1 Mar, #news> (Reuters copy, 6 of 7 claims the same)"."""
    where = ", ".join(
        p for p in (story.site or story.title, f"{story.shared_on.day} {story.shared_on:%b}",
                    f"#{story.channel_name}" if story.channel_name else None) if p
    )  # fmt: skip
    label = (
        link(story.permalink, where)
        if mrkdwn
        else (f"{where} ({story.permalink})" if story.permalink else where)
    )
    copy = f"{story.wire} copy, " if story.wire else ""
    return f"Same story as {label} ({copy}{story.same_claims} of {story.of_claims} claims the same)"


def also_in_note(sites: Sequence[str]) -> str:
    return "Also in: " + ", ".join(sites)


def section_block(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, limits.MAX_SECTION_TEXT)}}


def context_block(*texts: str) -> dict[str, Any]:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": clip(t, limits.MAX_SECTION_TEXT)} for t in texts][
            : limits.MAX_CONTEXT_ELEMENTS
        ],
    }


def _blocks_size(blocks: Iterable[dict[str, Any]]) -> int:
    return len(json.dumps(list(blocks), ensure_ascii=False))


SHOW_ALL_ACTION = "claims_article"


def _more_blocks(card: ArticleCard, shown: int, expandable: bool) -> list[dict[str, Any]]:
    """What a card says of the claims it leaves out: how many, and a button that lists them all."""
    hidden = card.total_claims - shown
    if hidden <= 0:
        return []
    if not expandable or card.article_id is None:
        return [context_block(f"{plural(hidden, 'more claim')} not shown")]
    return [
        context_block(f"Showing {shown} of {card.total_claims} claims"),
        {
            "type": "actions",
            "block_id": f"claims_article_{card.article_id}",
            "elements": [
                _article_button(f"Show all {card.total_claims} claims", SHOW_ALL_ACTION, card.article_id, 0)
            ],
        },
    ]


def _article_button(label: str, action_id: str, article_id: int, page: int) -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": label},
        "value": json.dumps({"a": article_id, "p": page}),
    }


# --- thread summaries ---------------------------------------------------------------------------


def card_blocks(card: ArticleCard, max_claims: int, *, expandable: bool = True) -> list[dict[str, Any]]:
    """An article's summary; ``expandable`` adds the "Show all" button (not in App Home: a button there
    has no conversation to answer in)."""
    head = f"*{link(card.url, card.title)}*"
    dateline = _dateline(card)
    if dateline:
        head += f"\n{escape(dateline)}"
    blocks = [section_block(head)]
    notes = [same_story_note(card.same_story)] if card.same_story else []
    notes += [escape(also_in_note(card.also_in))] if card.also_in else []
    if notes:
        blocks.append(context_block(*notes))
    shown = list(card.claims[:max_claims])
    if not shown:
        nothing = (
            "Nothing that story did not say."
            if card.same_story
            else "No attributed claims found in this article."
        )
        blocks.append(context_block(nothing))
        return blocks
    for claim in shown:
        blocks.append(section_block(f"• {claim_mrkdwn(claim)}"))
        if claim.context:
            blocks.append(context_block(*claim.context))
    blocks.extend(_more_blocks(card, len(shown), expandable))
    return blocks


def summary_blocks(
    cards: Sequence[ArticleCard],
    failures: Sequence[Failure] = (),
    *,
    max_articles: int = 3,
    max_claims: int = 6,
) -> list[dict[str, Any]]:
    """The thread reply for one shared message: up to ``max_articles`` summaries, the rest by title."""
    blocks: list[dict[str, Any]] = []
    for i, card in enumerate(cards[:max_articles]):
        if i:
            blocks.append({"type": "divider"})
        blocks.extend(card_blocks(card, max_claims))
    rest = cards[max_articles:]
    if rest:
        titles = ", ".join(link(c.url, c.title) for c in rest)
        blocks.append(context_block(f"Also shared: {titles} — search their claims with `/claims`"))
    for failure in failures:
        blocks.append(
            section_block(
                f":warning: I couldn't read {link(failure.url, failure.url)}: {escape(failure.reason)}"
            )
        )
    return fit_blocks(blocks)


def summary_fallback(cards: Sequence[ArticleCard], failures: Sequence[Failure] = ()) -> str:
    """Notification text: Slack shows it where blocks can't be rendered."""
    parts = []
    for card in cards:
        sources = list(dict.fromkeys(c.source for c in card.claims if c.source))[:3]
        who = f" from {', '.join(sources)}" if sources else ""
        parts.append(f"{plural(card.total_claims, 'claim')}{who} in “{card.title}”")
    parts.extend(f"couldn't read {f.url}: {f.reason}" for f in failures)
    return clip("; ".join(parts) or "No article found", limits.MAX_FALLBACK_TEXT)


def card_text(card: ArticleCard, max_claims: int | None = None) -> str:
    """The CLI's rendering of a thread summary."""
    lines = [card.title]
    dateline = _dateline(card)
    if dateline:
        lines.append(dateline)
    if card.url:
        lines.append(card.url)
    if card.same_story:
        lines.append(same_story_note(card.same_story, mrkdwn=False))
    if card.also_in:
        lines.append(also_in_note(card.also_in))
    shown = list(card.claims if max_claims is None else card.claims[:max_claims])
    for claim in shown:
        lines.append(f"  • {claim_text(claim)}")
        lines.extend(f"      {line}" for line in claim.context_text)
    if not shown:
        lines.append(
            "  (nothing that story did not say)" if card.same_story else "  (no attributed claims found)"
        )
    hidden = card.total_claims - len(shown)
    if hidden > 0:
        lines.append(f"  … {plural(hidden, 'more claim')}")
    return "\n".join(lines)


# --- search -------------------------------------------------------------------------------------


def search_blocks(page: SearchPage) -> list[dict[str, Any]]:
    """Ephemeral search results with Previous/Next buttons carrying the query and page."""
    first = page.page * page.page_size + 1
    if not page.lines:
        msg = f"No claims match `{escape(page.query)}`." if page.page == 0 else "No more results."
        return [
            section_block(msg),
            context_block("Try fewer words, or `/claims help` for the query language."),
        ]
    last = first + len(page.lines) - 1
    blocks = [section_block(f"Claims matching `{escape(page.query)}` — {first}–{last}, newest first")]
    for line in page.lines:
        blocks.append(section_block(f"{claim_mrkdwn(line.claim)}\n{where_mrkdwn(line)}"))
    buttons = []
    if page.page > 0:
        buttons.append(_page_button("Previous", "claims_prev", page.query, page.page - 1))
    if page.has_more:
        buttons.append(_page_button("Next", "claims_next", page.query, page.page + 1))
    if buttons:
        blocks.append({"type": "actions", "block_id": "claims_paging", "elements": buttons})
    return fit_blocks(blocks)


def article_claims_blocks(page: ArticleClaimsPage) -> list[dict[str, Any]]:
    """Every claim the thread shows of an article, a page at a time, with Previous/Next."""
    card = page.card
    first = page.page * page.page_size + 1
    last = first + len(page.lines) - 1
    head = f"*{link(card.url, card.title)}* — claims {first}–{last} of {len(card.claims)}"
    blocks = [section_block(head)]
    blocks.extend(section_block(f"• {claim_mrkdwn(c)}") for c in page.lines)
    buttons = []
    if card.article_id is not None and page.page > 0:
        buttons.append(_article_button("Previous", SHOW_ALL_ACTION, card.article_id, page.page - 1))
    if card.article_id is not None and page.has_more:
        buttons.append(_article_button("Next", SHOW_ALL_ACTION, card.article_id, page.page + 1))
    if buttons:
        blocks.append({"type": "actions", "block_id": "claims_article_paging", "elements": buttons})
    return fit_blocks(blocks)


def article_claims_text(page: ArticleClaimsPage) -> str:
    return "\n".join([page.card.title, *(f"• {claim_text(c)}" for c in page.lines)])


_SLACK_ID = re.compile(r"[A-Z0-9]+")


def channel_mrkdwn(channel: str, name: str | None = None) -> str:
    """A Slack channel id as Slack's mention (each reader sees the name Slack shows them); anything else
    (the CLI files a channel under the name it was given) as '#name' text."""
    if _SLACK_ID.fullmatch(channel):
        return f"<#{channel}>"
    return escape(f"#{name or channel}")


def where_mrkdwn(line: SearchLine, *, channel: bool = False) -> str:
    """Where a result was shared: 'article · date · thread' (and the channel, ``channel`` True)."""
    where = [link(line.article_url, line.article_title), line.shared_at.strftime("%Y-%m-%d")]
    if channel and line.channel:
        where.append(channel_mrkdwn(line.channel, line.channel_name))
    if line.permalink:
        where.append(link(line.permalink, "thread"))
    return " · ".join(where)


def where_text(line: SearchLine, *, channel: str | None = None) -> str:
    """``where_mrkdwn`` as plain text; ``channel`` is the label to show ('#news'), if any."""
    where = [line.article_title, f"{line.shared_at:%Y-%m-%d}"]
    if channel:
        where.append(channel)
    if line.permalink:
        where.append(line.permalink)
    return " · ".join(where)


def _page_button(label: str, action_id: str, query: str, page: int) -> dict[str, Any]:
    value = json.dumps({"q": query, "p": page}, ensure_ascii=False)
    return {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": label},
        "value": value[: limits.MAX_BUTTON_VALUE],
    }


def search_text(page: SearchPage) -> str:
    if not page.lines:
        return f"No claims match {page.query!r}."
    out = []
    for line in page.lines:
        out.append(f"• {claim_text(line.claim)}")
        out.append(f"    {where_text(line)}")
    return "\n".join(out)


# --- digests ------------------------------------------------------------------------------------


def digest_period(view: DigestView) -> str:
    """The span a digest covers, in the channel's time zone ("2 Dec 09:00 – 3 Dec 09:00 (Europe/Paris)"):
    a digest posted on the 3rd is about what was shared the day before, not about the 3rd."""
    if view.since is None or view.until is None:
        return view.day.isoformat()
    try:
        tz: tzinfo = ZoneInfo(view.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        tz = UTC
    since, until = view.since.astimezone(tz), view.until.astimezone(tz)
    start = f"{since.day} {since:%b %H:%M}"
    end = f"{until:%H:%M}" if since.date() == until.date() else f"{until.day} {until:%b %H:%M}"
    return f"{start} – {end} ({view.timezone})"


def digest_blocks(view: DigestView, max_claims: int = DIGEST_MAX_CLAIMS) -> list[dict[str, Any]]:
    """Claims shared in a channel over a day, grouped by article; ``fit_blocks`` adds the "N more" line."""
    total = sum(c.total_claims for c in view.cards)
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Daily digest of claims"}},
        context_block(
            f"Shared in {view.channel_label} · {digest_period(view)} · "
            f"{plural(len(view.cards), 'article')} · {plural(total, 'claim')}"
        ),
    ]
    for card in view.cards:
        blocks.append({"type": "divider"})
        blocks.extend(card_blocks(card, max_claims))
    return fit_blocks(blocks, unit="articles")


def digest_text(view: DigestView, max_claims: int | None = DIGEST_MAX_CLAIMS) -> str:
    """The same view as ``digest_blocks``, as text (the CLI and Slack's plain fallback)."""
    total = sum(c.total_claims for c in view.cards)
    head = f"Claims shared in {view.channel_label} — {digest_period(view)}"
    head += f" ({plural(len(view.cards), 'article')}, {plural(total, 'claim')})"
    if not view.cards:
        return head + "\nNothing shared."
    return "\n\n".join([head, *(card_text(c, max_claims) for c in view.cards)])


def digest_fallback(view: DigestView) -> str:
    total = sum(c.total_claims for c in view.cards)
    articles = plural(len(view.cards), "article")
    return f"Daily digest: {plural(total, 'claim')} from {articles} shared in {view.channel_label}"


# --- limits -------------------------------------------------------------------------------------


def fit_blocks(blocks: list[dict[str, Any]], unit: str = "items") -> list[dict[str, Any]]:
    """Cut to Slack's block count and total size, saying how much was left out."""
    if len(blocks) <= limits.MAX_BLOCKS and _blocks_size(blocks) <= limits.MAX_BLOCKS_CHARS:
        return blocks
    kept: list[dict[str, Any]] = []
    budget = limits.MAX_BLOCKS_CHARS - 200
    for block in blocks:
        if len(kept) >= limits.MAX_BLOCKS - 1 or _blocks_size([*kept, block]) > budget:
            break
        kept.append(block)
    hidden = sum(1 for b in blocks[len(kept) :] if b.get("type") == "section")
    while kept and kept[-1].get("type") == "divider":
        kept.pop()
    label = "more entries" if unit == "items" else f"more {unit} and claims"
    kept.append(context_block(f"{hidden} {label} not shown — search them with `/claims`"))
    return kept


# --- App Home -----------------------------------------------------------------------------------


def home_blocks(
    cards: Sequence[ArticleCard],
    channels: Sequence[tuple[str, str]],
    failed: Sequence[tuple[str, Failure]] = (),
    quoted: Sequence[TopSource] = (),
) -> list[dict[str, Any]]:
    """Recent articles with their top claims, the week's most quoted sources, the links that failed for
    good (with the channel they were shared in), then the digest setting of each configured channel."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Recent claims in this workspace"}},
    ]
    if not cards:
        blocks.append(section_block("Nothing shared yet. Post a link to a news article in a channel I'm in."))
    for card in cards:
        blocks.extend(card_blocks(card, max_claims=2, expandable=False))
    blocks.append({"type": "divider"})
    blocks.extend(quoted_blocks(quoted))
    if failed:
        blocks.append({"type": "divider"})
        blocks.append({"type": "header", "text": {"type": "plain_text", "text": "Links I couldn't read"}})
        for channel, f in failed:
            url = f.url if len(f.url) <= 2000 else None  # a link Slack would cut is shown as text only
            text = f"{link(url, clip(f.url, 80))} in <#{channel}>: {escape(clip(f.reason, 500))}"
            blocks.append(section_block(text))
    blocks.append({"type": "divider"})
    blocks.append({"type": "header", "text": {"type": "plain_text", "text": "Daily digests"}})
    if channels:
        lines = "\n".join(f"<#{channel}>: {setting}" for channel, setting in channels)
        blocks.append(section_block(lines))
    else:
        blocks.append(section_block("No channel has a digest yet. In a channel: `/claims digest on 09:00`."))
    blocks.append(context_block(limits.USAGE.replace("\n", " · ")))
    return fit_blocks(blocks)


def quoted_blocks(quoted: Sequence[TopSource]) -> list[dict[str, Any]]:
    """App Home's "Most quoted this week": one numbered line per source, and how to see its card."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Most quoted this week"}}
    ]
    if not quoted:
        blocks.append(section_block("No source quoted in a public channel in the last 7 days."))
        return blocks
    lines = []
    for i, source in enumerate(quoted, start=1):
        who = f"*{escape(clip(source.name, 200))}*"
        if source.role:
            who += f" ({escape(clip(source.role, 200))})"
        lines.append(f"{i}. {who} — {plural(source.claims, 'claim')}")
    blocks.append(section_block("\n".join(lines)))
    blocks.append(context_block("A source's claims, roles and channels: `/claims who NAME`"))
    return blocks
