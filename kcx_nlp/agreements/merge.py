"""Join the records of one agreement reported by several documents (outlets, languages).

Two records are the same agreement when they have the same type, one's parties are a subset of
the other's (by gazetteer id, else name), and their signing dates overlap. When that leaves room
for doubt, more is asked: if either date is unknown, the publication dates must lie within
``window_days``; if one side names no party, one of its evidence sentences must share at least
``min_overlap`` of its words with one of the other's (the same wire story retold). Every source
is kept. :class:`Merger` applies the same rules one record at a time, to groups that already exist
(the agreements database, :mod:`.store`, merges new articles into stored agreements with it).
"""
import re
from datetime import date
from functools import lru_cache
from typing import Any, Dict, Iterable, List

from ..normalize.dates import dates_overlap, norm_days
from .build import AgreementRecord, party_key

WORD_RE = re.compile(r"\w+")


@lru_cache(maxsize=16384)  # the sentences of a group are compared with every candidate record
def _words(text: str) -> frozenset:
    return frozenset(w.lower() for w in WORD_RE.findall(text))


def _overlap(a: str, b: str) -> float:
    wa, wb = _words(a), _words(b)
    return len(wa & wb) / min(len(wa), len(wb)) if wa and wb else 0.0


def _days_apart(a: Any, b: Any) -> float:
    try:
        return abs((date.fromisoformat(a) - date.fromisoformat(b)).days)
    except (TypeError, ValueError):
        return float("inf")


class _Group:
    def __init__(self, record: AgreementRecord, index: int, key: Any = None, serial: int = 0):
        self.records: List[AgreementRecord] = []
        self.parties: set = set()  # the party keys of all its records
        self.first = index  # the lowest input position of its records: groups are output in input order
        self.key = key  # a caller's handle (the agreement's row in a database); None for a new group
        self.serial = serial  # creation order: a record joins the first group it fits
        self.add(record)

    def add(self, record: AgreementRecord) -> set:
        """Add ``record``; returns the party keys the group did not have before."""
        self.records.append(record)
        new = {party_key(p) for p in record["parties"]} - self.parties
        self.parties |= new
        return new

    def fits(self, record: AgreementRecord, window_days: int, min_overlap: float) -> bool:
        if record["type"] != self.records[0]["type"]:
            return False
        mine, theirs = {party_key(p) for p in record["parties"]}, self.parties
        if not (mine <= theirs or theirs <= mine):
            return False
        for other in self.records:
            if not dates_overlap(record["date"], other["date"]):
                return False
            if (record["date"] is None or other["date"] is None) and \
                    _days_apart(record["doc_date"], other["doc_date"]) > window_days:
                return False
        if not mine or not theirs:
            sentences = [m["sentence"] for r in self.records for m in r["mentions"]]
            return any(_overlap(m["sentence"], s) >= min_overlap for m in record["mentions"] for s in sentences)
        return True


def _merged(group: _Group, n: int) -> Dict[str, Any]:
    return merged_record(group.records, f"agreement-{n:05d}")


def merged_record(records: List[AgreementRecord], agreement_id: str) -> Dict[str, Any]:
    """The merged record of one agreement from the records joined into it (every source kept)."""
    records = sorted(records, key=lambda r: (r.get("doc_date") or "", str(r.get("doc_id"))))
    parties: Dict[str, Dict[str, Any]] = {}
    signatories: Dict[str, Dict[str, Any]] = {}
    for r in records:
        for p in r["parties"]:
            parties.setdefault(party_key(p), {k: v for k, v in p.items() if k not in ("surface", "via")})
        for s in r["signatories"]:
            signatories.setdefault(s["name"], s)
    dated = [r["date"] for r in records if r["date"] is not None]
    best = min(dated, key=lambda d: norm_days(d)[1] - norm_days(d)[0]) if dated else None
    return {
        "agreement_id": agreement_id,
        "type": records[0]["type"],
        "parties": list(parties.values()),
        "signatories": list(signatories.values()),
        "date": best,
        "confidence": max(r["confidence"] for r in records),
        "sources": [{"record_id": r["record_id"], "doc_id": r["doc_id"], "doc_date": r["doc_date"], "lang": r["lang"],
                     "date": r["date"], "evidence": r["evidence"], "confidence": r["confidence"]} for r in records],
    }


def merge_order(records: List[AgreementRecord]) -> List[int]:
    """Positions of ``records`` in the order merging places them: more parties first, then dated
    before undated, then input order (so a record that names fewer parties joins the fullest
    compatible group)."""
    return sorted(range(len(records)), key=lambda i: (-len(records[i]["parties"]), records[i]["date"] is None, i))


class Merger:
    """Incremental merging with the rules of :func:`merge_records`: each record joins the first
    group (in order of creation) that it fits, else starts a new one. Existing agreements are
    restored first with :meth:`restore`, so new records can join them."""

    def __init__(self, window_days: int = 30, min_overlap: float = 0.6):
        self.window_days, self.min_overlap = window_days, min_overlap
        self.groups: List[_Group] = []
        self._by_type: Dict[str, List[_Group]] = {}  # only groups of a record's type can take it
        # An index that only narrows the search: a record that names parties can only fit a group
        # that shares one of them, or one that names none.
        self._by_party: Dict[tuple, List[_Group]] = {}  # (type, party key) -> groups with that party
        self._partyless: Dict[str, List[_Group]] = {}  # type -> groups that began with no party

    def _new_group(self, record: AgreementRecord, index: int, key: Any = None) -> _Group:
        group = _Group(record, index, key, serial=len(self.groups))
        self.groups.append(group)
        self._by_type.setdefault(record["type"], []).append(group)
        if not group.parties:
            self._partyless.setdefault(record["type"], []).append(group)
        self._index(group, group.parties)
        return group

    def _index(self, group: _Group, keys: set) -> None:
        for k in keys:
            self._by_party.setdefault((group.records[0]["type"], k), []).append(group)

    def _candidates(self, record: AgreementRecord) -> List[_Group]:
        """The groups ``record`` might fit, in creation order (a superset of those it fits)."""
        kind = record["type"]
        mine = {party_key(p) for p in record["parties"]}
        if not mine:
            return self._by_type.get(kind, [])
        found = {id(g): g for g in self._partyless.get(kind, []) if not g.parties}
        for k in mine:
            found.update((id(g), g) for g in self._by_party.get((kind, k), []))
        return sorted(found.values(), key=lambda g: g.serial)

    def _join(self, group: _Group, record: AgreementRecord) -> None:
        self._index(group, group.add(record))

    def restore(self, records: List[AgreementRecord], key: Any, index: int = -1) -> _Group:
        """Add an existing group (a stored agreement, ``key`` its handle) with its records."""
        group = self._new_group(records[0], index, key)
        for r in records[1:]:
            self._join(group, r)
        return group

    def add(self, record: AgreementRecord, index: int) -> _Group:
        """Put ``record`` (at input position ``index``) into the first group it fits; returns the group."""
        home = next((g for g in self._candidates(record) if g.fits(record, self.window_days, self.min_overlap)), None)
        if home is None:
            return self._new_group(record, index)
        self._join(home, record)
        home.first = min(home.first, index)
        return home


def merge_records(records: Iterable[AgreementRecord], window_days: int = 30, min_overlap: float = 0.6) -> List[Dict[str, Any]]:
    """One merged record per agreement, each with every ``sources`` entry it was built from.

    Records with more parties are placed first, so a record that names fewer parties joins the
    fullest compatible group.
    """
    records = list(records)
    merger = Merger(window_days, min_overlap)
    for i in merge_order(records):
        merger.add(records[i], i)
    groups = sorted(merger.groups, key=lambda g: g.first)
    return [_merged(g, n) for n, g in enumerate(groups, start=1)]
