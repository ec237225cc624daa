"""The learned layer (bot/claims/learned.py): the shipped weights, what they add over the rules on
hand-written sentences, and the training script on a small hand-made corpus."""

from __future__ import annotations

import importlib.util
import json
import math
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
from spacy.language import Language

from bot.claims.cue_features import SentenceView, cue_features
from bot.claims.finder import FinderSettings, find_claims
from bot.claims.learned import MAX_CONTENT_TOKENS
from bot.claims.lexicon import load_lexicon
from bot.claims.linear import AttributionModel, LinearModel, load_model
from tests.claims.test_constructions import claims_of, one

REPO = Path(__file__).resolve().parents[2]
MODEL_FILE = REPO / "bot" / "claims" / "attribution_model.json"


def _train_module() -> ModuleType:
    path = REPO / "bench" / "train_attribution.py"
    spec = importlib.util.spec_from_file_location("claimbot_train_attribution", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_model_is_small_and_holds_no_text() -> None:
    model = load_model()
    assert model is not None
    assert MODEL_FILE.stat().st_size < 20_000_000
    assert 0 < model.veto < model.threshold < 1 and 0 < model.confidence <= model.nominal_confidence < 1
    names = list(model.cue.weights) + list(model.content.weights)
    assert names and max(len(n) for n in names) < 120  # feature names (words and labels), never sentences
    assert not any(re.search(r"\s", n) for n in names)


def test_a_linear_model_is_a_sigmoid_of_its_summed_weights() -> None:
    m = LinearModel(weights={"a": 1.0, "b": -0.5}, bias=0.25)
    assert m.score(["a", "b", "unknown"]) == pytest.approx(1 / (1 + math.exp(-0.75)))
    assert m.score(["a"] * 100) == pytest.approx(1.0)  # clamped, no overflow
    model = AttributionModel(m, m, 0.5, 0.2, 0.4, 0.1, frozenset({"hope"}), {})
    again = AttributionModel.from_json(json.loads(json.dumps(model.to_json())))
    assert again.cue == m and (again.threshold, again.confidence, again.veto) == (0.5, 0.2, 0.1)
    assert again.nominal_confidence == 0.4
    assert again.lemmas == {"hope"}


@pytest.mark.parametrize(
    ("text", "cue", "source", "content"),
    [
        ("Senator Lee Park hopes the bill will pass before the summer recess.",
         "hopes", "Senator Lee Park", "the bill will pass before the summer recess"),
        ("The governor fears that the storm will cut power to thousands of homes.",
         "fears", "The governor", "the storm will cut power to thousands of homes"),
        ("The ministry expects exports to fall by 10 percent next year.",
         "expects", "The ministry", "exports to fall by 10 percent next year"),
        ("The senator refused to answer questions about the audit.",
         "refused", "The senator", "to answer questions about the audit"),
    ],
)
def test_stance_cues_outside_the_lexicon_are_found(
    nlp: Language, text: str, cue: str, source: str, content: str
) -> None:
    lexicon = load_lexicon()
    assert not lexicon.is_cue(cue) and not lexicon.is_object_cue(cue)
    c = one(claims_of(nlp, text), cue=cue)
    assert (c.source_mention, c.content, c.kind) == (source, content, "indirect")
    rules_only = find_claims(nlp(text), lexicon, FinderSettings(model=None))
    assert rules_only == []  # the rules alone miss it: this is the learned layer's work


@pytest.mark.parametrize(
    "text",
    [
        "The president walked to the car and drove away.",
        "She bought a new car last week.",
        "Senator Lee Park called the company on Monday.",  # a phone call, not a naming
        "The plan was criticized by the mayor.",  # only a dangling "The plan was" to offer
        "Senator Lee Park seemed to be of two minds on Tuesday night.",  # the writer's judgement, not Park's
        "The governor appears to have lost the support of her party.",
    ],
)
def test_ordinary_verbs_are_not_cues(nlp: Language, text: str) -> None:
    assert claims_of(nlp, text) == []


def test_learned_claims_rank_below_reported_speech(nlp: Language) -> None:
    text = "The union endorsed Maria Lopez on Tuesday. Its president said wages would rise by 4 percent."
    claims = claims_of(nlp, text)
    assert [c.cue for c in claims] == ["said", "endorsed"]


def test_training_on_a_small_corpus_gives_a_working_model(nlp: Language) -> None:
    train = _train_module()
    sentences = [
        ("{who} hopes the plan will work.", "hopes", "the plan will work"),
        ("{who} fears that prices will rise.", "fears", "prices will rise"),
        ("{who} believes the vote was fair.", "believes", "the vote was fair"),
        ("{who} doubts the figures are right.", "doubts", "the figures are right"),
    ]
    # the same words that are not cues: nouns with no one holding a view
    fillers = ["Fear of heights is common.", "The doubts about the bus grew.", "Belief in luck is old."]
    articles = []
    for k, who in enumerate(["Smith", "The mayor", "Ms. Lee", "The union", "A spokesman", "Jones"]):
        text, atts = "", []
        for template, cue, content in sentences:
            sentence = template.format(who=who) + " " + fillers[k % 3].format(who=who) + " "
            start = len(text) + sentence.index(cue)
            c_start = len(text) + sentence.index(content)
            atts.append({"source": None, "cue": [start, start + len(cue)],
                         "content": [c_start, c_start + len(content)]})
            text += sentence
        articles.append({"id": f"a{k}", "text": text, "attributions": atts})
    docs = train.parse(articles, nlp)
    lemmas, cue_x, cue_y, _, con_y = train.examples(articles, docs)
    assert {"fear", "believe", "doubt"} <= lemmas and "common" not in lemmas
    assert sum(cue_y) == 24 and 0 < sum(con_y) < len(con_y) and len(cue_y) > 24
    cue_model = train.fit(cue_x, cue_y, 1.0)
    lexicon = load_lexicon()
    doc = nlp("Brown fears the plan will fail. Fear of the dark is common.")
    fears, fear = doc[1], doc[7]
    assert (fears.text, fear.text) == ("fears", "Fear")
    assert cue_model.score(cue_features(fears, lexicon)) > 0.5 > cue_model.score(cue_features(fear, lexicon))


def test_a_bare_noun_phrase_needs_more_confidence_than_a_clause(nlp: Language) -> None:
    m = LinearModel(weights={}, bias=0.0)
    model = AttributionModel(m, m, 0.5, 0.3, 0.5, 0.2, frozenset(), {})
    assert (model.needed(clausal=False), model.needed(clausal=True)) == (0.5, 0.3)
    doc = nlp('Smith backed Maria Lopez. Smith said the plan will work. Smith called it "a disgrace".')
    views = [SentenceView(s) for s in doc.sents]
    noun, clause, quote = (2, 4), (7, 11), (15, 19)
    texts = [doc[a:b].text for a, b in (noun, clause, quote)]
    assert texts == ["Maria Lopez", "the plan will work", '"a disgrace"']
    assert not views[0].has_verb(*noun) and not views[0].has_quote(*noun)
    assert views[1].has_verb(*clause) and views[2].has_quote(*quote) and not views[2].has_verb(*quote)
    assert views[2].in_quotes(16) and not views[2].in_quotes(14)


def test_a_run_on_sentence_of_nested_cues_gives_bounded_learned_claims(nlp: Language) -> None:
    """Each nested cue could claim the rest of the sentence: the learned layer caps contents, so the claim
    text of a hostile page grows with the page, not with its square."""
    text = " ".join(["Smith hopes that Jones believes that Lee fears the plan will fail and"] * 120)
    doc = nlp(text)
    learned = [c for c in doc._.claims if not load_lexicon().is_cue(doc.char_span(*c.cue_span).lemma_)]
    assert learned  # the learned layer did find cues here
    assert sum(len(c.content) for c in learned) < len(text)  # uncapped, it was 60 times the text
    assert all(len(nlp.make_doc(c.content)) <= MAX_CONTENT_TOKENS <= 150 for c in learned)


def test_training_labels_count_words_as_the_scorer_does() -> None:
    train = _train_module()
    index = train.WordIndex('Smith said "it\'s fine," today.')
    assert index.tokens([(0, 5)]) == {0}
    assert index.tokens([(8, 9)]) == {1}  # a span touching part of a word holds the whole word
    assert index.tokens([(11, 22)]) == {2, 3, 4}  # "it", "s", "fine": quotation marks never count
    assert train.jaccard({2, 3, 4}, {3, 4, 5}) == 0.5 and train.jaccard(set(), set()) == 0.0


def test_a_known_speaker_needs_less_confidence(nlp: Language) -> None:
    text = "Senator Lee Park insisted on a full audit."
    assert claims_of(nlp, text) == []  # a doubtful content from someone not yet heard: no claim
    claims = claims_of(nlp, "Park said the budget was balanced. " + text)
    c = one(claims, cue="insisted")
    assert (c.source, c.content) == ("Lee Park", "on a full audit")
