"""Which attributions a reader may see as "X said Y".

PolNeAR-style attribution covers beliefs, intentions, perceptions and narrated actions ("NASA chose to
receive bids", "Xi knows ..."); a thread reader takes every line as a claim someone made, so only a
communication act by a source that can make one is shown. The rest are kept (recall, search with
include:hidden) with the act they report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from .lexicon import Lexicon
from .model import AttributionAct
from .rules import Draft, is_quote_mark, light_cue

SPEAKER_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE", "FAC"})
NOT_SPEAKER_LABELS = frozenset(
    {
        "DATE",
        "TIME",
        "MONEY",
        "PERCENT",
        "QUANTITY",
        "CARDINAL",
        "ORDINAL",
        "PRODUCT",
        "WORK_OF_ART",
        "EVENT",
        "LAW",
    }
)
NEGATIONS = frozenset({"not", "n't", "never", "nor", "neither", "no"})
QUESTION_CUES = frozenset({"ask", "question", "wonder", "inquire", "enquire", "query", "quiz"})
ORDER_CUES = frozenset({"order", "command"})
DEMAND_CUES = frozenset({"demand", "press", "challenge", "probe"})
WH_WORDS = frozenset({"how", "why", "what", "when", "where", "who", "which", "if"})
# shouted words are a command when they give one ("Open the door! We're coming in!" an officer shouts), but a
# shouted denial is still a claim ("I didn't do it!" he yelled)
SHOUT_CUES = frozenset({"shout", "yell", "scream", "bark", "holler"})
SUBJECTS = frozenset({"nsubj", "nsubjpass", "expl", "csubj"})
VAGUE = frozenset({"others", "some", "many", "few", "several", "someone", "somebody", "anyone", "everyone"})
RELATIVES = frozenset({"which", "who", "whom", "whose"})
FIRST_PERSON = frozenset({"i", "me", "my", "mine", "myself"})
DANGLING = frozenset({"AUX", "DET", "ADP", "CCONJ", "SCONJ"})
FINITE = frozenset({"VBD", "VBZ", "VBP", "MD"})
MIN_WORDS = 4  # "said it was possible": a reported content this short has lost what it is about
SHORT_WORDS = 5  # a quotation this short says something by itself only when it names what it is about
# a short quotation opening with one of these points at what the speaker was asked or shown, which the
# thread does not show ("That's perfect," he said); "I" and "we" are the speaker, and stand alone
POINTING = frozenset({"that", "this", "it", "these", "those", "they", "he", "she", "you"})
_WORDS = re.compile(r"\w+")
# agent nouns that the lexicon's role lists cannot all hold: "teachers", "analyst", "residents", "Democrats"
_AGENT = re.compile(
    r"(?:er|ers|or|ors|ist|ists|ian|ians|ant|ants|ent|ents|ee|ees|man|men|woman|women|people)$"
)


@dataclass(frozen=True, slots=True)
class Verdict:
    act: AttributionAct
    shown: bool


def cue_act(d: Draft, lexicon: Lexicon) -> AttributionAct:
    """What the draft's cue reports; a quotation or an according-to is speech by construction."""
    if d.kind == "continuation":
        return "narration"
    verb = d.verb
    if verb is None and d.parent is not None and d.kind == "direct":
        return cue_act(d.parent, lexicon)  # '"Hands up!" an officer ordered. "Step out."': an order too
    if verb is None:
        return "communication"
    if _negated(verb, lexicon):
        return "negated"
    if _hypothetical(verb, lexicon):
        return "hypothetical"
    lemma = verb.lemma_.lower()
    if lemma in lexicon.refusal_verbs and any(
        c.dep_ == "xcomp" and lexicon.is_cue(c.lemma_) for c in verb.children
    ):
        return "negated"  # "declined to confirm that ...", "refused to say whether ..."
    if lemma in QUESTION_CUES or _asks(verb.doc, d.content, lemma):
        return "question"
    if lemma in ORDER_CUES or (lemma in SHOUT_CUES and _gives_an_order(verb.doc, d.content)):
        return "command"  # an order given is not a claim made: "Step out," an officer ordered
    if lemma in lexicon.belief_verbs:
        return "belief"
    if lemma in lexicon.perception_verbs and lemma not in lexicon.finding_verbs:
        return "perception"
    if lemma in lexicon.intention_verbs and not lexicon.is_cue(lemma):
        return "intention"
    if lexicon.is_cue(lemma) or lexicon.is_object_cue(lemma) or lexicon.takes_prepositional_cue(lemma):
        return "communication"
    if light_cue(verb) is not None:
        return "communication"
    if verb.pos_ == "NOUN":  # "his claim that ...", "the announcement that ..."
        return "communication" if lemma in lexicon.noun_cues else "belief"
    return "action"


def _asks(doc: Doc, content: tuple[int, int], lemma: str) -> bool:
    """Reported words that are a question: "whether ..." after any cue, a wh-clause after a demand or a
    challenge ("demanded how Andrew could be so sure ...")."""
    span = doc.char_span(*content, alignment_mode="expand")
    if span is None or not len(span):
        return False
    first = span[0].lower_
    return first == "whether" or (lemma in DEMAND_CUES and first in WH_WORDS)


def _gives_an_order(doc: Doc, content: tuple[int, int]) -> bool:
    """A sentence of the content is an imperative: its root a verb's base form with no subject ("Open the
    door!", "Let me see your hands!")."""
    span = doc.char_span(*content, alignment_mode="expand")
    if span is None:
        return False
    roots = {t.sent.root for t in span if t.sent.root in span}
    roots |= {t for t in span if t.dep_ == "ROOT" or (t.dep_ in {"conj", "parataxis"} and t.tag_ == "VB")}
    return any(r.tag_ == "VB" and not any(c.dep_ in SUBJECTS for c in r.children) for r in roots)


def _negated(verb: Token, lexicon: Lexicon) -> bool:
    """ "did not say", "never confirmed", "nor does X see", "declined to confirm"."""
    if any(c.dep_ in {"neg", "preconj"} and c.lower_ in NEGATIONS for c in verb.children):
        return True
    if any(c.lower_ in {"nor", "neither"} for c in verb.children):
        return True
    if any(c.dep_ == "nsubj" and _nobody(c) for c in verb.children):
        return True  # "no group claimed responsibility", "nobody said"
    head = verb.head
    if verb.dep_ == "xcomp" and head.i != verb.i:
        if head.lemma_.lower() in lexicon.refusal_verbs:
            return True
        return _negated(head, lexicon)
    return False


def _nobody(subject: Token) -> bool:
    return subject.lower_ in {"nobody", "none", "noone"} or any(
        c.dep_ == "det" and c.lower_ == "no" for c in subject.children
    )


def _hypothetical(verb: Token, lexicon: Lexicon) -> bool:
    """ "As Sherlock would say", "X could argue", "will announce": a speech act that has not happened."""
    if any(c.dep_ == "aux" and c.lower_ in lexicon.modal_auxiliaries for c in verb.children):
        return True
    # "wants to say", "plans to announce": the speech act is someone's intention
    return verb.dep_ == "xcomp" and verb.head.lemma_.lower() in lexicon.intention_verbs


def can_speak(subject: Token | None, lexicon: Lexicon) -> bool:
    """A person, an organisation, a group of people, or a document or outlet that publishes: never an
    instrument, a test, a product, a date, an abstract noun or a salutation."""
    if subject is None:
        return False
    if subject.lower_ in RELATIVES | {"that"} and subject.head.dep_ == "relcl":
        subject = subject.head.head  # "the number who said ...": the noun the clause is about speaks, or not
    low, lemma = subject.lower_, subject.lemma_.lower()
    if low in lexicon.first_person_sources or low in VAGUE:
        return False  # the writer ("I", "we"), the reader ("you") or nobody in particular ("others")
    if _salutation(subject):
        return False
    label = subject.ent_type_
    if label in NOT_SPEAKER_LABELS:
        return False
    if label in SPEAKER_LABELS or subject.pos_ == "PRON":
        return True
    if lemma in lexicon.non_speakers or low in lexicon.non_speakers:
        return False
    if (lemma in lexicon.utterance_documents or low in lexicon.utterance_documents) and not _authored(
        subject
    ):
        return False  # "a statement said ...": someone's words, and the sentence does not say whose
    if subject.pos_ == "PROPN":
        return True
    if subject.pos_ not in {"NOUN", "PROPN"}:
        return False
    known = (
        lexicon.person_roles,
        lexicon.organization_nouns,
        lexicon.unnamed_sources,
        lexicon.document_sources,
    )
    if any(lemma in words or low in words for words in known):
        return True
    return bool(_AGENT.search(low))


def _authored(document: Token) -> bool:
    """ "the military's statement", "a statement from the ministry", "a Pentagon statement": named."""
    return any(
        t.pos_ == "PROPN" or t.ent_type_ in SPEAKER_LABELS for t in document.subtree if t.i != document.i
    )


def _salutation(subject: Token) -> bool:
    """ "DEAR ABBY: ..." opens a letter; the letter's writer signs it at its end."""
    doc = subject.doc
    start = subject.left_edge.i
    return any(t.lower_ == "dear" for t in doc[max(0, start - 1) : subject.i + 1])


def judge(
    d: Draft,
    source_name: str | None,
    relays: bool,
    furniture: list[tuple[int, int]],
    doc: Doc,
    lexicon: Lexicon,
    text: str,
) -> Verdict:
    """The act a draft reports and whether a thread may show it. ``relays`` is True when the content
    carries another, named speaker's cue ("Reuters reported the commission said ...": the commission's).
    ``text`` is ``doc.text``, passed in because spaCy joins the whole document each time it is read."""
    act = cue_act(d, lexicon)
    shown = act == "communication" and source_name is not None and not relays
    return Verdict(
        act=act, shown=shown and _speaker_fits(d, lexicon) and _content_fits(d, furniture, doc, lexicon, text)
    )


def _speaker_fits(d: Draft, lexicon: Lexicon) -> bool:
    if d.subject is None:
        return d.parent is not None or d.kind == "direct"
    return can_speak(d.subject, lexicon) and not _dateline(d.subject)


def _dateline(tok: Token) -> bool:
    """ "Indianapolis – Several thousand teachers ...": a place opening a paragraph before a dash."""
    doc = tok.doc
    start = tok.left_edge.i
    if start > 0 and "\n" not in doc[start - 1].text and "\n" not in doc[start - 1].whitespace_:
        return False
    after = doc[tok.i + 1 : tok.i + 5]
    dash = any(t.text in {"—", "–", "-", "--"} for t in after)
    colon = bool(after) and after[0].text == ":" and tok.is_upper  # "NEW DELHI: Their American dream ..."
    return (dash or colon) and tok.ent_type_ in {"GPE", "LOC", ""}


def _content_fits(d: Draft, furniture: list[tuple[int, int]], doc: Doc, lexicon: Lexicon, text: str) -> bool:
    """A claim's words: a statement (not a question, a bare noun phrase or a relative clause's tail),
    clear of page furniture, in the speaker's voice."""
    s, e = d.content
    words = text[s:e]
    if words.rstrip(" \"'\u201d\u2019").endswith("?"):
        return False  # a question asked is not a claim made, quoted or not
    if any(s < fe and fs < e for fs, fe in furniture):
        return False
    span = doc.char_span(s, e, alignment_mode="expand")
    if span is None:
        return False
    if _needs_its_context(span):
        return False
    if d.kind == "direct" or d.quotes:
        return True
    if span[0].lower_ in RELATIVES:
        return False  # "which it said crashed ...": the clause's subject is outside the content
    if span[-1].pos_ in DANGLING:
        return False  # "told Reuters: The G40 figures are": cut off before it says anything
    if len(_WORDS.findall(words)) < MIN_WORDS:
        return False
    if any(t.lower_ in FIRST_PERSON for t in span):
        return False  # "I" outside quotation marks is the writer (or the letter writer), not the speaker
    if d.kind == "according_to" or any(t.tag_ in FINITE for t in span):
        return True
    verb = d.verb
    if verb is not None and _said_to(span, verb, lexicon):
        return True
    # "called for better pay": a demand's object is its content; other bare noun phrases report an act
    # ("announced the potential exchange", "declared a state of emergency"), not what was claimed
    return verb is not None and d.cue is not None and d.cue[1] > verb.idx + len(verb.text)


def _needs_its_context(span: Span) -> bool:
    """Words a reader cannot take as a claim without the sentence around them: a short fragment with no
    verb ("gas chamber", "an articulated lorry crash": what it names is outside), a short one that points
    outside ("That goes a long way"), or reported words opening with a verb whose subject was cut off
    ("was a 'great success'")."""
    words = [t for t in span if not (t.is_punct or t.is_space or is_quote_mark(t))]
    if not words:
        return True
    # reported words, not a quotation: a verb opening them lost its subject to a cut, whereas a speaker may
    # drop one ("Came down to a few points")
    cut = not is_quote_mark(span[0])
    if cut and words[0].tag_ in FINITE and words[0].dep_ not in {"aux", "auxpass"}:
        return not any(c.dep_ in {"nsubj", "nsubjpass", "expl"} for c in words[0].children)
    if len(words) > SHORT_WORDS:
        return False
    # reported words' "he" is the speaker ("said he will run again"); a quotation's points outside it
    return (not cut and words[0].lower_ in POINTING) or not any(t.tag_ in FINITE for t in words)


def _said_to(span: Span, verb: Token, lexicon: Lexicon) -> bool:
    """ "Nvidia has stated to expect shortages": a speech verb's own to-infinitive is what it said (a
    reported instruction or forecast), unlike "told staff to leave" (an order to someone) or "is said to
    be" (a passive: nobody named says it)."""
    head = span[0].head
    return (
        span[0].lower_ == "to"
        and head.dep_ == "xcomp"
        and head.head.i == verb.i
        and verb.lemma_.lower() in lexicon.infinitive_cue_verbs
        and not any(c.dep_ in {"dobj", "dative", "nsubjpass", "auxpass"} for c in verb.children)
    )
