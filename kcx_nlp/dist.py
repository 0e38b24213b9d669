"""Corpus-scale extraction on Dask: the same pipeline over input files as partitions.

    python -m kcx_nlp extract --engine dask --workers 4 corpus/part-*.jsonl -o records.jsonl

Every input file (a ``.jsonl`` part or a ``.txt`` article) is one partition. A worker loads the
pipeline once, streams its files through :func:`kcx_nlp.pipeline.pipe_records` into a part file,
and the parts are concatenated in input order, so the output is identical to a single-process run
(the tokenizer analyses each word on its own and every document is processed independently).
Dask's local ``processes`` scheduler is used by default; pass ``scheduler`` to use a cluster.
"""
import shutil
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from .output import json_line

_NLP: Dict[Any, Any] = {}


def _part_path(out_dir: str, index: int) -> Path:
    return Path(out_dir) / f"part-{index:06d}.jsonl"


def _process_partition(files: List[Any], out_dir: str, model: Optional[str], options: Dict[str, Any]) -> List[int]:
    from .inputs import read_inputs
    from .pipeline import load, pipe_records

    key = model or "default"
    if key not in _NLP:
        _NLP[key] = load(model, gpu=-1)
    nlp = _NLP[key]
    counts = []
    for index, name in files:
        part = _part_path(out_dir, index)
        n = 0
        docs = read_inputs([name], encoding=options["encoding"], errors=options["errors"],
                           skip_errors=options["skip_errors"])

        def items():
            for d in docs:
                yield (d.text if d.error is None else ""), d

        with open(part, "w", encoding="utf-8") as out:
            for record, d in pipe_records(nlp, items(), batch_size=options["batch_size"], fallback_date=options["date"]):
                if d.error is not None:
                    record = {"id": d.id, "error": d.error}
                out.write(json_line(record))
                n += 1
        counts.append(n)
    return counts


def extract_with_dask(
    files: Sequence[Path], output: Path, model: Optional[str] = None, workers: int = 2,
    scheduler: str = "processes", date: Optional[str] = None, encoding: str = "utf-8", errors: str = "strict",
    skip_errors: bool = False, batch_size: int = 32,
) -> int:
    """Run extraction over ``files`` on Dask and write JSONL records to ``output`` in input order.

    ``date`` is the fallback publication date (``--date``): documents without their own date and
    without one stated in their text get it, as in :func:`kcx_nlp.pipeline.pipe_records`.

    Returns the number of records written.
    """
    import dask
    import dask.bag as db

    options = {"date": date, "encoding": encoding, "errors": errors, "skip_errors": skip_errors,
               "batch_size": batch_size}
    names = [str(f) for f in files]
    with tempfile.TemporaryDirectory(prefix="kcx-dask-") as tmp:
        bag = db.from_sequence(list(enumerate(names)), npartitions=max(1, len(names)))
        counts = bag.map_partitions(_process_partition, tmp, model, options)
        with dask.config.set(scheduler=scheduler, num_workers=workers):
            counts.compute()
        output = Path(output)
        partial = output.with_name(f".{output.name}.partial")
        with open(partial, "w", encoding="utf-8") as out:
            for index in range(len(names)):
                with open(_part_path(tmp, index), encoding="utf-8") as f:
                    shutil.copyfileobj(f, out)
        n = sum(1 for _ in open(partial, encoding="utf-8"))
        partial.replace(output)
    return n
