"""Pipeline components registered with spaCy (``kcx_*`` factories)."""
from .normalizer import kcx_normalizer
from .relation_extractor import RelationExtractor, make_relation_extractor
from .sentencizer import kcx_sentencizer

__all__ = ["RelationExtractor", "kcx_normalizer", "kcx_sentencizer", "make_relation_extractor"]
