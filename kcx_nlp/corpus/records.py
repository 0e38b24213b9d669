"""Reading, validating and writing records in the guidelines' JSONL format.

A record is a plain ``dict``::

    {"id": str, "lang": "en"|"ko"|"mixed", "date": "YYYY-MM-DD"|None, "text": str,
     "entities": [{"start": int, "end": int, "label": str}, ...],
     "relations": [{"head": int, "tail": int, "label": str}, ...]}

Every problem found is reported with the file, the line, the document id and the
offending span or relation, so that a user can fix a corpus of thousands of lines.
"""
import datetime
import json
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Union

from ..schema import LABELS, LANGS, RELATIONS

Record = Dict[str, Any]

#: Characters a span may not start or end with (quotes, brackets, separators).
EDGE_PUNCT = set("\"'“”‘’「」『』《》〈〉【】()[]{}<>,;:!?·")


class CorpusError(ValueError):
    """A record (or a line of a corpus file) breaks the guidelines' format.

    ``problems`` holds every message found; ``str(error)`` lists them, each
    prefixed with ``FILE:LINE: document 'ID':`` where those are known.
    """

    def __init__(self, problems: List[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def _where(path: Optional[Union[str, Path]], line: Optional[int], doc_id: Any) -> str:
    parts = []
    if path is not None:
        parts.append(f"{path}:{line}" if line is not None else str(path))
    if doc_id is not None:
        parts.append(f"document {doc_id!r}")
    return ": ".join(parts) + ": " if parts else ""


def _span_repr(text: str, ent: Dict[str, Any], i: int) -> str:
    start, end = ent.get("start"), ent.get("end")
    snippet = ""
    if isinstance(start, int) and isinstance(end, int) and isinstance(text, str):
        snippet = " " + repr(text[start:end])
    return f"entity {i} {ent.get('label')} [{start}:{end}]{snippet}"


def record_problems(record: Any, nlp: Any = None) -> List[str]:
    """Return every problem in one record, as messages without location prefix.

    If ``nlp`` (a ``spacy.Language``) is given, entity spans must also start and
    end on its tokenizer's token boundaries.
    """
    if not isinstance(record, dict):
        return [f"record must be a JSON object, got {type(record).__name__}"]
    problems: List[str] = []
    text = record.get("text")
    if not isinstance(text, str):
        return ["'text' is missing or not a string"]
    if not isinstance(record.get("id"), (str, int)):
        problems.append("'id' is missing or not a string")
    if record.get("lang") not in LANGS:
        problems.append(f"'lang' must be one of {list(LANGS)}, got {record.get('lang')!r}")
    date = record.get("date")
    if date is not None:
        try:
            datetime.date.fromisoformat(date)
        except (TypeError, ValueError):
            problems.append(f"'date' must be YYYY-MM-DD or null, got {date!r}")
    entities = record.get("entities", [])
    relations = record.get("relations", [])
    if not isinstance(entities, list):
        return problems + ["'entities' must be a list"]
    if not isinstance(relations, list):
        return problems + ["'relations' must be a list"]
    valid_spans = []
    for i, ent in enumerate(entities):
        if not isinstance(ent, dict):
            problems.append(f"entity {i} must be an object")
            continue
        start, end, label = ent.get("start"), ent.get("end"), ent.get("label")
        where = _span_repr(text, ent, i)
        if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool):
            problems.append(f"{where}: 'start' and 'end' must be integers")
            continue
        if not 0 <= start < end <= len(text):
            problems.append(f"{where}: out of bounds for text of length {len(text)}")
            continue
        if label not in LABELS:
            problems.append(f"{where}: unknown label {label!r} (expected one of {list(LABELS)})")
        surface = text[start:end]
        if surface[0].isspace() or surface[-1].isspace():
            problems.append(f"{where}: starts or ends with whitespace")
        elif surface[0] in EDGE_PUNCT or surface[-1] in EDGE_PUNCT:
            problems.append(f"{where}: starts or ends with punctuation")
        elif surface.endswith(("'s", "’s")) and len(surface) > 2:
            problems.append(f"{where}: includes the possessive 's")
        if "text" in ent and ent["text"] != surface:
            problems.append(f"{where}: 'text' is {ent['text']!r} but the offsets give {surface!r}")
        valid_spans.append((start, end, i))
    valid_spans.sort()
    for (s1, e1, i1), (s2, e2, i2) in zip(valid_spans, valid_spans[1:]):
        if s2 < e1:
            problems.append(
                f"{_span_repr(text, entities[i2], i2)} overlaps {_span_repr(text, entities[i1], i1)}"
            )
    if nlp is not None and valid_spans:
        doc = nlp.make_doc(text)
        for start, end, i in valid_spans:
            if doc.char_span(start, end) is None:
                problems.append(f"{_span_repr(text, entities[i], i)}: not aligned to token boundaries")
    seen = set()
    for j, rel in enumerate(relations):
        if not isinstance(rel, dict):
            problems.append(f"relation {j} must be an object")
            continue
        head, tail, label = rel.get("head"), rel.get("tail"), rel.get("label")
        where = f"relation {j} {label} ({head} -> {tail})"
        if label not in RELATIONS:
            problems.append(f"{where}: unknown relation label {label!r} (expected one of {list(RELATIONS)})")
            continue
        if not all(isinstance(x, int) and 0 <= x < len(entities) for x in (head, tail)):
            problems.append(f"{where}: head and tail must index 'entities' (0..{len(entities) - 1})")
            continue
        want_head, want_tail = RELATIONS[label]
        got_head, got_tail = entities[head].get("label"), entities[tail].get("label")
        if (got_head, got_tail) != (want_head, want_tail):
            problems.append(
                f"{where}: {label} links {want_head} -> {want_tail}, but links "
                f"{got_head} {text[entities[head]['start']:entities[head]['end']]!r} -> "
                f"{got_tail} {text[entities[tail]['start']:entities[tail]['end']]!r}"
            )
        if (head, tail, label) in seen:
            problems.append(f"{where}: duplicate relation")
        seen.add((head, tail, label))
    return problems


def validate_record(
    record: Any, nlp: Any = None, path: Optional[Union[str, Path]] = None, line: Optional[int] = None
) -> None:
    """Raise :class:`CorpusError` listing every problem of ``record``."""
    problems = record_problems(record, nlp=nlp)
    if problems:
        doc_id = record.get("id") if isinstance(record, dict) else None
        prefix = _where(path, line, doc_id)
        raise CorpusError([prefix + p for p in problems])


def iter_jsonl(path: Union[str, Path]) -> Iterator[Any]:
    """Yield ``(line_number, object)`` for every non-blank line of a JSONL file.

    Raises :class:`CorpusError` naming the file and line on invalid JSON.
    """
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, start=1):
            if not raw.strip():
                continue
            try:
                yield n, json.loads(raw)
            except json.JSONDecodeError as e:
                raise CorpusError([f"{path}:{n}: invalid JSON: {e.msg} (column {e.colno})"]) from None


def read_records(
    path: Union[str, Path], nlp: Any = None, validate: bool = True
) -> Iterator[Record]:
    """Yield the records of a JSONL file, validating each one (see :func:`record_problems`)."""
    for n, record in iter_jsonl(path):
        if validate:
            validate_record(record, nlp=nlp, path=path, line=n)
        yield record


def check_files(paths: Iterable[Union[str, Path]], nlp: Any = None) -> List[str]:
    """Validate whole files and return every problem (empty list if all is well)."""
    problems: List[str] = []
    for path in paths:
        ids: Dict[Any, int] = {}
        try:
            for n, record in iter_jsonl(path):
                doc_id = record.get("id") if isinstance(record, dict) else None
                for p in record_problems(record, nlp=nlp):
                    problems.append(_where(path, n, doc_id) + p)
                if doc_id is not None:
                    if doc_id in ids:
                        problems.append(_where(path, n, doc_id) + f"duplicate id (first on line {ids[doc_id]})")
                    ids.setdefault(doc_id, n)
        except CorpusError as e:
            problems.extend(e.problems)
        except OSError as e:
            problems.append(f"{path}: cannot read: {e.strerror}")
    return problems


def write_records(records: Iterable[Record], path: Union[str, Path]) -> int:
    """Write records as JSONL (UTF-8, one per line); return how many were written."""
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        for record in records:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    return n
