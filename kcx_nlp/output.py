"""Writing output rows: JSON Lines (UTF-8; lone surrogates escaped) or CSV (header, then one row each)."""
import csv
import json
from typing import Any, Callable, Dict, Iterable, List, TextIO


def json_line(record: Dict[str, Any]) -> str:
    """``record`` as one JSON line; text with lone surrogates (from JSON escapes), which UTF-8 cannot
    encode, is written with ASCII escapes instead."""
    line = json.dumps(record, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(record, ensure_ascii=True)
    return line + "\n"


def write_rows(records: Iterable[Dict[str, Any]], out: TextIO, fmt: str, columns: List[str],
               to_row: Callable[[Dict[str, Any]], Dict[str, str]]) -> int:
    """Write ``records`` to ``out`` as ``jsonl``, or as ``csv`` with ``columns`` and ``to_row(record)``
    for each row (missing columns are left empty); returns the count."""
    writer = None
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
    n = 0
    for record in records:
        if writer is not None:
            writer.writerow(to_row(record))
        else:
            out.write(json_line(record))
        n += 1
    return n
