"""Agreement records: who signed what with whom, and when.

:func:`records` turns one processed ``Doc`` into agreement records; :func:`records_from_record`
does the same for a document record of ``python -m kcx_nlp extract``; :func:`merge_records` joins
the records of one agreement across documents; :mod:`.table` writes JSONL and CSV;
:class:`~.store.AgreementStore` keeps documents and merged agreements in a database (SQLAlchemy).
"""
from typing import Any, Dict, List

from .build import AgreementRecord, records
from .merge import merge_records
from .table import CSV_COLUMNS, csv_row, write_table

__all__ = ["AgreementRecord", "AgreementStore", "CSV_COLUMNS", "csv_row", "merge_records", "records", "records_from_record",
           "write_table"]


def __getattr__(name: str) -> Any:
    """``AgreementStore`` is imported on first use (SQLAlchemy loads only then)."""
    if name == "AgreementStore":
        from .store import AgreementStore

        return AgreementStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def records_from_record(record: Dict[str, Any]) -> List[AgreementRecord]:
    """Agreement records of a document record (guidelines JSONL: text, entities, relations)."""
    from ..corpus.convert import reader, record_to_doc

    return records(record_to_doc(reader(), record, split_at_entities=True))
