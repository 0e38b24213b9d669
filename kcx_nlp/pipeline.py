"""Loading the trained pipeline and extracting one record from a text."""
import re
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Tuple, Union

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from .corpus.convert import doc_to_record

PACKAGE_NAME = "xx_kcx_core"
BUNDLED_MODEL = Path(__file__).resolve().parent.parent / "models" / "kcx_core"
HANGUL_RE = re.compile(r"[\uac00-\ud7a3]")
LATIN_RE = re.compile(r"[A-Za-z]")

_LOADED: Dict[str, Language] = {}


def detect_lang(text: str) -> str:
    """``ko`` when Hangul letters dominate, ``en`` when they are under 10 %, else ``mixed``."""
    hangul = len(HANGUL_RE.findall(text))
    latin = len(LATIN_RE.findall(text))
    share = hangul / (hangul + latin) if hangul + latin else 0.0
    if share < 0.1:
        return "en"
    return "ko" if share >= 0.8 else "mixed"


def load(name_or_path: Optional[Union[str, Path]] = None, gpu: Union[str, int] = "auto") -> Language:
    """The kcx pipeline: ``name_or_path`` if given, else the installed ``xx_kcx_core`` package,
    else the pipeline bundled under ``models/kcx_core`` in a source checkout.

    ``gpu``: ``"auto"`` uses a GPU when one is usable (else the CPU), ``-1`` forces the CPU.
    """
    from .training.device import use_device

    use_device(gpu)
    if name_or_path is not None:
        return spacy.load(name_or_path)
    try:
        return spacy.load(PACKAGE_NAME)
    except OSError:
        pass
    if BUNDLED_MODEL.is_dir():
        return spacy.load(BUNDLED_MODEL)
    raise OSError(
        f"no kcx pipeline found: install the {PACKAGE_NAME} package (see README) "
        f"or train one with `python -m kcx_nlp.train --output {BUNDLED_MODEL}`"
    )


def _default_nlp() -> Language:
    if "default" not in _LOADED:
        _LOADED["default"] = load()
    return _LOADED["default"]


def doc_record(doc: Doc, doc_id: Any = None, date: Optional[str] = None, lang: Optional[str] = None) -> Dict[str, Any]:
    """The guidelines' JSONL record of a processed ``Doc``; entities carry ``text`` and ``norm``."""
    doc.user_data["kcx_id"] = doc_id
    doc.user_data["kcx_date"] = date
    doc.user_data["kcx_lang"] = lang or detect_lang(doc.text)
    return doc_to_record(doc, with_text=True, with_scores=True, with_norm=True)


#: Texts longer than this are processed in line- or sentence-aligned chunks.
CHUNK_CHARS = 20_000
#: At most this many characters go through the pipeline at once (and at least one chunk), so memory
#: is bounded by the chunk size, not by the batch size times the chunk size.
BATCH_CHARS = 20_000


def split_chunks(text: str, limit: int = CHUNK_CHARS) -> List[Tuple[int, str]]:
    """Cut ``text`` into ``(offset, chunk)`` pieces of at most ``limit`` characters, preferably at
    a line break, else after a sentence end, else at whitespace; concatenated they give ``text``."""
    chunks: List[Tuple[int, str]] = []
    start = 0
    while len(text) - start > limit:
        window = text[start:start + limit]
        cut = window.rfind("\n") + 1
        if cut <= limit // 2:
            ends = [m.end() for m in re.finditer(r"[.!?。](?=\s)", window)]
            cut = ends[-1] + 1 if ends and ends[-1] > limit // 2 else 0
        if cut <= limit // 2:
            cut = max(window.rfind(" "), window.rfind("\t")) + 1
        if cut <= 0:
            cut = limit
        chunks.append((start, text[start:start + cut]))
        start += cut
    chunks.append((start, text[start:]))
    return chunks


def _merge(parts: List[Tuple[int, Dict[str, Any]]], text: str) -> Dict[str, Any]:
    """One record from the records of a text's chunks (offsets shifted back)."""
    entities: List[Dict[str, Any]] = []
    relations: List[Dict[str, Any]] = []
    for offset, rec in parts:
        base = len(entities)
        for e in rec["entities"]:
            entities.append(dict(e, start=e["start"] + offset, end=e["end"] + offset))
        for r in rec["relations"]:
            relations.append(dict(r, head=r["head"] + base, tail=r["tail"] + base))
    merged = dict(parts[0][1])
    merged.update(text=text, entities=entities, relations=relations)
    return merged


def pipe_records(
    nlp: Language, items: Iterable[Tuple[str, Any]], batch_size: int = 32, chunk_chars: Optional[int] = None,
    on_doc: Optional[Any] = None, fallback_date: Optional[str] = None,
) -> Iterator[Tuple[Dict[str, Any], Any]]:
    """Stream ``(record, context)`` for ``(text, context)`` items, in input order.

    ``context`` must have ``id``, ``date`` and ``lang`` attributes (any of them ``None``). Texts
    longer than ``chunk_chars`` are processed in chunks (see :func:`split_chunks`) and their
    records merged, so nothing is truncated and ``nlp.max_length`` is never raised. Documents go
    through the pipeline in batches of at most ``batch_size`` documents and :data:`BATCH_CHARS`
    characters, so memory stays bounded however long the texts are.
    ``on_doc(doc, context)`` is called for every processed (chunk) ``Doc``.

    The publication date (it anchors relative dates) is the context's ``date``, else the one the
    text states (:func:`kcx_nlp.normalize.find_publication_date`, on the whole text before
    chunking), else ``fallback_date``; the record's ``date_source`` says which: ``"input"``,
    ``"text"`` or ``None`` (no date).
    """
    from .normalize.pubdate import find_publication_date

    chunk_chars = chunk_chars or CHUNK_CHARS

    def expanded():
        for text, ctx in items:
            if not isinstance(text, str):
                raise TypeError(f"document {getattr(ctx, 'id', None)!r}: expected str, got {type(text).__name__}")
            date, source = ctx.date, "input" if ctx.date else None
            if date is None:
                found = find_publication_date(text, ctx.lang)
                date, source = (found.date, "text") if found else (fallback_date, "input" if fallback_date else None)
            chunks = split_chunks(text, chunk_chars) if len(text) > chunk_chars else [(0, text)]
            for k, (offset, chunk) in enumerate(chunks):
                doc = nlp.make_doc(chunk)  # metadata first, so the normaliser sees the publication date
                doc.user_data.update(kcx_id=ctx.id, kcx_date=date, kcx_lang=ctx.lang)
                yield doc, (ctx, text, offset, k == len(chunks) - 1, date, source)

    def processed():  # batches of at most batch_size documents and BATCH_CHARS characters (one chunk at least)
        batch: List[Tuple[Doc, Any]] = []
        chars = 0
        for item in expanded():
            if batch and (len(batch) >= batch_size or chars + len(item[0].text) > BATCH_CHARS):
                yield from nlp.pipe(batch, as_tuples=True, batch_size=len(batch))
                batch, chars = [], 0
            batch.append(item)
            chars += len(item[0].text)
        if batch:
            yield from nlp.pipe(batch, as_tuples=True, batch_size=len(batch))

    parts: List[Tuple[int, Dict[str, Any]]] = []
    for doc, (ctx, text, offset, last, date, source) in processed():
        if on_doc is not None:
            on_doc(doc, ctx)
        parts.append((offset, doc_record(doc, ctx.id, date, ctx.lang)))
        if last:
            record = parts[0][1] if len(parts) == 1 else _merge(parts, text)
            record["lang"] = ctx.lang or detect_lang(text)
            record["date_source"] = source
            if record["text"] != text:  # lone surrogates were replaced for spaCy: report the input text
                record["text"] = text
                for ent in record["entities"]:
                    ent["text"] = text[ent["start"]:ent["end"]]
                for rel in record["relations"]:
                    rel.update(head_text=record["entities"][rel["head"]]["text"],
                               tail_text=record["entities"][rel["tail"]]["text"])
            parts = []
            yield record, ctx


class _Context:
    def __init__(self, id: Any = None, date: Optional[str] = None, lang: Optional[str] = None):
        self.id, self.date, self.lang = id, date, lang


def extract(text: str, date: Optional[str] = None, lang: Optional[str] = None, nlp: Optional[Language] = None) -> Dict[str, Any]:
    """Extract one record (guidelines' JSONL format) from ``text`` with the default pipeline.

    ``date`` is the publication date (``YYYY-MM-DD``; when omitted, the one the text states, if
    any: the record's ``date_source`` is ``"input"``, ``"text"`` or ``None``) and ``lang`` the
    language (``en``, ``ko``, ``mixed``; detected when omitted). Any ``str`` is accepted: empty text gives no entities, and
    very long text is processed in chunks with offsets into the whole text.
    """
    if not isinstance(text, str):
        raise TypeError(f"extract() expects str, got {type(text).__name__}")
    nlp = nlp or _default_nlp()
    ((record, _),) = pipe_records(nlp, [(text, _Context(None, date, lang))])
    return record
