"""The spaCy components: "claimbot_paragraphs" (sentence starts at line breaks, before the parser) and
"claimbot_attribution" (writes ``Doc._.claims``), registered in one guarded ``register_components()``.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.pipeline import Pipe
from spacy.tokens import Doc

from .finder import FinderSettings, find_claims
from .lexicon import load_lexicon
from .linear import load_model
from .model import Claim
from .paragraphs import mark_line_breaks

COMPONENT = "claimbot_attribution"
PARAGRAPHS = "claimbot_paragraphs"
DEFAULT_CONFIG = {
    "extension": "claims",
    "lexicon_path": None,
    "min_quote_words": 4,
    "unattributed_quote_words": 8,
    "continuations": True,
    "lookback": 5,
    "learned": True,
    "model_path": None,
}
_registered = False


class AttributionComponent(Pipe):
    """Finds attributed claims; ``find`` reads the Doc, ``set_annotations`` writes the extension."""

    def __init__(
        self, nlp: Language, name: str, *, extension: str, lexicon_path: str | None, settings: FinderSettings
    ) -> None:
        self.name = name
        self.extension = extension
        self.lexicon = load_lexicon(lexicon_path)
        self.settings = settings
        Doc.set_extension(extension, default=None, force=True)

    def __call__(self, doc: Doc) -> Doc:
        error_handler = self.get_error_handler()
        try:
            self.set_annotations(doc, self.find(doc))
        except Exception as e:  # spaCy's convention (SpanRuler): the handler decides whether to raise
            return error_handler(self.name, self, [doc], e)
        return doc

    def find(self, doc: Doc) -> list[Claim]:
        return find_claims(doc, self.lexicon, self.settings)

    def set_annotations(self, doc: Doc, claims: list[Claim]) -> None:
        doc._.set(self.extension, claims)


def register_components() -> None:
    """Register our factories once; safe to call repeatedly (spaCy refuses duplicate registrations)."""
    global _registered
    if _registered or Language.has_factory(COMPONENT):
        _registered = True
        return

    @Language.factory(COMPONENT, default_config=DEFAULT_CONFIG, assigns=["doc._.claims"])
    def create_attribution(
        nlp: Language,
        name: str,
        extension: str,
        lexicon_path: str | None,
        min_quote_words: int,
        unattributed_quote_words: int,
        continuations: bool,
        lookback: int,
        learned: bool,
        model_path: str | None,
    ) -> AttributionComponent:
        settings = FinderSettings(
            min_quote_words=min_quote_words,
            unattributed_quote_words=unattributed_quote_words,
            continuations=continuations,
            lookback=lookback,
            model=load_model(model_path) if learned else None,
        )
        return AttributionComponent(
            nlp, name, extension=extension, lexicon_path=lexicon_path, settings=settings
        )

    @Language.component(PARAGRAPHS, assigns=["token.is_sent_start"])
    def paragraphs(doc: Doc) -> Doc:
        return mark_line_breaks(doc)

    _registered = True
