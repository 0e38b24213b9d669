"""AGREEMENT → ``{"type": ...}`` (guidelines v1.4, "AGREEMENT → norm").

A phrase listed in ``kcx_nlp/data/agreement_types.jsonl`` takes its listed type; any other phrase
is typed by the kind words it contains, most specific first.
"""
import re
from functools import lru_cache
from typing import Dict, List, Optional, Tuple

from ..gazetteer import Gazetteer, default_gazetteer, normalize_surface

AGREEMENT_TYPES = ("sister_city", "friendship", "mou", "cooperation", "exchange", "investment", "other")

#: (type, pattern), in order of precedence.
KIND_WORDS: List[Tuple[str, re.Pattern]] = [
    ("sister_city", re.compile(r"sister|twin|자매|姐妹|姊妹|姉妹", re.I)),
    ("friendship", re.compile(r"friend|amity|우호|친선|友好", re.I)),
    ("investment", re.compile(r"invest|투자|投资|投資", re.I)),
    ("mou", re.compile(r"memorand|\bmou\b|\bmoa\b|mous\b|양해\s*각서|업무\s*협약|備忘録|备忘录|備忘錄|mou", re.I)),
    ("exchange", re.compile(r"exchange|교류|交流", re.I)),
    ("cooperation", re.compile(r"cooperat|co-operat|partnership|collaborat|협력|합작|合作|協力|协力", re.I)),
]


@lru_cache(maxsize=4)
def _table(gazetteer: Gazetteer) -> Dict[str, str]:
    return {normalize_surface(surface): entry["type"] for surface, entry in gazetteer.surfaces("AGREEMENT")}


def normalize_agreement(text: str, gazetteer: Optional[Gazetteer] = None) -> Dict[str, str]:
    """``{"type": t}`` with ``t`` one of :data:`AGREEMENT_TYPES`."""
    listed = _table(gazetteer or default_gazetteer()).get(normalize_surface(text))
    if listed:
        return {"type": listed}
    for kind, pattern in KIND_WORDS:
        if pattern.search(text):
            return {"type": kind}
    return {"type": "other"}
