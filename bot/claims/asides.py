"""Cut the writer's aside off the end of a reported content.

"Trump said he would quarantine people over fears of the Zika virus, which is spread primarily by
mosquitoes": the speaker said the first part; the relative clause after the comma is the reporter's gloss.
PolNeAR's annotators leave it out of the content, and so does a reader quoting the claim. On the bench's two
PolNeAR samples the cut lifts content F1 by 0.003 and 0.002. A closing "..., while X ..." clause looks like
an aside too, but in briefings it is as often the speaker's second point (the seed's "Konashenkov stated
that ..., while the forces ... completed the siege around ... Mariupol"), so it stays.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from .rules import Draft, char_span, is_quote_mark, trim

RELATIVE = frozenset({"which", "who", "whom", "whose"})
BREAKS = frozenset({",", "—", "–", "-", "--"})


def cut_asides(doc: Doc, drafts: list[Draft]) -> None:
    """Shorten each reported (unquoted) content that ends in ", which ..." or ", who ..."."""
    for d in drafts:
        if d.kind != "indirect" or d.quotes or d.content[1] <= d.content[0]:
            continue
        span = doc.char_span(*d.content, alignment_mode="expand")
        if span is None or len(span) < 4:
            continue
        end = span.end
        while end > span.start and doc[end - 1].is_punct and not is_quote_mark(doc[end - 1]):
            end -= 1
        aside = next((t for t in span if _is_aside(t, span, end)), None)
        if aside is None:
            continue
        kept = trim(doc, span.start, aside.left_edge.i - 1)
        if kept is not None:
            d.content = char_span(doc, *kept)


def _is_aside(tok: Token, span: Span, end: int) -> bool:
    """``tok`` heads a relative clause that closes the content, hangs on a word inside it, opens with a
    relative pronoun right after a comma or dash (non-restrictive), and quotes no one."""
    if not (span.start <= tok.head.i < span.end) or tok.i == tok.head.i or tok.right_edge.i + 1 < end:
        return False
    opener = tok.left_edge
    if tok.dep_ != "relcl" or opener.lower_ not in RELATIVE:
        return False
    doc = tok.doc
    if opener.i <= span.start + 1 or doc[opener.i - 1].text not in BREAKS:
        return False
    return not any(is_quote_mark(t) for t in doc[opener.i : end])
