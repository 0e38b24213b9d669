"""Model architectures registered in spaCy's registry (``kcx.*``)."""
from .gazetteer_features import FEATURES, gazetteer_features, gazetteer_hash_embed

__all__ = ["FEATURES", "gazetteer_features", "gazetteer_hash_embed"]
