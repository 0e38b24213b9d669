"""The annotated corpus as a Hugging Face ``datasets.DatasetDict`` (one ``Dataset`` per split).

:func:`load_corpus` reads ``annotations/<split>/*.jsonl`` (validated, see :func:`read_records`) into
columns with fixed features, so splits can be filtered, mapped, concatenated or pushed anywhere
``datasets`` goes; :func:`save_corpus` writes a ``DatasetDict`` back as record JSONL, and
:func:`to_records` turns a ``Dataset`` back into records. Round trips keep every record unchanged.
"""
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Union

from .records import Record, read_records, validate_record, write_records

SPLITS = ("train", "dev", "test")
META_FIELDS = ("outlet", "model", "event")


def features() -> Any:
    """The ``datasets.Features`` of a corpus split: one row per document."""
    from datasets import Features, Value

    return Features({
        "id": Value("string"), "lang": Value("string"), "date": Value("string"), "text": Value("string"),
        "entities": [{"start": Value("int32"), "end": Value("int32"), "label": Value("string")}],
        "relations": [{"head": Value("int32"), "tail": Value("int32"), "label": Value("string")}],
        "meta": {name: Value("string") for name in META_FIELDS},
        "file": Value("string"),
    })


def _row(record: Record, file: str) -> Dict[str, Any]:
    meta = record.get("meta") or {}
    unknown = set(meta) - set(META_FIELDS)
    if unknown:
        raise ValueError(f"{file}: document {record.get('id')!r}: meta keys {sorted(unknown)} have no column")
    return {
        "id": record["id"], "lang": record.get("lang"), "date": record.get("date"), "text": record["text"],
        "entities": [{"start": e["start"], "end": e["end"], "label": e["label"]} for e in record["entities"]],
        "relations": [{"head": r["head"], "tail": r["tail"], "label": r["label"]} for r in record["relations"]],
        "meta": {name: meta.get(name) for name in META_FIELDS},
        "file": file,
    }


def load_corpus(root: Union[str, Path] = "annotations", splits: Iterable[str] = SPLITS) -> Any:
    """A ``DatasetDict`` with one ``Dataset`` per split folder of ``root`` that holds JSONL files.

    Each row is a document: ``id``, ``lang``, ``date``, ``text``, ``entities``, ``relations``, ``meta``
    (``outlet``, ``model``, ``event``; ``None`` where absent) and ``file`` (the JSONL file's name).
    """
    from datasets import Dataset, DatasetDict

    parts = {}
    for split in splits:
        files = sorted((Path(root) / split).glob("*.jsonl"))
        if files:
            rows = [_row(r, path.name) for path in files for r in read_records(path)]
            parts[split] = Dataset.from_list(rows, features=features())
    if not parts:
        raise FileNotFoundError(f"{root}: no JSONL files in any of {list(splits)}")
    return DatasetDict(parts)


def to_records(dataset: Any) -> List[Record]:
    """The records of a corpus ``Dataset``, as :func:`kcx_nlp.corpus.read_records` gives them."""
    records = []
    for row in dataset:
        record: Record = {"id": row["id"], "lang": row["lang"], "date": row["date"], "text": row["text"],
                          "entities": row["entities"], "relations": row["relations"]}
        meta = {k: v for k, v in (row.get("meta") or {}).items() if v is not None}
        if meta:
            record["meta"] = meta
        records.append(record)
    return records


def save_corpus(corpus: Any, root: Union[str, Path], name: Optional[str] = None) -> Dict[str, int]:
    """Write each split of ``corpus`` to ``root/<split>/`` as record JSONL (validated first): one file
    per value of the ``file`` column, or one ``<name>.jsonl`` when ``name`` is given. Returns the
    number of documents written per split."""
    written = {}
    for split, dataset in corpus.items():
        by_file: Dict[str, List[Record]] = {}
        for row, record in zip(dataset, to_records(dataset)):
            validate_record(record, path=f"{split}/{row.get('file')}")
            by_file.setdefault(f"{name}.jsonl" if name else row.get("file") or f"{split}.jsonl", []).append(record)
        (Path(root) / split).mkdir(parents=True, exist_ok=True)
        written[split] = sum(write_records(records, Path(root) / split / file) for file, records in by_file.items())
    return written

