"""Agreement records as JSONL and as CSV rows (one row per agreement, readable columns)."""
from typing import Any, Dict, Iterable, Optional, TextIO

CSV_COLUMNS = ["agreement_id", "type", "date", "parties", "countries", "signatories", "confidence",
               "n_sources", "doc_ids", "evidence"]


def _place(p: Optional[Dict[str, Any]]) -> str:
    if not p:
        return ""
    detail = ", ".join(x for x in (p.get("country"), p.get("level")) if x)
    return f"{p['name']} ({detail})" if detail else p["name"]


def _date(value: Any) -> str:
    if isinstance(value, dict):
        return f"{value['start']}/{value['end']}"
    return value or ""


def csv_row(record: Dict[str, Any]) -> Dict[str, str]:
    """A flat row: ``Gwangju (KR, metropolitan_city) | Qingdao (CN, sub_provincial_city)``,
    ``Ko Gwang-wan (deputy mayor, Gwangju)``; works for document and merged records."""
    sources = record.get("sources") or [record]
    people = []
    for s in record["signatories"]:
        detail = ", ".join(x for x in (s.get("title"), (s.get("jurisdiction") or {}).get("name")) if x)
        people.append(f"{s['name']} ({detail})" if detail else s["name"])
    return {
        "agreement_id": record.get("agreement_id") or record.get("record_id") or "",
        "type": record["type"],
        "date": _date(record["date"]),
        "parties": " | ".join(_place(p) for p in record["parties"]),
        "countries": " | ".join(sorted({p["country"] for p in record["parties"] if p.get("country")})),
        "signatories": " | ".join(people),
        "confidence": f"{record['confidence']:.3f}",
        "n_sources": str(len(sources)),
        "doc_ids": " | ".join(str(s["doc_id"]) for s in sources),
        "evidence": " | ".join(s["evidence"] for s in sources),
    }


def write_table(records: Iterable[Dict[str, Any]], out: TextIO, fmt: str = "jsonl") -> int:
    """Write agreement records to ``out`` as ``jsonl`` or ``csv``; returns the count."""
    from ..output import write_rows

    return write_rows(records, out, fmt, CSV_COLUMNS, lambda record: [csv_row(record)])
