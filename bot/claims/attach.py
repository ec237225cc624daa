"""Tie quotations to cues: widen a claim to its whole quotation, give a quote-only sentence the cue in its
frame ('"...," he said'), and carry a speaker over a quotation that continues after the cue.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from .quotes import CLOSING, STRAIGHT, Quote, has_quote_mark
from .rules import Draft, is_quote_mark, subject_of

_WORD = re.compile(r"\w+")
FIRST_PERSON = frozenset({"i", "we"})
CLOSING_MARKS = frozenset(CLOSING + STRAIGHT + "'")
CONTINUED = frozenset({"direct", "indirect", "according_to"})
SPEAKER_POS = frozenset({"PROPN", "NOUN", "PRON"})


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def inside(a: tuple[int, int] | None, b: tuple[int, int]) -> bool:
    return a is not None and b[0] <= a[0] and a[1] <= b[1]


def _quoted_share(content: tuple[int, int], quotes: list[tuple[int, int]]) -> float:
    length = max(1, content[1] - content[0])
    covered = sum(max(0, min(content[1], e) - max(content[0], s)) for s, e in quotes)
    return covered / length


def widen_to_quotes(drafts: list[Draft], quotes: list[Quote]) -> None:
    """A content that runs into a quotation takes the whole quotation (quotes span sentences); a content
    that runs out of a quotation towards its cue is cut back to it when the speaker is caught inside
    ('"Q," Gene Sperling, an adviser, said' parsed with the speaker in the complement), and kept when the
    speaker's own words go on ('"We teach nothing" against it at the meetings, he said')."""
    for d in drafts:
        if d.content[1] <= d.content[0]:
            continue
        for q in quotes:
            if not overlaps(d.content, q.span) or inside(d.cue, q.span):
                continue
            speaker_outside = d.subject is not None and not (d.content[0] <= d.subject.idx < d.content[1])
            if (
                d.cue is not None
                and q.end <= d.cue[0]
                and d.content[1] > q.end
                and d.content[0] >= q.start
                and not speaker_outside
            ):
                d.content = q.span
                if d.subject is None and d.verb is not None:
                    d.subject = _speaker_near(d.verb, q)
            else:
                d.content = (min(d.content[0], q.start), max(d.content[1], q.end))
            d.quotes.append(q.span)
        if d.quotes and d.kind == "indirect" and _quoted_share(d.content, d.quotes) >= 0.6:
            d.kind = "direct"


def _speaker_near(verb: Token, q: Quote) -> Token | None:
    """The speaker named between a quotation and its cue, or right after an inverted cue ('said X')."""
    doc = verb.doc
    window = [t for t in doc[verb.sent.start : verb.sent.end] if q.end <= t.idx < verb.idx]
    window = window or [t for t in doc[verb.i + 1 : min(verb.sent.end, verb.i + 6)]]
    for tok in window:
        if tok.pos_ in SPEAKER_POS:
            # "the city's mayor, Ihor Kolykhayev, told": the mayor speaks, not the city (a possessor names
            # whose the speaker is); "Ukraine's General Staff" stays whole (sources.py keeps the country)
            while tok.head.i != tok.i and tok.head in window and (
                tok.dep_ in {"compound", "flat"} or (tok.dep_ == "poss" and tok.head.pos_ in SPEAKER_POS)
            ):
                tok = tok.head
            return tok
    return None


def _covered(q: Quote, drafts: list[Draft]) -> bool:
    return any(
        overlaps(d.content, q.span) and not inside(d.cue, q.span)
        for d in drafts
        if d.content[1] > d.content[0]
    )


def _frame_cue(q: Quote, drafts: list[Draft], text: str, min_words: int) -> Draft | None:
    """A cue with no content of its own in a sentence the quote touches ('"...," he said'), in the short
    sentence right after it ('"Is that all?" Trump said.') or right before it after a colon."""
    best: tuple[int, Draft] | None = None
    for d in drafts:
        if d.cue is None or d.content[1] > d.content[0] or d.verb is None or inside(d.cue, q.span):
            continue
        in_frame = d.sentence[0] < q.end and q.start < d.sentence[1]
        if not (in_frame or _right_after(text, q, d) or _after_colon(text, q, d)):
            continue
        if q.words < min_words:  # a short quotation must hug its cue, or it is a scare quote
            between = text[q.end : d.cue[0]] if q.end <= d.cue[0] else text[d.cue[1] : q.start]
            if len(_WORD.findall(between)) > 4 or not ({",", ":"} & set(between) or q.text_end_punct(text)):
                continue
        distance = abs(q.start - d.cue[1] if d.cue[1] <= q.start else d.cue[0] - q.end)
        if best is None or distance < best[0]:
            best = (distance, d)
    return best[1] if best else None


# Reach of the cheap position checks below, in characters: the words of a long article are never counted
# between every cue and every quotation (that was quadratic in the article's length).
NEAR = 300


def _right_after(text: str, q: Quote, d: Draft) -> bool:
    """The cue's sentence starts right after the quotation and is short, or goes on from it."""
    if not (q.end <= d.sentence[0] <= q.end + NEAR) or text[q.end : d.sentence[0]].strip():
        return False
    return len(_WORD.findall(text, d.sentence[0], d.sentence[1])) <= 8 or _goes_on(text, q, d)


def _after_colon(text: str, q: Quote, d: Draft) -> bool:
    """A colon between the cue and the quotation, a few words and at most one paragraph break apart."""
    if d.cue is None or not (d.cue[1] <= q.start <= d.cue[1] + NEAR):
        return False
    gap = text[d.cue[1] : q.start]
    return ":" in gap and len(_WORD.findall(gap)) <= 6 and gap.count("\n\n") <= 1


def _goes_on(text: str, q: Quote, d: Draft) -> bool:
    """A sentence the parser split off after a quotation's "!" or "?", opening with its cue ('"They want
    me!" he says to the camera from the protest')."""
    opening = text[d.sentence[0] : d.cue[0]] if d.cue else ""
    asked = text[q.start : q.end].rstrip(CLOSING + STRAIGHT + "' ").endswith(("?", "!"))
    return asked and len(_WORD.findall(opening)) <= 3


def _previous_speaker(q: Quote, drafts: list[Draft], text: str) -> Draft | None:
    """The claim a quotation continues: '"A," he said. "B."' in one paragraph, a quotation left open at a
    paragraph's end and taken up by the next paragraph, or reported speech the speaker goes on with in
    their own words ('He added that the Fed wants out. "They don't like to talk about it."')."""
    before = [d for d in drafts if d.content[0] < d.content[1] <= q.start and d.kind in CONTINUED and d.cue]
    if not before:
        return None
    prev = max(before, key=lambda d: d.content[1])
    anchor = max(prev.content[1], prev.sentence[1])
    gap = text[anchor : q.start] if anchor <= q.start else ""
    if _WORD.search(gap):
        return None
    if prev.kind != "direct":
        return None if "\n" in text[prev.content[1] : q.start] else prev
    if "\n" in gap or "\n" in text[prev.content[1] : q.start]:
        left_open = text[prev.content[1] - 1 : prev.content[1]] not in CLOSING_MARKS
        if not left_open or gap.count("\n") > 2:
            return None
    return prev


def attach_quotes(
    text: str, drafts: list[Draft], quotes: list[Quote], min_words: int, unattributed_min_words: int
) -> list[Draft]:
    """Return the drafts plus claims built from quotations; cue-only drafts that got no quote are dropped.

    Any quotation can complete a cue in its frame ('Priebus said, "Probably."'); only quotations of
    ``min_words`` or more stand as claims through a previous speaker or on their own.
    """
    widen_to_quotes(drafts, quotes)
    added: list[Draft] = []
    deferred: list[Quote] = []
    for q in quotes:
        if _covered(q, drafts + added):
            continue
        frame = _frame_cue(q, drafts, text, min_words)
        if frame is not None:
            frame.content = _with_lead(text, q, frame)
            frame.kind = "direct"
            frame.quotes.append(q.span)
            if frame.subject is None and frame.verb is not None:
                frame.subject = _speaker_near(frame.verb, q)
            continue
        prev = _previous_speaker(q, drafts + added, text)
        if q.words < min_words and not _goes_on_speaking(q, prev, text):
            continue
        if prev is None and not q.closed:
            deferred.append(q)  # perhaps the next paragraph's quotation names its speaker
            continue
        draft = _quote_draft(q, prev, unattributed_min_words)
        if draft is not None:
            added.append(draft)
    for q in sorted(deferred, key=lambda q: -q.start):  # the last paragraph names the speaker
        draft = _quote_draft(q, _next_speaker(q, drafts + added, text), unattributed_min_words)
        if draft is not None:
            added.append(draft)
    kept = [d for d in drafts + added if d.content[1] > d.content[0]]
    _speakers_of_nested_speech(kept)
    return kept


def _goes_on_speaking(q: Quote, prev: Draft | None, text: str) -> bool:
    """A short quotation opening the sentence after the speaker's quoted words, in their paragraph: '"They
    sue," he said. "Everybody sues, right?"' continues the speaker; elsewhere, even later in the cue's own
    sentence ('he said of lawyers who call it "a frivolous claim"'), a short quotation is a scare quote."""
    if prev is None or prev.kind != "direct" or q.words < 2 or q.start < prev.sentence[1]:
        return False
    return "\n" not in text[prev.content[1] : q.start]


def _quote_draft(q: Quote, speaker: Draft | None, unattributed_min_words: int) -> Draft | None:
    """A quotation as a claim of ``speaker``'s; without one, kept unattributed only when long enough."""
    if speaker is not None:
        return Draft(
            kind="direct",
            content=q.span,
            sentence=speaker.sentence,
            cue=speaker.cue,
            cue_strength=speaker.cue_strength,
            parent=speaker,
            quotes=[q.span],
        )
    if unattributed_min_words and q.words >= unattributed_min_words:
        return Draft(
            kind="direct",
            content=q.span,
            sentence=(q.start, q.end),
            cue=None,
            cue_strength=0.3,
            quotes=[q.span],
        )
    return None


def _next_speaker(q: Quote, drafts: list[Draft], text: str) -> Draft | None:
    """A quotation left open at a paragraph's end is continued by the quotation that opens the next paragraph
    ('"A.\n"B," she said.'): both are the speaker's, named with the later one."""
    after = [
        d
        for d in drafts
        if d.cue and d.kind == "direct" and d.content[0] >= q.end and not text[q.end : d.content[0]].strip()
    ]
    if not after or "\n" not in text[q.end : after[0].content[0]]:
        return None
    return min(after, key=lambda d: d.content[0])


def _speakers_of_nested_speech(drafts: list[Draft]) -> None:
    """'"I think the plan failed," she said': the quoted "I" is the quote's speaker."""
    for d in drafts:
        if d.subject is None or d.subject.lower_ not in FIRST_PERSON or d.cue is None:
            continue
        outer = next((o for o in drafts if o is not d and any(inside(d.cue, qs) for qs in o.quotes)), None)
        if outer is not None:
            d.adopt(outer)


# How far back from a quotation's opening comma or colon its lead-in verb may stand, in tokens.
LEAD_IN_WINDOW = 6
ADVERB_PARTICLES = frozenset({"back", "on", "out", "up"})  # "shot back", "went on", parsed as advmod


def lead_in_cues(doc: Doc, drafts: list[Draft]) -> None:
    """'Sanders shot back, "..."', 'Trump issued a statement, "..."', 'As Cornyn put it: "..."': a quotation
    no cue took, opened right after a clause's comma or colon, is that clause's subject's, with the clause's
    verb for its cue. Verbs outside the lexicon, which ``_frame_cue`` waits for, are the point here; a verb in
    a relative clause ("which hits liberals where they live:") introduces no one."""
    for d in drafts:
        if d.kind != "direct" or d.cue is not None or d.parent is not None:
            continue
        verb = _lead_in_verb(doc, d.content[0])
        subject = subject_of(verb) if verb is not None else None
        if verb is None or subject is None or subject.pos_ not in SPEAKER_POS:
            continue
        particle = next((c for c in verb.rights if c.i == verb.i + 1 and _particle(c)), None)
        end = particle if particle is not None else verb
        d.cue = (verb.idx, end.idx + len(end.text))  # "shot back"
        d.verb, d.subject = verb, subject


def _lead_in_verb(doc: Doc, start: int) -> Token | None:
    """The verb a few words before the comma or colon that opens the quotation at ``start`` (a character
    offset), in the same sentence and outside any other quotation."""
    opening = doc.char_span(start, start + 1, alignment_mode="expand")
    if opening is None:
        return None
    j = opening.start - 1
    while j >= 0 and doc[j].is_space:
        j -= 1
    if j < 0 or doc[j].text not in {",", ":"}:
        return None
    sent_start = doc[j].sent.start
    for k in range(j - 1, max(sent_start, j - LEAD_IN_WINDOW) - 1, -1):
        tok = doc[k]
        if (tok.is_space and "\n" in tok.text) or is_quote_mark(tok):
            return None
        if tok.pos_ == "VERB":
            return None if tok.dep_ in {"relcl", "acl"} else tok
    return None


def _particle(tok: Token) -> bool:
    return tok.dep_ == "prt" or (tok.dep_ == "advmod" and tok.lower_ in ADVERB_PARTICLES)


def _with_lead(text: str, q: Quote, frame: Draft) -> tuple[int, int]:
    """'Trump's misinformation may be "strategic," said Hemsley': a quotation that closes the clause before
    its cue is a mixed quotation, and the claim takes the words its clause opens with. A title after a bare
    phrase ('In his autobiography, "A Time for Truth," he described ...') has no verb and stays alone."""
    start = frame.sentence[0]
    if frame.cue is None or frame.verb is None or not (start < q.start and q.end <= frame.cue[0]):
        return q.span
    lead = text[start : q.start]
    if has_quote_mark(lead) or ":" in lead or not _WORD.search(lead) or "\n" in lead.strip():
        return q.span
    start += len(lead) - len(lead.lstrip())
    clause = frame.verb.doc.char_span(start, q.end, alignment_mode="expand")
    if clause is None or not any(t.pos_ in {"VERB", "AUX"} for t in clause):
        return q.span
    return (start, q.end)
