"""Import and export doccano's relation-extraction JSONL.

doccano (an open-source annotation tool) writes one object per line::

    {"id": 1, "text": "...", "entities": [{"id": 7, "label": "OFFICIAL", "start_offset": 0,
     "end_offset": 10}], "relations": [{"id": 3, "from_id": 7, "to_id": 8, "type": "HAS_TITLE"}]}

kcx's ``id``, ``lang`` and ``date`` travel as extra top-level keys (``kcx_id`` etc.), which
doccano keeps as metadata.
"""
from typing import Any, Dict, Optional

from .records import CorpusError, Record


def record_to_doccano(record: Record) -> Dict[str, Any]:
    """One kcx record as a doccano line."""
    return {
        "text": record["text"],
        "kcx_id": record["id"],
        "kcx_lang": record.get("lang"),
        "kcx_date": record.get("date"),
        "entities": [
            {"id": i, "label": e["label"], "start_offset": e["start"], "end_offset": e["end"]}
            for i, e in enumerate(record["entities"])
        ],
        "relations": [
            {"id": j, "from_id": r["head"], "to_id": r["tail"], "type": r["label"]}
            for j, r in enumerate(record.get("relations", []))
        ],
    }


def doccano_to_record(
    item: Dict[str, Any], default_id: Optional[str] = None, lang: Optional[str] = None,
    date: Optional[str] = None,
) -> Record:
    """A doccano line as a kcx record; ``lang``/``date`` fill in what the line lacks."""
    ents = sorted(item.get("entities", []), key=lambda e: (e["start_offset"], e["end_offset"]))
    index = {e["id"]: i for i, e in enumerate(ents)}
    relations = []
    for rel in item.get("relations", []):
        if rel["from_id"] not in index or rel["to_id"] not in index:
            raise CorpusError([f"document {item.get('kcx_id', default_id)!r}: relation {rel.get('id')} "
                               f"refers to a missing entity"])
        relations.append({"head": index[rel["from_id"]], "tail": index[rel["to_id"]], "label": rel["type"]})
    return {
        "id": item.get("kcx_id", default_id if default_id is not None else item.get("id")),
        "lang": item.get("kcx_lang") or lang,
        "date": item.get("kcx_date") or date,
        "text": item["text"],
        "entities": [{"start": e["start_offset"], "end": e["end_offset"], "label": e["label"]} for e in ents],
        "relations": relations,
    }
