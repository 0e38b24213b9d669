"""Join the records of one agreement reported by several documents (outlets, languages).

Two records are the same agreement when they have the same type, one's parties are a subset of
the other's (by gazetteer id, else name), and their signing dates overlap. When that leaves room
for doubt, more is asked: if either date is unknown, the publication dates must lie within
``window_days``; if one side names no party, one of its evidence sentences must share at least
``min_overlap`` of its words with one of the other's (the same wire story retold). Every source
is kept.
"""
import re
from datetime import date
from typing import Any, Dict, Iterable, List

from ..normalize.dates import dates_overlap, norm_days
from .build import AgreementRecord, party_key

WORD_RE = re.compile(r"\w+")


def _words(text: str) -> set:
    return {w.lower() for w in WORD_RE.findall(text)}


def _overlap(a: str, b: str) -> float:
    wa, wb = _words(a), _words(b)
    return len(wa & wb) / min(len(wa), len(wb)) if wa and wb else 0.0


def _days_apart(a: Any, b: Any) -> float:
    try:
        return abs((date.fromisoformat(a) - date.fromisoformat(b)).days)
    except (TypeError, ValueError):
        return float("inf")


class _Group:
    def __init__(self, record: AgreementRecord, index: int):
        self.records: List[AgreementRecord] = [record]
        self.first = index  # the lowest input position of its records: groups are output in input order

    @property
    def parties(self) -> set:
        return {party_key(p) for r in self.records for p in r["parties"]}

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
    records = sorted(group.records, key=lambda r: (r.get("doc_date") or "", str(r.get("doc_id"))))
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
        "agreement_id": f"agreement-{n:05d}",
        "type": records[0]["type"],
        "parties": list(parties.values()),
        "signatories": list(signatories.values()),
        "date": best,
        "confidence": max(r["confidence"] for r in records),
        "sources": [{"record_id": r["record_id"], "doc_id": r["doc_id"], "doc_date": r["doc_date"], "lang": r["lang"],
                     "date": r["date"], "evidence": r["evidence"], "confidence": r["confidence"]} for r in records],
    }


def merge_records(records: Iterable[AgreementRecord], window_days: int = 30, min_overlap: float = 0.6) -> List[Dict[str, Any]]:
    """One merged record per agreement, each with every ``sources`` entry it was built from.

    Records with more parties are placed first, so a record that names fewer parties joins the
    fullest compatible group.
    """
    records = list(records)
    order = sorted(range(len(records)), key=lambda i: (-len(records[i]["parties"]), records[i]["date"] is None, i))
    groups: List[_Group] = []
    by_type: Dict[str, List[_Group]] = {}  # only groups of a record's type can take it
    for i in order:
        candidates = by_type.setdefault(records[i]["type"], [])
        home = next((g for g in candidates if g.fits(records[i], window_days, min_overlap)), None)
        if home is None:
            home = _Group(records[i], i)
            groups.append(home)
            candidates.append(home)
        else:
            home.records.append(records[i])
            home.first = min(home.first, i)
    groups.sort(key=lambda g: g.first)
    return [_merged(g, n) for n, g in enumerate(groups, start=1)]
