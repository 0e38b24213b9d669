"""Custom attributes kcx adds to spaCy objects.

``doc._.relations`` is a list of :class:`Relation` (``head``/``tail`` spans, ``label``,
``score``). It is stored in ``doc.user_data`` as plain character offsets, so it survives
``Doc.to_bytes``/``DocBin(store_user_data=True)`` and reloads as spans.
"""
from dataclasses import dataclass
from typing import Dict, Iterable, List, Tuple

from spacy.tokens import Doc, Span

USER_DATA_KEY = "kcx_relations"

RelationTuple = Tuple[int, int, int, int, str, float]


@dataclass(frozen=True)
class Relation:
    """A directed relation between two entity spans of one document."""

    head: Span
    tail: Span
    label: str
    score: float = 1.0


def _span(doc: Doc, start: int, end: int, ents: Dict[Tuple[int, int], Span]) -> Span:
    """The entity at ``[start:end]`` (from ``ents``, indexed once per document), else a plain span."""
    found = ents.get((start, end))
    if found is not None:
        return found
    span = doc.char_span(start, end)
    if span is None:
        raise ValueError(f"relation endpoint [{start}:{end}] is not aligned to tokens")
    return span


def get_relations(doc: Doc) -> List[Relation]:
    """Getter of ``doc._.relations`` (linear in the number of entities and relations)."""
    stored = doc.user_data.get(USER_DATA_KEY, [])
    ents = {(e.start_char, e.end_char): e for e in doc.ents} if stored else {}
    return [
        Relation(_span(doc, hs, he, ents), _span(doc, ts, te, ents), label, float(score))
        for hs, he, ts, te, label, score in stored
    ]


def set_relations(doc: Doc, relations: Iterable[Relation]) -> None:
    """Setter of ``doc._.relations``: stores them as character offsets."""
    stored: List[RelationTuple] = []
    for rel in relations:
        if rel.head.doc is not doc or rel.tail.doc is not doc:
            raise ValueError("relation spans must belong to the document they are set on")
        stored.append(
            (rel.head.start_char, rel.head.end_char, rel.tail.start_char, rel.tail.end_char, rel.label, float(rel.score))
        )
    doc.user_data[USER_DATA_KEY] = stored


if not Doc.has_extension("relations"):
    Doc.set_extension("relations", getter=get_relations, setter=set_relations)
