"""Model architectures registered in spaCy's registry (``kcx.*``)."""
from .gazetteer_features import FEATURES, gazetteer_features, gazetteer_hash_embed
from .relation_context import relation_scorer_v2
from .relation_model import candidate_pairs, relation_scorer

__all__ = ["FEATURES", "candidate_pairs", "gazetteer_features", "gazetteer_hash_embed", "relation_scorer",
           "relation_scorer_v2"]
