"""One agreement record per agreement mention cluster of a document.

A record gathers, for the AGREEMENT mentions that speak of one agreement: its type, the parties
(PARTY_TO jurisdictions, plus the jurisdiction a signatory is OFFICIAL_OF), the signatories
(SIGNATORY officials with their HAS_TITLE rank and OFFICIAL_OF jurisdiction), the signing date
(SIGNED_ON, normalised), the evidence sentences and a confidence (the mean score of the relations
it rests on; 0 when none does).

Mentions form one cluster when they have the same type and one's parties are a subset of the
other's; when one of them names no party, their dates must also overlap (different signatories
are the two sides of one signing). The record's date is the value with the most relation score
behind it. A party that only locates another party of the record (``Shandong`` in "Qingdao City,
Shandong Province", by the gazetteer's parents) is dropped, as the guidelines say it is no party.
A record that names only the counterpart ("the MOU with Yancheng City") gets the document's home
jurisdiction as its other party (``via: "document"``, see :func:`_add_home_party`). A mention with neither parties,
signatories nor date joins the document's only cluster of its type, or becomes its own record:
nothing is dropped.
"""
import re
from typing import Any, Dict, List, Optional, Tuple

from spacy.tokens import Doc, Span

from ..normalize.dates import dates_overlap, norm_days
from ..schema import AGREEMENT, DATE, OFFICIAL
from ..sentences import sentence_spans

AgreementRecord = Dict[str, Any]
#: The country whose local governments the news this library reads is about.
HOME_COUNTRY = "KR"


def _key(span: Span) -> Tuple[int, int]:
    return span.start_char, span.end_char


def _party(span: Span, via: str = "PARTY_TO") -> Dict[str, Any]:
    norm = span._.norm or {}
    return {"id": norm.get("id"), "name": norm.get("name", span.text), "level": norm.get("level"),
            "country": norm.get("country"), "parent": norm.get("parent"), "surface": span.text, "via": via}


def party_key(party: Dict[str, Any]) -> str:
    """Identity of a party across documents: the gazetteer id, else the lower-cased name."""
    return party.get("id") or (party.get("name") or "").lower()


class _Officials:
    """Titles and jurisdictions of each official, shared between mentions of one person
    (``Mayor Oh`` is ``Oh Se-hoon`` when the document names him in full)."""

    def __init__(self, doc: Doc, rels: List[Any]):
        officials = [e for e in doc.ents if e.label_ == OFFICIAL]
        self.full: Dict[Tuple[int, int], str] = {}
        for o in officials:
            name = " ".join(o.text.split())
            longer = [p for p in officials if len(p.text) > len(o.text)
                      and o.text in p.text.split() + p.text.replace("-", " ").split()]
            self.full[_key(o)] = " ".join(max(longer, key=lambda p: len(p.text)).text.split()) if longer else name
        self.titles: Dict[str, List[Tuple[Span, float]]] = {}
        self.places: Dict[str, List[Tuple[Span, float]]] = {}
        for r in rels:
            if r.label == "HAS_TITLE" and _key(r.head) in self.full:
                self.titles.setdefault(self.full[_key(r.head)], []).append((r.tail, r.score))
            elif r.label == "OFFICIAL_OF" and _key(r.head) in self.full:
                self.places.setdefault(self.full[_key(r.head)], []).append((r.tail, r.score))

    def describe(self, span: Span) -> Dict[str, Any]:
        name = self.full.get(_key(span), span.text)
        titles = self.titles.get(name, [])
        places = self.places.get(name, [])
        title = max(titles, key=lambda t: t[1])[0] if titles else None
        place = max(places, key=lambda t: t[1])[0] if places else None
        return {"name": name, "surface": span.text,
                "title": (title._.norm or {}).get("rank") if title is not None else None,
                "title_surface": title.text if title is not None else None,
                "jurisdiction": _party(place, "OFFICIAL_OF") if place is not None else None}


def records(doc: Doc) -> List[AgreementRecord]:
    """The agreement records of a processed ``Doc`` (entities, ``doc._.relations`` and, for dates,
    ``doc.user_data["kcx_date"]``), in order of first mention."""
    rels = doc._.relations
    officials = _Officials(doc, rels)
    sents = sentence_spans(doc)
    mentions = []
    for agr in (e for e in doc.ents if e.label_ == AGREEMENT):
        k = _key(agr)
        attached = [r for r in rels if _key(r.tail if r.label != "SIGNED_ON" else r.head) == k]
        parties = [(_party(r.head), r.score) for r in attached if r.label == "PARTY_TO"]
        signers = [(officials.describe(r.head), r.score) for r in attached if r.label == "SIGNATORY"]
        dates = [(r.tail, r.score) for r in attached if r.label == "SIGNED_ON" and r.tail.label_ == DATE]
        for signer, score in signers:
            if signer["jurisdiction"] is not None:
                parties.append((dict(signer["jurisdiction"], via="SIGNATORY"), score))
        sent = next((s for s in sents if s.start <= agr.start < s.end), None)
        mentions.append({
            "span": agr, "type": (agr._.norm or {}).get("type", "other"),
            "parties": parties, "signatories": signers, "dates": dates,
            "sentence": sent.text.strip() if sent is not None else agr.text,
            "scores": [r.score for r in attached],
        })
    clusters: List[List[dict]] = []

    def party_set(ms: List[dict]) -> set:
        return {party_key(p) for m in ms for p, _ in m["parties"]}

    def date_values(ms: List[dict]) -> List[Any]:
        return [d._.norm for m in ms for d, _ in m["dates"] if d._.norm is not None]

    def fits(m: dict, cluster: List[dict]) -> bool:
        if cluster[0]["type"] != m["type"]:
            return False
        mine, theirs = party_set([m]), party_set(cluster)
        if not (mine <= theirs or theirs <= mine):
            return False
        if mine and theirs:  # compatible parties in one article: one agreement, whatever the dates say
            return True
        return all(dates_overlap(a, b) for a in date_values([m]) for b in date_values(cluster))

    supported = [m for m in mentions if m["parties"] or m["signatories"] or m["dates"]]
    bare = [m for m in mentions if not (m["parties"] or m["signatories"] or m["dates"])]
    for m in sorted(supported, key=lambda m: -len(party_set([m]))):
        home = next((c for c in clusters if fits(m, c)), None)
        if home is None:
            clusters.append([m])
        else:
            home.append(m)
    for m in bare:
        same_type = [c for c in clusters if c[0]["type"] == m["type"]]
        if len(same_type) == 1:
            same_type[0].append(m)
        else:
            clusters.append([m])
    out = [_record(doc, sorted(c, key=lambda m: m["span"].start_char)) for c in clusters]
    _add_home_party(out)
    out.sort(key=lambda r: r["mentions"][0]["start"])
    for i, rec in enumerate(out, start=1):
        rec["record_id"] = f"{rec['doc_id'] if rec['doc_id'] is not None else 'doc'}#{i}"
    return out


def _counterpart(party: Dict[str, Any], sentence: str) -> bool:
    """Whether the sentence names ``party`` as the other side: "with Yancheng City", "칭다오시와"."""
    surface = re.escape(party["surface"])
    return bool(re.search(r"\bwith\b[^.;:!?]{0,40}?" + surface, sentence) or re.search(surface + "(?:와|과)", sentence))


def _add_home_party(found: List[AgreementRecord]) -> None:
    """Complete a record that names only a foreign counterpart ("the MOU with Yancheng City") with
    the document's home jurisdiction: the Korean local government that is party to the document's
    other agreements most often (by record confidence); with none, or a tie, nothing is added (a
    list of a city's partners that never names the city as a party gets nothing). The added party
    has ``via: "document"``."""
    first: Dict[str, Dict[str, Any]] = {}
    for rec in found:
        for p in rec["parties"]:
            first.setdefault(party_key(p), p)
    for rec in found:
        if len(rec["parties"]) != 1:
            continue
        (party,) = rec["parties"]
        if not any(_counterpart(party, m["sentence"]) for m in rec["mentions"]):
            continue
        weight: Dict[str, float] = {}
        for other in found:
            if other is rec:
                continue
            for p in other["parties"]:
                if p.get("country") == HOME_COUNTRY != party.get("country") and p.get("level") != "country":
                    weight[party_key(p)] = weight.get(party_key(p), 0.0) + max(other["confidence"], 1e-3)
        if weight:
            ranked = sorted(weight.items(), key=lambda kv: -kv[1])
            if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
                rec["parties"].insert(0, dict(first[ranked[0][0]], via="document"))


def _ancestors(entry_id: Optional[str]) -> List[str]:
    """Gazetteer ids above ``entry_id`` (parent, grandparent, ...)."""
    from ..normalize.jurisdictions import default_index

    by_id, out = default_index().by_id, []
    entry = by_id.get(entry_id or "")
    while entry is not None and entry.get("parent") and entry["parent"] not in out:
        out.append(entry["parent"])
        entry = by_id.get(entry["parent"])
    return out


def _merge_people(people: List[Tuple[Dict[str, Any], float]]) -> List[Dict[str, Any]]:
    out: Dict[str, Dict[str, Any]] = {}
    for person, _ in people:
        seen = out.setdefault(person["name"], dict(person))
        for field in ("title", "title_surface", "jurisdiction"):
            if seen.get(field) is None and person.get(field) is not None:
                seen[field] = person[field]
    return list(out.values())


def _record(doc: Doc, cluster: List[dict]) -> AgreementRecord:
    parties: Dict[str, Dict[str, Any]] = {}
    for m in cluster:
        for p, _ in m["parties"]:
            key = party_key(p)
            if key not in parties or parties[key]["via"] != "PARTY_TO" and p["via"] == "PARTY_TO":
                parties[key] = p
    ancestors = {a for p in parties.values() for a in _ancestors(p.get("id"))}
    parties = {k: p for k, p in parties.items() if p.get("id") not in ancestors}
    dates = [(d, s) for m in cluster for d, s in m["dates"] if d._.norm is not None]
    best_date: Optional[Span] = None
    if dates:  # the value with the most relation score behind it; ties: the more precise, then the first
        weight: Dict[str, float] = {}
        for d, s in dates:
            weight[repr(d._.norm)] = weight.get(repr(d._.norm), 0.0) + s
        best_date = max((d for d, _ in dates), key=lambda d: (
            round(weight[repr(d._.norm)], 6), -(norm_days(d._.norm)[1] - norm_days(d._.norm)[0]).days, -d.start_char))
    elif any(m["dates"] for m in cluster):
        best_date = next(d for m in cluster for d, _ in m["dates"])
    from ..pipeline import detect_lang

    scores = [s for m in cluster for s in m["scores"]]
    evidence = max(cluster, key=lambda m: (len(m["scores"]), -m["span"].start_char))
    return {
        "record_id": None,
        "doc_id": doc.user_data.get("kcx_id"),
        "doc_date": doc.user_data.get("kcx_date"),
        "lang": doc.user_data.get("kcx_lang") or detect_lang(doc.text),
        "type": cluster[0]["type"],
        "parties": list(parties.values()),
        "signatories": _merge_people([s for m in cluster for s in m["signatories"]]),
        "date": best_date._.norm if best_date is not None else None,
        "date_text": best_date.text if best_date is not None else None,
        "evidence": evidence["sentence"],
        "mentions": [{"text": m["span"].text, "start": m["span"].start_char, "end": m["span"].end_char,
                      "sentence": m["sentence"]} for m in cluster],
        "confidence": round(sum(scores) / len(scores), 4) if scores else 0.0,
    }
