"""Consistent relations per document: choose among scored pairs under the schema's constraints.

The relation scorer judges every candidate pair alone. :func:`decode_relations` then applies what
the guidelines say about a whole document:

- an OFFICIAL mention has at most one HAS_TITLE and at most one OFFICIAL_OF (the best-scored);
- a jurisdiction that only locates another party of the same agreement is no party ("Qingdao City,
  Shandong Province", "China's Liaoning Province"): a party whose gazetteer entry is an ancestor of
  another party's is dropped;
- an agreement with parties usually has two: when only one party passes its threshold, the best
  other PARTY_TO candidate whose probability reaches ``second_party`` × the threshold is added,
  unless it only locates the first.

It is a step of ``kcx_relation_extractor`` that the ``decode`` setting switches off.
"""
from typing import Dict, List, Optional, Set, Tuple

from spacy.tokens import Span

from ..agreements.build import _ancestors, _key
from ..extensions import Relation

Key = Tuple[int, int]


def _lineage(span: Span) -> Tuple[Optional[str], Set[str]]:
    """The gazetteer id of a jurisdiction span and the ids above it (country included)."""
    from ..normalize import normalize_jurisdiction

    norm = normalize_jurisdiction(span.text) or {}
    entry = norm.get("id")
    above = set(_ancestors(entry))
    if norm.get("country") and norm.get("level") != "country":
        above.add(norm["country"])
    return entry, above


def _locators(parties: List[Relation]) -> Set[Key]:
    """Parties that are an ancestor of another party of the same agreement."""
    lineage = {_key(r.head): _lineage(r.head) for r in parties}
    out = set()
    for a, (a_id, _) in lineage.items():
        if a_id and any(a_id in above for b, (_, above) in lineage.items() if b != a):
            out.add(a)
    return out


def decode_relations(scored: List[Relation], thresholds: Dict[str, float], second_party: float = 0.5) -> List[Relation]:
    """The relations of one document from all its scored candidate pairs (``score`` = probability)."""
    kept = [r for r in scored if r.score >= thresholds[r.label]]
    # One title and one jurisdiction per official mention.
    best: Dict[Tuple[Key, str], Relation] = {}
    rest = []
    for r in kept:
        if r.label in ("HAS_TITLE", "OFFICIAL_OF"):
            k = (_key(r.head), r.label)
            if k not in best or r.score > best[k].score:
                best[k] = r
        else:
            rest.append(r)
    kept = rest + list(best.values())
    # Parties per agreement: drop locators, complete a lone party.
    by_agreement: Dict[Key, List[Relation]] = {}
    for r in kept:
        if r.label == "PARTY_TO":
            by_agreement.setdefault(_key(r.tail), []).append(r)
    candidates: Dict[Key, List[Relation]] = {}
    for r in scored:
        if r.label == "PARTY_TO":
            candidates.setdefault(_key(r.tail), []).append(r)
    drop: Set[Tuple[Key, Key]] = set()
    for agr, parties in by_agreement.items():
        if len(parties) == 1:
            floor = second_party * thresholds["PARTY_TO"]
            have = _key(parties[0].head)
            others = sorted((r for r in candidates.get(agr, []) if _key(r.head) != have and r.score >= floor),
                            key=lambda r: -r.score)
            for r in others:
                if not _locators([parties[0], r]):
                    parties.append(r)
                    kept.append(r)
                    break
        for head in _locators(parties):
            drop.add((head, agr))
    kept = [r for r in kept if not (r.label == "PARTY_TO" and (_key(r.head), _key(r.tail)) in drop)]
    return sorted(kept, key=lambda r: (r.head.start, r.tail.start, r.label))
