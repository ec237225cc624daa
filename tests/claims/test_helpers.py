"""Pure helpers and the component wiring, on blank pipelines (no model load)."""

from __future__ import annotations

import itertools

import pytest
import spacy

from bot.claims import COMPONENT, ModelNotInstalledError, load_pipeline, register_components
from bot.claims.furniture import furniture_ranges
from bot.claims.lexicon import load_lexicon
from bot.claims.paragraphs import looks_hard_wrapped, mark_line_breaks
from bot.claims.pipeline import _chunks
from bot.claims.quantities import parse_number
from bot.claims.quotes import find_quotes
from bot.claims.salience import salience

LEX = load_lexicon()


def test_quotes_pair_straight_curly_and_typewriter_marks() -> None:
    text = "He said, ''I am here.'' Then “we go” and \"x y\".\nOpen “runs on\nnext"
    got = [text[q.start : q.end] for q in find_quotes(text)]
    assert got == ["''I am here.''", "“we go”", '"x y"', "“runs on"]
    assert [q.closed for q in find_quotes(text)] == [True, True, True, False]


def test_quotes_min_words() -> None:
    assert find_quotes('a "b" and "c d e f"', min_words=4)[0].words == 4


@pytest.mark.parametrize(
    ("words", "value"),
    [(["1,597"], 1597.0), (["2.5", "million"], 2.5e6), (["two", "dozen"], 24.0), (["$40"], 40.0),
     (["hundreds"], 200.0), (["tens", "of", "thousands"], 20000.0), (["a", "dozen"], 12.0),
     (["half", "a", "million"], 5e5), (["three", "thousand"], 3000.0), (["5%"], 5.0), (["many"], None)],
)
def test_parse_number(words: list[str], value: float | None) -> None:
    assert parse_number(words, LEX) == value


def test_furniture_lines_are_found_exactly() -> None:
    text = "Real news.\n\nShare it...\n  Live Updates COVID-19 CASES\nSubscribe to our newsletter"
    got = [text[s:e] for s, e in furniture_ranges(text, LEX)]
    assert got == ["Share it...", "Live Updates COVID-19 CASES", "Subscribe to our newsletter"]


def test_furniture_does_not_catch_article_sentences() -> None:
    assert furniture_ranges("Officials shared their data with the press on Monday.", LEX) == []


def test_salience_is_bounded_and_monotonic() -> None:
    base = dict(n_entities=1, start=500, text_length=1000, cue_strength=0.7, source_kind="person")
    low = salience(n_quantities=0, **base)
    high = salience(n_quantities=3, **base)
    assert 0.0 <= low < high <= 1.0
    assert salience(n_quantities=50, n_entities=50, start=0, text_length=1, cue_strength=5.0,
                    source_kind="person") == 1.0


def test_chunks_cut_at_paragraphs_and_cover_the_text() -> None:
    text = ("x" * 30 + "\n\n") * 10
    pieces = _chunks(text, 100)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(pieces))
    assert all(text[e - 2 : e] == "\n\n" for _, e in pieces[:-1])


def test_line_breaks_start_sentences() -> None:
    nlp = spacy.blank("en")
    doc = mark_line_breaks(nlp("Headline without stop\n\nFirst paragraph here."))
    assert doc[4].text == "First" and doc[4].is_sent_start


def test_hard_wrapped_text_is_detected() -> None:
    wrapped = "\n".join(["a" * 70] * 6)
    assert looks_hard_wrapped(wrapped)
    assert not looks_hard_wrapped("Title\n\nA paragraph.\n\nAnother one.")


def test_component_on_blank_pipeline_keeps_clear_quotes_only() -> None:
    register_components()
    register_components()  # idempotent
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe(COMPONENT)
    doc = nlp('Nothing to see.\n\n"We have waited forty years for this moment and will not wait more."')
    assert [c.kind for c in doc._.claims] == ["direct"]
    assert doc._.claims[0].source is None


def test_missing_model_is_a_clear_error() -> None:
    with pytest.raises(ModelNotInstalledError, match="not installed"):
        load_pipeline("en_no_such_model_xx")
    assert issubclass(ModelNotInstalledError, OSError)
