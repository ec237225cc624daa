"""Attributed claims (who claims what) found in news text by a spaCy component.

Pure: depends on spaCy only, never on the bot's settings, storage or Slack.
"""

import logging

from .component import COMPONENT, register_components
from .model import Claim, Quantity
from .pipeline import ModelNotInstalledError, extract_claims, load_pipeline

__all__ = [
    "COMPONENT",
    "Claim",
    "ModelNotInstalledError",
    "Quantity",
    "extract_claims",
    "load_pipeline",
    "register_components",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
