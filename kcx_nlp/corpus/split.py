"""Deterministic train/dev splits by document, made with Hugging Face ``datasets``."""
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
