"""Strict entity scoring: span-level P/R/F per label and language, cross-checked with seqeval.

A predicted entity counts as correct only when start, end and label all equal a gold entity's.
"""
from collections import defaultdict
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

    pred = doc_to_record(doc)
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
