"""Writing output rows: JSON Lines (UTF-8; lone surrogates escaped) or CSV (a header, then the rows
of each record), and the CSV layout of document records."""
import csv
import json
from typing import Any, Callable, Dict, Iterable, List, TextIO

#: CSV layout of document records (long format, one table for a whole run): per document, first a
#: ``document`` row (``index`` = its number of entities; ``error`` set when the document failed), then
#: one ``entity`` row per entity (``index`` into the document's entities, ``label``, ``start``, ``end``,
#: ``text``, ``norm`` as JSON, ``score``) and one ``relation`` row per relation (``index``, ``label``,
#: ``score``, and both ends: entity index, label and text).
DOCUMENT_COLUMNS = ["id", "lang", "date", "date_source", "row", "index", "label", "start", "end", "text", "norm",
                    "score", "head", "head_label", "head_text", "tail", "tail_label", "tail_text", "error"]


def json_line(record: Dict[str, Any]) -> str:
    """``record`` as one JSON line; text with lone surrogates (from JSON escapes), which UTF-8 cannot
    encode, is written with ASCII escapes instead."""
    line = json.dumps(record, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(record, ensure_ascii=True)
    return line + "\n"


def _cell(value: Any) -> Any:
    return "" if value is None else json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value


def document_rows(record: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The CSV rows of one document record (see :data:`DOCUMENT_COLUMNS`)."""
    doc = {"id": record.get("id"), "lang": record.get("lang"), "date": record.get("date"),
           "date_source": record.get("date_source")}
    if "error" in record:
        rows = [dict(doc, row="document", error=record["error"])]
    else:
        entities, relations = record["entities"], record["relations"]
        rows = [dict(doc, row="document", index=len(entities))]
        for i, e in enumerate(entities):
            rows.append(dict(doc, row="entity", index=i, label=e["label"], start=e["start"], end=e["end"],
                             text=e.get("text"), norm=e.get("norm"), score=e.get("score")))
        for i, r in enumerate(relations):
            head, tail = entities[r["head"]], entities[r["tail"]]
            rows.append(dict(doc, row="relation", index=i, label=r["label"], score=r.get("score"),
                             head=r["head"], head_label=head["label"], head_text=head.get("text"),
                             tail=r["tail"], tail_label=tail["label"], tail_text=tail.get("text")))
    return [{k: _cell(v) for k, v in row.items()} for row in rows]


def write_rows(records: Iterable[Dict[str, Any]], out: TextIO, fmt: str, columns: List[str],
               to_rows: Callable[[Dict[str, Any]], List[Dict[str, Any]]]) -> int:
    """Write ``records`` to ``out`` as ``jsonl``, or as ``csv`` with ``columns`` and the rows
    ``to_rows(record)`` of each record (missing columns are left empty); returns the record count."""
    writer = None
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
    n = 0
    for record in records:
        if writer is not None:
            writer.writerows(to_rows(record))
        else:
            out.write(json_line(record))
        n += 1
    return n
