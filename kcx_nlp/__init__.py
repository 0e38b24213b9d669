"""kcx_nlp: who signed what with whom, and when, from Korean/English local-diplomacy news."""
from typing import Any, Dict, Optional

import spacy
from spacy.language import Language

from . import extensions  # noqa: F401  (registers Doc._.relations)
from . import ml  # noqa: F401  (registers kcx.* architectures)
from . import normalize  # noqa: F401  (registers Span._.norm)
from . import components  # noqa: F401  (registers kcx_* factories)
from .about import __version__
from .agreements import merge_records, records
from .pipeline import extract, load
from .tokenizer import BilingualTokenizer
from .training import augment  # noqa: F401  (registers kcx.MentionReplace.v1)

__all__ = ["__version__", "blank", "extract", "load", "merge_records", "records", "BilingualTokenizer"]

#: The tokenizer block every kcx pipeline's config uses.
TOKENIZER_CONFIG: Dict[str, Any] = {"@tokenizers": "kcx.BilingualTokenizer.v1"}


def blank(config: Optional[Dict[str, Any]] = None) -> Language:
    """A pipeline with the bilingual tokenizer and no trained components.

    ``config`` is merged over the default (for example ``{"nlp": {"batch_size": 64}}``).
    """
    base: Dict[str, Any] = {"nlp": {"tokenizer": dict(TOKENIZER_CONFIG)}}
    if config:
        from confection import Config

        base = Config(base).merge(Config(config))
    return spacy.blank("xx", config=base)
