"""TITLE → ``{"rank": ...}``: the canonical English rank of ``kcx_nlp/data/titles.jsonl``.

A title is looked up as written, then without words that do not change the rank (``former``,
``then-``, ``acting``, ``전``, ``현``), then by its longest listed ending (``충남도지사`` → ``도지사``,
``Provincial Party Secretary`` → ``Party Secretary``). Unknown titles keep their lower-cased
surface with ``"known": false``.
"""
import re
from functools import lru_cache
from typing import Dict, Optional, Union

from ..gazetteer import Gazetteer, default_gazetteer, normalize_surface

_NOISE_RE = re.compile(r"^(?:former|then-|then|ex-|incumbent|newly elected|new|the|전|현|신임)\s*", re.I)


@lru_cache(maxsize=4)
def _table(gazetteer: Gazetteer) -> Dict[str, str]:
    return {normalize_surface(surface): entry["rank"] for surface, entry in gazetteer.surfaces("TITLE")}


def normalize_title(text: str, gazetteer: Optional[Gazetteer] = None) -> Dict[str, Union[str, bool]]:
    """``{"rank": r}`` for a known title, else ``{"rank": surface, "known": False}``."""
    table = _table(gazetteer or default_gazetteer())
    key = normalize_surface(text)
    while True:
        stripped = _NOISE_RE.sub("", key)
        if stripped == key or not stripped:
            break
        key = stripped
    if key in table:
        return {"rank": table[key]}
    if key.endswith("s") and key[:-1] in table:
        return {"rank": table[key[:-1]]}
    # the longest listed ending: at a word boundary for Latin, anywhere for Hangul/Hanzi
    for i in range(1, len(key)):
        tail = key[i:]
        if tail in table and (not tail[0].isascii() or key[i - 1] in " -"):
            return {"rank": table[tail]}
    return {"rank": normalize_surface(text), "known": False}
