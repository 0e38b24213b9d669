"""Strict scoring: entities, relations and agreements, per label and language.

A predicted entity counts as correct only when start, end and label all equal a gold entity's
(cross-checked with seqeval); a relation only when both spans and the label are exact. Agreement
scores judge what a user of ``--records`` sees: for each gold AGREEMENT with a party, whether it
was found, with exactly its parties, its date and its signatories (:func:`score_agreements`), and
whether the normalised agreement records match those built from the gold annotation
(:func:`score_agreement_records`).
"""
from collections import Counter, defaultdict
from functools import lru_cache
from typing import Any, Dict, Iterable, List, Sequence, Set, Tuple

from spacy.language import Language

from .corpus.records import Record
from .schema import LABELS, RELATIONS

Span = Tuple[int, int, str]


def prf(tp: int, fp: int, fn: int) -> Dict[str, float]:
    """Precision, recall and F1 from counts (0.0 where undefined)."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def _spans(record: Record) -> Set[Span]:
    return {(e["start"], e["end"], e["label"]) for e in record["entities"]}


def score_entities(gold: Sequence[Record], pred: Sequence[Record]) -> Dict[str, Any]:
    """Strict span scores: ``{"micro": prf, "per_label": {label: prf}, "per_lang": {lang: {...}}}``.

    ``gold`` and ``pred`` are aligned lists of records over the same texts.
    """
    counts: Dict[Tuple[str, str], List[int]] = defaultdict(lambda: [0, 0, 0])
    for g, p in zip(gold, pred):
        if g["text"] != p["text"]:
            raise ValueError(f"document {g.get('id')!r}: gold and predicted texts differ")
        gs, ps = _spans(g), _spans(p)
        lang = g.get("lang") or "unknown"
        for k, bucket in enumerate((ps & gs, ps - gs, gs - ps)):
            for _, _, label in bucket:
                for key in ((lang, label), ("all", label)):
                    counts[key][k] += 1

    def block(lang: str) -> Dict[str, Any]:
        per_label = {label: prf(*counts[(lang, label)]) for label in LABELS}
        totals = [sum(counts[(lang, label)][k] for label in LABELS) for k in range(3)]
        return {"micro": prf(*totals), "per_label": per_label}
    langs = sorted({g.get("lang") or "unknown" for g in gold})
    out = block("all")
    out["per_lang"] = {lang: block(lang) for lang in langs}
    return out


def bio_tags(nlp: Language, record: Record) -> List[str]:
    """IOB2 tags of a record over the project's tokens (entities must be token-aligned)."""
    doc = nlp.make_doc(record["text"])
    tags = ["O"] * len(doc)
    for e in record["entities"]:
        span = doc.char_span(e["start"], e["end"])
        if span is None:
            raise ValueError(f"document {record.get('id')!r}: entity [{e['start']}:{e['end']}] is not token-aligned")
        tags[span.start] = f"B-{e['label']}"
        for i in range(span.start + 1, span.end):
            tags[i] = f"I-{e['label']}"
    return tags


def seqeval_scores(nlp: Language, gold: Sequence[Record], pred: Sequence[Record]) -> Dict[str, Any]:
    """seqeval's strict IOB2 report (micro and per label) over the project's tokens."""
    from seqeval.metrics import classification_report
    from seqeval.scheme import IOB2

    y_true = [bio_tags(nlp, g) for g in gold]
    y_pred = [bio_tags(nlp, p) for p in pred]
    report = classification_report(y_true, y_pred, mode="strict", scheme=IOB2, output_dict=True, zero_division=0)
    out = {"micro": {k: round(float(v), 4) for k, v in report["micro avg"].items()}}
    out["per_label"] = {label: {k: round(float(v), 4) for k, v in report[label].items()}
                        for label in LABELS if label in report}
    return out


def _relation_keys(record: Record) -> Set[Tuple[int, int, int, int, str]]:
    ents = record["entities"]
    return {(ents[r["head"]]["start"], ents[r["head"]]["end"], ents[r["tail"]]["start"], ents[r["tail"]]["end"],
             r["label"]) for r in record.get("relations", [])}


def score_relations(gold: Sequence[Record], pred: Sequence[Record]) -> Dict[str, Any]:
    """Strict relation scores (both spans and the label exact), micro, per type and per language."""
    counts: Dict[Tuple[str, str], List[int]] = defaultdict(lambda: [0, 0, 0])
    for g, p in zip(gold, pred):
        gs, ps = _relation_keys(g), _relation_keys(p)
        lang = g.get("lang") or "unknown"
        for k, bucket in enumerate((ps & gs, ps - gs, gs - ps)):
            for key in bucket:
                for where in ((lang, key[4]), ("all", key[4])):
                    counts[where][k] += 1

    def block(lang: str) -> Dict[str, Any]:
        per_type = {rel: prf(*counts[(lang, rel)]) for rel in RELATIONS}
        totals = [sum(counts[(lang, rel)][k] for rel in RELATIONS) for k in range(3)]
        return {"micro": prf(*totals), "per_type": per_type}

    out = block("all")
    out["per_lang"] = {lang: block(lang) for lang in sorted({g.get("lang") or "unknown" for g in gold})}
    return out


def _doc_to_pred(record: Record, doc: Any) -> Record:
    from .corpus.convert import doc_to_record

    pred = doc_to_record(doc, with_scores=True)
    pred.update({"id": record.get("id"), "lang": record.get("lang"), "date": record.get("date")})
    return pred


def predict_records(nlp: Language, records: Iterable[Record], batch_size: int = 32) -> List[Record]:
    """Run ``nlp`` over the records' texts (end to end) and return the predicted records."""
    records = list(records)
    docs = nlp.pipe((r["text"] for r in records), batch_size=batch_size)
    return [_doc_to_pred(record, doc) for record, doc in zip(records, docs)]


def predict_relations_with_gold_entities(nlp: Language, records: Iterable[Record]) -> List[Record]:
    """Predicted records where the entities are the gold ones and only relations are predicted."""
    from .corpus.convert import record_to_doc

    out = []
    for record in records:
        doc = record_to_doc(nlp, dict(record, relations=[]))
        for name, proc in nlp.pipeline:
            if name != "ner":
                doc = proc(doc)
        out.append(_doc_to_pred(record, doc))
    return out


AGREEMENT_LEVELS = ("found", "parties", "parties_date", "parties_date_signatories")
#: Upper edges of the confidence bins of :func:`score_agreement_records` (the last bin includes 1.0).
CALIBRATION_BINS = (0.5, 0.7, 0.8, 0.9, 1.0)
#: The countries of the world the v1 corpus covers; a document with a counterpart elsewhere is "world".
CORE_COUNTRIES = frozenset({"KR", "CN", "JP", "VN"})


def _agreement_links(record: Record) -> Dict[Tuple[int, int], Dict[str, Set[Tuple[int, int]]]]:
    """For each AGREEMENT span of a record: the spans of its parties, dates and signatories."""
    ents = record["entities"]
    out = {(e["start"], e["end"]): {"parties": set(), "dates": set(), "signatories": set()}
           for e in ents if e["label"] == "AGREEMENT"}
    for r in record.get("relations", []):
        head, tail = ents[r["head"]], ents[r["tail"]]
        if r["label"] == "SIGNED_ON":
            agr, other, slot = head, tail, "dates"
        elif r["label"] in ("PARTY_TO", "SIGNATORY"):
            agr, other, slot = tail, head, "parties" if r["label"] == "PARTY_TO" else "signatories"
        else:
            continue
        key = (agr["start"], agr["end"])
        if key in out:
            out[key][slot].add((other["start"], other["end"]))
    return out


def _rates(counts: Dict[str, int]) -> Dict[str, Any]:
    n = counts["agreements"]
    return dict(counts, **{f"{level}_rate": round(counts[level] / n, 4) if n else 0.0 for level in AGREEMENT_LEVELS})


def score_agreements(gold: Sequence[Record], pred: Sequence[Record]) -> Dict[str, Any]:
    """Agreement-level scores over every gold AGREEMENT that has at least one PARTY_TO.

    Levels, each strict on spans and each including the one before: ``found`` (a predicted
    AGREEMENT with the same offsets), ``parties`` (exactly the gold party spans), ``parties_date``
    (and exactly the gold SIGNED_ON dates, none when gold has none), ``parties_date_signatories``
    (and exactly the gold signatories). Returns counts and ``*_rate`` overall and ``per_lang``.
    """
    counts: Dict[str, Dict[str, int]] = defaultdict(lambda: dict.fromkeys(("agreements",) + AGREEMENT_LEVELS, 0))
    for g, p in zip(gold, pred):
        if g["text"] != p["text"]:
            raise ValueError(f"document {g.get('id')!r}: gold and predicted texts differ")
        got = _agreement_links(p)
        pred_labels = {(e["start"], e["end"]): e["label"] for e in p["entities"]}
        for key, want in _agreement_links(g).items():
            if not want["parties"]:
                continue
            have = got.get(key) if pred_labels.get(key) == "AGREEMENT" else None
            levels = [have is not None]
            levels.append(levels[-1] and have["parties"] == want["parties"])
            levels.append(levels[-1] and have["dates"] == want["dates"])
            levels.append(levels[-1] and have["signatories"] == want["signatories"])
            for lang in ("all", g.get("lang") or "unknown"):
                counts[lang]["agreements"] += 1
                for level, ok in zip(AGREEMENT_LEVELS, levels):
                    counts[lang][level] += ok
    out = _rates(counts["all"])
    out["per_lang"] = {lang: _rates(c) for lang, c in sorted(counts.items()) if lang != "all"}
    return out


def score_agreement_records(gold: Sequence[Record], pred: Sequence[Record]) -> Dict[str, Any]:
    """Normalised agreement records of the predictions against those built from the gold annotation.

    Both sides go through :func:`kcx_nlp.records` (type, parties by canonical gazetteer id or name,
    ISO date anchored at the record's publication date). Each gold record with a party is matched to
    at most one predicted record of the same document: ``type_parties`` when type and party set are
    equal, ``type_parties_date`` when the date is equal too. ``spurious`` counts predicted records
    with a party that match no gold record. ``calibration`` bins the predicted records by their
    ``confidence`` and gives, per bin, the share that match a gold record's type and exact party set.
    """
    from .agreements import records_from_record
    from .agreements.build import party_key

    def key(rec: Dict[str, Any]) -> Tuple[str, frozenset]:
        return rec["type"], frozenset(party_key(p) for p in rec["parties"])

    counts: Dict[str, Dict[str, int]] = defaultdict(lambda: dict.fromkeys(
        ("gold_records", "predicted_records", "type_parties", "type_parties_date", "spurious"), 0))
    calibration = [[0, 0] for _ in CALIBRATION_BINS]
    for g, p in zip(gold, pred):
        want = [r for r in records_from_record(g) if r["parties"]]
        have = [r for r in records_from_record(p) if r["parties"]]
        used: Set[int] = set()
        hits = [0, 0]
        wanted = {key(w) for w in want}
        for h in have:
            b = next(i for i, edge in enumerate(CALIBRATION_BINS) if h["confidence"] < edge or edge == 1.0)
            calibration[b][0] += 1
            calibration[b][1] += key(h) in wanted
        for w in want:
            options = [i for i, h in enumerate(have) if i not in used and key(h) == key(w)]
            best = next((i for i in options if have[i]["date"] == w["date"]), options[0] if options else None)
            if best is not None:
                used.add(best)
                hits[0] += 1
                hits[1] += have[best]["date"] == w["date"]
        for lang in ("all", g.get("lang") or "unknown"):
            c = counts[lang]
            c["gold_records"] += len(want)
            c["predicted_records"] += len(have)
            c["type_parties"] += hits[0]
            c["type_parties_date"] += hits[1]
            c["spurious"] += len(have) - len(used)

    def block(c: Dict[str, int]) -> Dict[str, Any]:
        n = c["gold_records"]
        return dict(c, type_parties_rate=round(c["type_parties"] / n, 4) if n else 0.0,
                    type_parties_date_rate=round(c["type_parties_date"] / n, 4) if n else 0.0)

    out = block(counts["all"])
    out["per_lang"] = {lang: block(c) for lang, c in sorted(counts.items()) if lang != "all"}
    lows = (0.0,) + CALIBRATION_BINS[:-1]
    out["calibration"] = [{"confidence": f"[{lo:.1f}, {hi:.1f}{']' if hi == 1.0 else ')'}", "records": n,
                           "exact_parties": round(k / n, 4) if n else None}
                          for lo, hi, (n, k) in zip(lows, CALIBRATION_BINS, calibration)]
    return out


@lru_cache(maxsize=1)
def _gazetteer_surfaces() -> frozenset:
    from .gazetteer import default_gazetteer

    return frozenset(default_gazetteer().table())


def in_gazetteer(text: str) -> bool:
    """Whether a mention's surface is listed in any shipped gazetteer (jurisdictions, titles, agreements)."""
    from .gazetteer import normalize_surface

    return normalize_surface(text) in _gazetteer_surfaces()


def score_entities_by_gazetteer(gold: Sequence[Record], pred: Sequence[Record]) -> Dict[str, Any]:
    """:func:`score_entities` separately for mentions whose surface is in a gazetteer and for the rest.

    A predicted span falls in the part of its own surface, so a correct span counts in the same part
    on both sides. OFFICIAL and DATE have no gazetteer: they are always ``out_of_gazetteer``.
    """
    def part(records: Sequence[Record], inside: bool) -> List[Record]:
        return [dict(r, entities=[e for e in r["entities"] if in_gazetteer(r["text"][e["start"]:e["end"]]) == inside],
                     relations=[]) for r in records]

    return {name: score_entities(part(gold, inside), part(pred, inside))
            for name, inside in (("in_gazetteer", True), ("out_of_gazetteer", False))}


def has_world_counterpart(record: Record) -> bool:
    """Whether a gold record's counterparts include one outside Korea, China, Japan and Vietnam.

    Counterparts are the jurisdictions in a PARTY_TO or OFFICIAL_OF relation. One counts as "world"
    when its gazetteer country is elsewhere, or when the gazetteer does not know it (an aimag, a
    county, an African province) and the document names a country elsewhere.
    """
    from .normalize import normalize_jurisdiction

    ents = record["entities"]
    related = {r["tail"] if r["label"] == "OFFICIAL_OF" else r["head"]
               for r in record.get("relations", []) if r["label"] in ("OFFICIAL_OF", "PARTY_TO")}
    countries = {i: (normalize_jurisdiction(record["text"][e["start"]:e["end"]]) or {}).get("country")
                 for i, e in enumerate(ents) if e["label"] == "JURISDICTION"}
    if any(countries.get(i) and countries[i] not in CORE_COUNTRIES for i in related):
        return True
    unknown = any(i in countries and not countries[i] for i in related)
    return unknown and any(c and c not in CORE_COUNTRIES for c in countries.values())


def evaluate_pipeline(nlp: Language, records: Sequence[Record], with_parts: bool = True) -> Dict[str, Any]:
    """Every accuracy figure of ``nlp`` on gold ``records``: strict entities (span scorer, seqeval,
    in/out of gazetteer), relations end to end and with gold entities given, agreement-level scores
    and normalised agreement records. With ``with_parts``, the entity, relation and agreement figures
    are repeated for the documents with a counterpart outside KR/CN/JP/VN (``world``) and the rest."""
    records = list(records)
    pred = predict_records(nlp, records)
    out: Dict[str, Any] = {
        "documents": len(records),
        "documents_per_lang": dict(sorted(Counter(r.get("lang") or "unknown" for r in records).items())),
        "spans": score_entities(records, pred),
        "seqeval": seqeval_scores(nlp, records, pred), "gazetteer": score_entities_by_gazetteer(records, pred),
        "relations_end_to_end": score_relations(records, pred),
        "agreements": score_agreements(records, pred), "agreement_records": score_agreement_records(records, pred),
    }
    if "relation_extractor" in nlp.pipe_names:
        out["relations_gold_entities"] = score_relations(records, predict_relations_with_gold_entities(nlp, records))
    if with_parts:
        out["counterparts"] = {}
        for name, want in (("world", True), ("core", False)):
            idx = [i for i, r in enumerate(records) if has_world_counterpart(r) == want]
            g, p = [records[i] for i in idx], [pred[i] for i in idx]
            out["counterparts"][name] = {"documents": len(idx), "spans": score_entities(g, p),
                                         "relations_end_to_end": score_relations(g, p),
                                         "agreements": score_agreements(g, p)}
    return out
