"""Deterministic splits by document: train/dev with Hugging Face ``datasets``, train/dev/test by stable group hash."""
import hashlib
from typing import List, Sequence, Tuple

from .records import Record


def train_dev_split(records: Sequence[Record], dev_size: float = 0.2, seed: int = 0) -> Tuple[List[Record], List[Record]]:
    """Split records (one per document) into train and dev, the same way for the same seed.

    Stratified by ``lang`` so both parts keep the corpus' language mix.
    """
    from datasets import ClassLabel, Dataset

    if not records:
        return [], []
    if not 0.0 < dev_size < 1.0:
        raise ValueError(f"dev_size must be between 0 and 1, got {dev_size}")
    langs = sorted({r.get("lang") or "unknown" for r in records})
    rows = {"index": list(range(len(records))), "lang": [r.get("lang") or "unknown" for r in records]}
    ds = Dataset.from_dict(rows).cast_column("lang", ClassLabel(names=langs))
    stratify = "lang" if len(langs) > 1 and min(rows["lang"].count(l) for l in langs) >= 2 else None
    parts = ds.train_test_split(test_size=dev_size, seed=seed, stratify_by_column=stratify)
    train = [records[i] for i in sorted(parts["train"]["index"])]
    dev = [records[i] for i in sorted(parts["test"]["index"])]
    return train, dev


def group_of(record: Record) -> str:
    """The split group of a record: its ``meta.event`` (documents on one event stay together), else its id."""
    return str((record.get("meta") or {}).get("event") or record["id"])


def stable_fraction(key: str, seed: int = 0) -> float:
    """A number in [0, 1) fixed by ``key`` and ``seed`` alone (SHA-256), so a group never changes split
    when other documents are added or removed."""
    digest = hashlib.sha256(f"{seed}:{key}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def train_dev_test_split(
    records: Sequence[Record], dev_size: float = 0.15, test_size: float = 0.36, seed: int = 0
) -> Tuple[List[Record], List[Record], List[Record]]:
    """Split records into train, dev and test by group (:func:`group_of`), in input order.

    Each group goes to test when its :func:`stable_fraction` is below ``test_size``, to dev when it is
    below ``test_size + dev_size``, else to train. The assignment of a group depends on its key and
    the seed only, so the test split stays frozen as the corpus grows.
    """
    if not (0.0 < test_size < 1.0 and 0.0 <= dev_size < 1.0 and test_size + dev_size < 1.0):
        raise ValueError(f"need 0 < test_size, 0 <= dev_size, test_size + dev_size < 1; got {test_size}, {dev_size}")
    parts: Tuple[List[Record], List[Record], List[Record]] = ([], [], [])
    for record in records:
        x = stable_fraction(group_of(record), seed)
        parts[2 if x < test_size else 1 if x < test_size + dev_size else 0].append(record)
    return parts
