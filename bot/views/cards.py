"""What a reader sees of an article: its shown claims, in order, each once (threads, digests, App Home,
the CLI). Pure: built from the extractor's claims or from stored rows already loaded."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from bot.claims import Claim
from bot.reading.article import ArticleText
from bot.views.render import ArticleCard, ClaimLine, SameStory
from storage import models, repository, stories

SAME_WORDS = 0.8  # two claims of one source are one claim when this much of their words are shared
_WORD = re.compile(r"[^\W_]+")


def outermost(spans: Sequence[tuple[int, int, str | None]]) -> list[int]:
    """Indexes of the claims not inside another claim of the same source.

    A participle cue ("..., explaining that ...") yields a claim nested in its parent's content; a
    reader should see those words once. Search still finds both.
    """
    keep = []
    for i, (start, end, source) in enumerate(spans):
        nested = any(
            j != i
            and other_source == source
            and other_start <= start
            and end <= other_end
            and ((other_start, other_end) != (start, end) or j < i)
            for j, (other_start, other_end, other_source) in enumerate(spans)
        )
        if not nested:
            keep.append(i)
    return keep


def readable(spans: Sequence[tuple[int, int, str | None]], shown: Sequence[bool]) -> list[int]:
    """Indexes of the claims a reader sees, in order: shown ones, each once (`outermost` among them).

    Claims kept only for recall (a belief, an intention, ...) are left out before folding, so a shown claim
    inside a hidden one of the same source is still listed.
    """
    visible = [i for i, is_shown in enumerate(shown) if is_shown]
    return [visible[k] for k in outermost([spans[i] for i in visible])]


def thread_claims(claims: Sequence[Claim]) -> list[Claim]:
    """The claims a thread, a digest or App Home shows, in order: shown ones, nested repeats folded."""
    keep = readable([(*c.content_span, c.source) for c in claims], [c.shown for c in claims])
    return [claims[i] for i in keep]


def card_from_claims(article: ArticleText, claims: Sequence[Claim], url: str | None = None) -> ArticleCard:
    shown = thread_claims(claims)
    return ArticleCard(
        title=article.title or url or "Untitled",
        url=article.canonical_url or url,
        site=article.site,
        published=article.published,
        claims=[
            ClaimLine(content=c.content, source=c.source, role=c.role, cue=c.cue, kind=c.kind) for c in shown
        ],
        total_claims=len(shown),
    )


Context = Mapping[int, tuple[tuple[str, ...], tuple[str, ...]]]
"""Lines under a claim, by claim id: (mrkdwn, plain text), e.g. the same figure claimed earlier."""


def stored_card(
    article: models.Article, claims: Sequence[models.Claim], context: Context | None = None
) -> ArticleCard:
    """A card of stored claims (threads, digests, App Home), keeping what `thread_claims` keeps."""
    return _card(article, stored_readable(claims), context)


def _card(
    article: models.Article,
    shown: Sequence[models.Claim],
    context: Context | None,
    same_story: SameStory | None = None,
) -> ArticleCard:
    return ArticleCard(
        title=article.title,
        url=article.canonical_url,
        site=article.site,
        published=article.published,
        claims=[claim_line(c, context) for c in shown],
        total_claims=len(shown),
        article_id=article.id,
        same_story=same_story,
    )


def stored_readable(claims: Sequence[models.Claim]) -> list[models.Claim]:
    """The stored claims a reader sees, in order (`readable`)."""
    spans = [(c.start, c.end, c.source.name if c.source else None) for c in claims]
    return [claims[i] for i in readable(spans, [c.shown for c in claims])]


def card_from_shared(item: repository.SharedArticle) -> ArticleCard:
    """A card for an article with its claims already loaded (digests, App Home)."""
    return stored_card(item.article, item.claims)


def story_cards(items: Sequence[repository.SharedArticle]) -> list[ArticleCard]:
    """One card per story (digests, App Home), in the order given: the first copy's card, naming the
    other outlets that carried it, so a wire story shared from five sites counts once."""
    groups: dict[int, list[repository.SharedArticle]] = {}
    for item in items:
        groups.setdefault(stories.story_key(item.article), []).append(item)
    cards = []
    for first, *others in groups.values():
        mine = first.article.site or first.article.title
        outlets = dict.fromkeys(o.article.site or o.article.title for o in others)
        outlets.pop(mine, None)
        cards.append(replace(card_from_shared(first), also_in=tuple(outlets)))
    return cards


def claim_line(claim: models.Claim, context: Context | None = None) -> ClaimLine:
    lines, text = (context or {}).get(claim.id, ((), ()))
    return ClaimLine(
        content=claim.content,
        source=claim.source.name if claim.source else None,
        role=claim.role or (claim.source.role if claim.source else None),
        cue=claim.cue,
        kind=claim.kind,
        context=lines,
        context_text=text,
    )


def _who(claim: models.Claim) -> str:
    return claim.source.name_key if claim.source else (claim.source_mention or "").casefold()


def _words(claim: models.Claim) -> frozenset[str]:
    return frozenset(_WORD.findall(claim.content.casefold()))


def repeats(claim: models.Claim, earlier: Sequence[models.Claim]) -> bool:
    """The same source saying the same words (a copy may trim a quotation or re-punctuate it)."""
    words = _words(claim)
    for other in earlier:
        if _who(other) != _who(claim):
            continue
        theirs = _words(other)
        if words and theirs and len(words & theirs) / len(words | theirs) >= SAME_WORDS:
            return True
    return False


def story_card(
    article: models.Article,
    claims: Sequence[models.Claim],
    earlier: stories.EarlierShare,
    earlier_claims: Sequence[models.Claim],
    context: Context | None = None,
) -> ArticleCard:
    """A copy's card: a line pointing at the story's earlier share, and only the claims it adds."""
    readable_claims = stored_readable(claims)
    new = [c for c in readable_claims if not repeats(c, earlier_claims)]
    note = SameStory(
        permalink=earlier.permalink,
        site=earlier.site,
        title=earlier.title,
        shared_on=earlier.shared_at.date(),
        channel_name=earlier.channel_name,
        wire=earlier.wire or article.wire,
        same_claims=len(readable_claims) - len(new),
        of_claims=len(readable_claims),
    )
    return _card(article, new, context, note)
