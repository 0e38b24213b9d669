"""Held-out data must not leak into training data: whole documents or near copies.

Two texts are near copies when they share a passage of ``min_chars`` characters or more (after
whitespace is collapsed). :func:`shared_passages` finds every such pair between held-out records
(test split, seed articles) and training records (train, dev) in time linear in the text size:
training texts are indexed by windows of ``min_chars // 2`` characters at fixed steps, every
window of a held-out text is looked up, and each candidate is extended to its full length.
"""
import re
from typing import Dict, Iterable, List, Sequence, Tuple

from .records import Record

SPACE_RE = re.compile(r"\s+")
#: The shortest shared passage that makes two documents near copies.
MIN_SHARED_CHARS = 200


def _flat(text: str) -> str:
    return SPACE_RE.sub(" ", text).strip()


def _common_length(a: str, i: int, b: str, j: int) -> int:
    """Length of the longest common passage through a[i], b[j] (which start equal windows)."""
    start = 0
    while i - start > 0 and j - start > 0 and a[i - start - 1] == b[j - start - 1]:
        start += 1
    end = 0
    while i + end < len(a) and j + end < len(b) and a[i + end] == b[j + end]:
        end += 1
    return start + end


def shared_passages(
    held_out: Sequence[Record], training: Iterable[Record], min_chars: int = MIN_SHARED_CHARS
) -> List[Dict[str, object]]:
    """Every (held-out, training) document pair sharing a passage of at least ``min_chars`` characters.

    Returns ``[{"held_out": id, "training": id, "chars": n, "passage": first 80 characters}]``.
    Any shared passage of ``min_chars`` contains a whole indexed window of ``min_chars // 2`` starting
    at a multiple of that step in the training text, so no pair is missed.
    """
    step = max(1, min_chars // 2)
    index: Dict[str, List[Tuple[int, int]]] = {}
    texts: List[Tuple[object, str]] = []
    for record in training:
        flat = _flat(record["text"])
        k = len(texts)
        texts.append((record["id"], flat))
        for pos in range(0, len(flat) - step + 1, step):
            index.setdefault(flat[pos:pos + step], []).append((k, pos))
    found: Dict[Tuple[object, object], Dict[str, object]] = {}
    for record in held_out:
        flat = _flat(record["text"])
        for i in range(len(flat) - step + 1):
            for k, pos in index.get(flat[i:i + step], ()):
                pair = (record["id"], texts[k][0])
                if pair in found:
                    continue
                n = _common_length(flat, i, texts[k][1], pos)
                if n >= min_chars:
                    found[pair] = {"held_out": pair[0], "training": pair[1], "chars": n, "passage": flat[i:i + 80]}
    return list(found.values())
