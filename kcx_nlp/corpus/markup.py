"""An inline markup for writing annotated documents by hand, converted to records.

Offsets are easy to get wrong when typing; this format carries none. A file holds
one or more documents::

    ### id=ko-0001 lang=ko date=2024-07-30
    [[광주시|JUR|j1]]는 [[지난 21일|DATE|d1]] [[칭다오시|JUR|j2]]와 [[자매결연 협정|AGR|a1]]을 맺었다.
    @ j1 PARTY_TO a1; j2 PARTY_TO a1; a1 SIGNED_ON d1

- A header line ``### key=value ...`` starts a document (``id`` and ``lang`` required,
  ``date`` optional, ``source`` optional: a text file the plain text must equal). Any other
  key (``outlet``, ``model``, ``event``, ...) goes into the record's ``meta`` object.
- ``[[surface|LABEL]]`` or ``[[surface|LABEL|ref]]`` marks an entity. LABEL is a full
  label or one of the short forms OFF, TTL, JUR, DATE, AGR. ``ref`` names it for relations.
- Lines starting with ``@`` after the text hold relations ``HEAD_REF LABEL TAIL_REF``,
  several per line separated by ``;``.
- Lines starting with ``%%`` are comments. Blank lines before and after the text are dropped.
"""
import re
from pathlib import Path
from typing import Dict, List, Optional, Tuple, Union

from ..schema import LABELS, RELATIONS
from .records import CorpusError, Record

SHORT_LABELS = {"OFF": "OFFICIAL", "TTL": "TITLE", "JUR": "JURISDICTION", "DATE": "DATE", "AGR": "AGREEMENT"}
ENTITY_RE = re.compile(r"\[\[([^\[\]|]+?)\|([A-Za-z_]+)(?:\|([\w\-]+))?\]\]")
HEADER_RE = re.compile(r"^###\s+(.*)$")
#: Header keys that become record fields; any other key goes into ``meta``.
HEADER_FIELDS = ("id", "lang", "date", "source")


def _parse_header(line: str, where: str) -> Dict[str, Optional[str]]:
    attrs: Dict[str, Optional[str]] = {}
    for part in line.split():
        if "=" not in part:
            raise CorpusError([f"{where}: header item {part!r} is not key=value"])
        key, value = part.split("=", 1)
        attrs[key] = None if value in ("", "null", "None") else value
    for key in ("id", "lang"):
        if not attrs.get(key):
            raise CorpusError([f"{where}: header lacks {key}="])
    return attrs


def parse_document(
    lines: List[str], header: Dict[str, Optional[str]], where: str, source_root: Optional[Path] = None
) -> Record:
    """Turn the body lines of one marked-up document into a record."""
    doc_id = header["id"]
    text_lines: List[str] = []
    rel_specs: List[Tuple[str, str]] = []
    in_relations = False
    for offset, line in lines:
        if line.startswith("%%"):
            continue
        if line.startswith("@"):
            in_relations = True
            for spec in line[1:].split(";"):
                if spec.strip():
                    rel_specs.append((f"{where}:{offset}", spec.strip()))
        elif in_relations and line.strip():
            raise CorpusError([f"{where}:{offset}: document {doc_id!r}: text after the relation lines"])
        else:
            text_lines.append(line)
    while text_lines and not text_lines[0].strip():
        text_lines.pop(0)
    while text_lines and not text_lines[-1].strip():
        text_lines.pop()
    marked = "\n".join(text_lines)
    problems: List[str] = []
    plain: List[str] = []
    entities: List[Dict] = []
    refs: Dict[str, int] = {}
    pos = 0
    length = 0
    for m in ENTITY_RE.finditer(marked):
        chunk = marked[pos:m.start()]
        plain.append(chunk)
        length += len(chunk)
        surface, label, ref = m.group(1), m.group(2).upper(), m.group(3)
        label = SHORT_LABELS.get(label, label)
        if label not in LABELS:
            problems.append(f"unknown label {m.group(2)!r} on {surface!r}")
        if ref is not None:
            if ref in refs:
                problems.append(f"reference {ref!r} used twice")
            refs[ref] = len(entities)
        entities.append({"start": length, "end": length + len(surface), "label": label})
        plain.append(surface)
        length += len(surface)
        pos = m.end()
    plain.append(marked[pos:])
    text = "".join(plain)
    for leftover in ("[[", "]]"):
        if leftover in text:
            i = text.index(leftover)
            problems.append(f"malformed markup near {text[max(0, i - 20):i + 30]!r}")
    relations = []
    for rel_where, spec in rel_specs:
        parts = spec.split()
        if len(parts) != 3:
            problems.append(f"relation {spec!r} must be 'HEAD LABEL TAIL'")
            continue
        head, label, tail = parts
        if label not in RELATIONS:
            problems.append(f"relation {spec!r}: unknown label {label!r}")
            continue
        missing = [r for r in (head, tail) if r not in refs]
        if missing:
            problems.append(f"relation {spec!r}: unknown reference(s) {missing}")
            continue
        relations.append({"head": refs[head], "tail": refs[tail], "label": label})
    source = header.get("source")
    if source is not None:
        path = (source_root or Path(".")) / source
        try:
            original = path.read_text(encoding="utf-8")
        except OSError as e:
            problems.append(f"source {str(path)!r} cannot be read: {e.strerror}")
        else:
            if original.strip("\n") != text:
                i = next((k for k, (a, b) in enumerate(zip(original.strip("\n"), text)) if a != b),
                         min(len(original.strip("\n")), len(text)))
                problems.append(
                    f"text differs from source {source!r} at offset {i}: "
                    f"source has {original.strip(chr(10))[i:i + 30]!r}, markup has {text[i:i + 30]!r}"
                )
            else:
                text = original
    if problems:
        raise CorpusError([f"{where}: document {doc_id!r}: {p}" for p in problems])
    # Sort entities by offset and remap relation indexes.
    order = sorted(range(len(entities)), key=lambda i: (entities[i]["start"], entities[i]["end"]))
    new_index = {old: new for new, old in enumerate(order)}
    record: Record = {
        "id": doc_id,
        "lang": header.get("lang"),
        "date": header.get("date"),
        "text": text,
        "entities": [entities[i] for i in order],
        "relations": [
            {"head": new_index[r["head"]], "tail": new_index[r["tail"]], "label": r["label"]} for r in relations
        ],
    }
    meta = {k: v for k, v in header.items() if k not in HEADER_FIELDS}
    if meta:
        record["meta"] = meta
    return record


def read_markup(path: Union[str, Path], source_root: Optional[Union[str, Path]] = None) -> List[Record]:
    """Parse a markup file into records; raises :class:`CorpusError` listing all problems."""
    path = Path(path)
    root = Path(source_root) if source_root is not None else None
    records: List[Record] = []
    problems: List[str] = []
    header: Optional[Dict[str, Optional[str]]] = None
    header_line = 0
    body: List[Tuple[int, str]] = []

    def flush() -> None:
        if header is None:
            return
        try:
            records.append(parse_document(body, header, f"{path}:{header_line}", root))
        except CorpusError as e:
            problems.extend(e.problems)

    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, start=1):
            line = raw.rstrip("\n").rstrip("\r")
            m = HEADER_RE.match(line)
            if m:
                flush()
                try:
                    header = _parse_header(m.group(1), f"{path}:{n}")
                except CorpusError as e:
                    problems.extend(e.problems)
                    header = None
                header_line, body = n, []
            elif header is not None:
                body.append((n, line))
            elif line.strip() and not line.startswith("%%"):
                problems.append(f"{path}:{n}: text before the first '### id=... lang=...' header")
    flush()
    if problems:
        raise CorpusError(problems)
    return records


def to_markup(record: Record) -> str:
    """Render a record in the markup (the inverse of :func:`parse_document`)."""
    text = record["text"]
    ents = record["entities"]
    involved = {i for r in record.get("relations", []) for i in (r["head"], r["tail"])}
    short = {v: k for k, v in SHORT_LABELS.items()}
    out, pos = [], 0
    for i, ent in sorted(enumerate(ents), key=lambda x: x[1]["start"]):
        out.append(text[pos:ent["start"]])
        ref = f"|e{i}" if i in involved else ""
        out.append(f"[[{text[ent['start']:ent['end']]}|{short[ent['label']]}{ref}]]")
        pos = ent["end"]
    out.append(text[pos:])
    header = f"### id={record['id']} lang={record['lang']} date={record.get('date') or 'null'}"
    header += "".join(f" {k}={v if v is not None else 'null'}" for k, v in record.get("meta", {}).items())
    lines = [header, "".join(out)]
    rels = [f"e{r['head']} {r['label']} e{r['tail']}" for r in record.get("relations", [])]
    if rels:
        lines.append("@ " + "; ".join(rels))
    return "\n".join(lines) + "\n"
