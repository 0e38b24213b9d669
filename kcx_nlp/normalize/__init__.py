"""Normalisers: the ``norm`` of every entity (guidelines v1.4, "Normalisation rules").

DATE → ISO 8601 (:mod:`.dates`), JURISDICTION → ``{id, name, level, country, parent}``
(:mod:`.jurisdictions`), AGREEMENT → ``{type}`` (:mod:`.agreement_types`), TITLE → ``{rank}``
(:mod:`.titles`), OFFICIAL → ``{name}`` (whitespace collapsed). A document's publication date is
``doc.user_data["kcx_date"]`` (:mod:`.pubdate` finds the one an article states); ``span._.norm``
reads the values the ``kcx_normalizer`` component stored, or computes them when the component did
not run (or ran before the date was set).
"""
from datetime import date
from typing import Any, Dict, List, Optional

from spacy.tokens import Doc, Span

from ..schema import AGREEMENT, DATE, JURISDICTION, OFFICIAL, TITLE
from ..sentences import sentence_spans
from .agreement_types import AGREEMENT_TYPES, normalize_agreement
from .dates import norm_days, normalize_date
from .jurisdictions import normalize_jurisdiction
from .pubdate import PublicationDate, find_publication_date
from .titles import normalize_title

__all__ = ["AGREEMENT_TYPES", "PublicationDate", "find_publication_date", "normalize_agreement", "normalize_date",
           "normalize_doc", "normalize_entity", "normalize_jurisdiction", "normalize_record", "normalize_title"]

USER_DATA_KEY = "kcx_norms"


def normalize_entity(label: str, text: str, pub_date: Optional[str] = None, sentence: str = "",
                     previous: Optional[date] = None) -> Any:
    """The ``norm`` of one entity (see the module docstring for each label)."""
    if label == DATE:
        return normalize_date(text, pub_date, sentence=sentence, previous=previous)
    if label == JURISDICTION:
        return normalize_jurisdiction(text)
    if label == AGREEMENT:
        return normalize_agreement(text)
    if label == TITLE:
        return normalize_title(text)
    if label == OFFICIAL:
        return {"name": " ".join(text.split())}
    raise ValueError(f"no normaliser for label {label!r}")


def normalize_doc(doc: Doc) -> List[Any]:
    """Normalise every entity of ``doc`` (in order) and store the values for ``span._.norm``."""
    pub_date = doc.user_data.get("kcx_date")
    ents = list(doc.ents)
    sents = sentence_spans(doc) if ents else []
    ends = [s.end for s in sents]
    k, previous, values, texts = 0, None, [], {}
    for ent in ents:
        while k + 1 < len(ends) and ends[k] <= ent.start:
            k += 1
        if k not in texts:
            texts[k] = sents[k].text if sents else doc.text
        sentence = texts[k]
        try:
            value = normalize_entity(ent.label_, ent.text, pub_date, sentence=sentence, previous=previous)
        except ValueError as e:  # a bad publication date: name the document
            raise ValueError(f"document {doc.user_data.get('kcx_id')!r}: entity [{ent.start_char}:{ent.end_char}] "
                             f"{ent.text!r}: {e}") from None
        if ent.label_ == DATE and isinstance(value, str) and len(value) == 10:
            previous = norm_days(value)[0]
        values.append(value)
    doc.user_data[USER_DATA_KEY] = {"date": pub_date, "norms": {f"{e.start_char}:{e.end_char}": v
                                                                for e, v in zip(ents, values)}}
    return values


def get_norm(span: Span) -> Any:
    """Getter of ``span._.norm``: the stored value, computed for the whole document when the
    span has none yet or the publication date changed since."""
    doc = span.doc
    key = f"{span.start_char}:{span.end_char}"
    stored = doc.user_data.get(USER_DATA_KEY)
    if not stored or stored.get("date") != doc.user_data.get("kcx_date") or key not in stored.get("norms", {}):
        normalize_doc(doc)
        stored = doc.user_data[USER_DATA_KEY]
    if key in stored["norms"]:
        return stored["norms"][key]
    if span.label_:  # a span that is not one of doc.ents
        return normalize_entity(span.label_, span.text, doc.user_data.get("kcx_date"))
    return None


if not Span.has_extension("norm"):
    Span.set_extension("norm", getter=get_norm)


def normalize_record(record: Dict[str, Any]) -> Dict[str, Any]:
    """A copy of a guidelines record whose entities (same order) carry ``text`` and ``norm``."""
    from ..corpus.convert import reader, record_to_doc

    doc = record_to_doc(reader(), record, split_at_entities=True)
    by_span = {(e.start_char, e.end_char): v for e, v in zip(doc.ents, normalize_doc(doc))}
    out = dict(record)
    out["entities"] = [dict(e, text=record["text"][e["start"]:e["end"]], norm=by_span.get((e["start"], e["end"])))
                       for e in record.get("entities", [])]
    return out

