"""Records <-> spaCy ``Doc`` and ``DocBin``.

Entities go to ``doc.ents``, relations to ``doc._.relations``, and the record's ``id``,
``lang`` and ``date`` to ``doc.user_data`` (keys ``kcx_id``, ``kcx_lang``, ``kcx_date``).
"""
from functools import lru_cache
from typing import Any, Iterable, List, Optional

from spacy.language import Language
from spacy.tokens import Doc, DocBin

from ..extensions import Relation
from .records import CorpusError, Record

META_KEYS = ("id", "lang", "date")


@lru_cache(maxsize=1)
def reader() -> Language:
    """The tokenizer-only pipeline that turns records into ``Doc`` objects (built once per process)."""
    from .. import blank

    return blank()


def _split_at(doc: Doc, offsets: Iterable[int]) -> Doc:
    """``doc`` re-made with a token boundary at every character offset in ``offsets``."""
    cuts = sorted(set(offsets))
    words: List[str] = []
    spaces: List[bool] = []
    for token in doc:
        start, end = token.idx, token.idx + len(token.text)
        inner = [c - start for c in cuts if start < c < end]
        bounds = [0] + inner + [len(token.text)]
        for a, b in zip(bounds, bounds[1:]):
            words.append(token.text[a:b])
            spaces.append(False)
        spaces[-1] = bool(token.whitespace_)
    return Doc(doc.vocab, words=words, spaces=spaces)


def record_to_doc(nlp: Language, record: Record, split_at_entities: bool = False) -> Doc:
    """Tokenize ``record['text']`` and attach its entities, relations and metadata.

    Raises :class:`CorpusError` naming the document and span when an entity does not fall
    on token boundaries, unless ``split_at_entities`` is set: then tokens are cut where entities
    start and end (for records made by a pipeline whose tokenizer cut differently, such as
    ``extract`` output read back with the default tokenizer).
    """
    doc = nlp.make_doc(record["text"])
    ents = record.get("entities", [])
    if split_at_entities and any(doc.char_span(e["start"], e["end"]) is None for e in ents):
        doc = _split_at(doc, [x for e in ents for x in (e["start"], e["end"])])
    spans = []
    for i, ent in enumerate(ents):
        span = doc.char_span(ent["start"], ent["end"], label=ent["label"])
        if span is None:
            raise CorpusError([
                f"document {record.get('id')!r}: entity {i} {ent['label']} [{ent['start']}:{ent['end']}] "
                f"{record['text'][ent['start']:ent['end']]!r} is not aligned to token boundaries"
            ])
        spans.append(span)
    doc.ents = spans
    doc._.relations = [
        Relation(spans[r["head"]], spans[r["tail"]], r["label"], float(r.get("score", 1.0)))
        for r in record.get("relations", [])
    ]
    for key in META_KEYS:
        doc.user_data[f"kcx_{key}"] = record.get(key)
    return doc


def doc_to_record(doc: Doc, with_text: bool = False, with_scores: bool = False, with_norm: bool = False) -> Record:
    """Turn a ``Doc`` back into a record (entities sorted by offset).

    ``with_text`` adds each entity's ``text`` and each relation's ``head_text``, ``head_label``,
    ``tail_text`` and ``tail_label`` (readable without looking up indexes); ``with_scores`` adds
    relation ``score``;
    ``with_norm`` adds each entity's ``norm`` (:mod:`kcx_nlp.normalize`).
    """
    ents = sorted(doc.ents, key=lambda s: (s.start_char, s.end_char))
    index = {(e.start_char, e.end_char): i for i, e in enumerate(ents)}
    entities = []
    for e in ents:
        item = {"start": e.start_char, "end": e.end_char, "label": e.label_}
        if with_text:
            item["text"] = e.text
        if with_norm:
            item["norm"] = e._.norm
        entities.append(item)
    relations = []
    for rel in doc._.relations:
        head = index.get((rel.head.start_char, rel.head.end_char))
        tail = index.get((rel.tail.start_char, rel.tail.end_char))
        if head is None or tail is None:
            continue  # a relation whose endpoint is no longer an entity cannot be expressed
        item = {"head": head, "tail": tail, "label": rel.label}
        if with_text:
            item.update(head_text=ents[head].text, head_label=ents[head].label_,
                        tail_text=ents[tail].text, tail_label=ents[tail].label_)
        if with_scores:
            item["score"] = round(rel.score, 4)
        relations.append(item)
    record: Record = {key: doc.user_data.get(f"kcx_{key}") for key in META_KEYS}
    record["text"] = doc.text
    record["entities"] = entities
    record["relations"] = relations
    return record


def records_to_docbin(nlp: Language, records: Iterable[Record]) -> DocBin:
    """Convert records to a ``DocBin`` keeping relations and metadata (``store_user_data``)."""
    db = DocBin(store_user_data=True)
    for record in records:
        db.add(record_to_doc(nlp, record))
    return db


def docbin_to_docs(nlp: Language, data: DocBin) -> List[Doc]:
    """Read the documents of a ``DocBin`` (relations are restored from ``user_data``)."""
    return list(data.get_docs(nlp.vocab))
