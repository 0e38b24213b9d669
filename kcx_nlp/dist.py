"""Corpus-scale extraction on Dask: the same pipeline over input files as partitions.

    python -m kcx_nlp extract --engine dask --workers 4 corpus/part-*.jsonl -o records.jsonl
    python -m kcx_nlp extract --engine dask --scheduler tcp://10.0.0.5:8786 corpus/ -o records.jsonl

Every input file (a ``.jsonl`` part or a ``.txt`` article) is one partition, one ``dask.distributed``
task. A worker loads the pipeline once, streams the file through :func:`kcx_nlp.pipeline.pipe_records`
and returns its JSONL lines to the client through Dask; the client writes them in input order, so
the output is identical to a single-process run (every document is processed independently). Nothing
is written on a worker, so a task that a dead worker loses is simply run again elsewhere, and no
record is lost or written twice. Without ``scheduler`` a local cluster of ``workers`` processes is
started; with it, the run goes to that cluster, whose workers must be able to read the input paths
(a shared folder) and import ``kcx_nlp`` with its pipeline.
"""
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from .output import json_line

_NLP: Dict[Any, Any] = {}


def partition_lines(name: str, model: Optional[str], options: Dict[str, Any]) -> List[str]:
    """The JSONL output lines of one input file (runs on a worker; the pipeline is loaded once per process)."""
    from .inputs import read_inputs
    from .pipeline import load, pipe_records

    key = model or "default"
    if key not in _NLP:
        _NLP[key] = load(model, gpu=-1)
    docs = read_inputs([name], encoding=options["encoding"], errors=options["errors"],
                       skip_errors=options["skip_errors"])
    lines = []
    items = (((d.text if d.error is None else ""), d) for d in docs)
    for record, d in pipe_records(_NLP[key], items, batch_size=options["batch_size"], fallback_date=options["date"]):
        lines.append(json_line({"id": d.id, "error": d.error} if d.error is not None else record))
    return lines


def extract_with_dask(
    files: Sequence[Path], output: Path, model: Optional[str] = None, workers: int = 2,
    scheduler: Optional[str] = None, date: Optional[str] = None, encoding: str = "utf-8", errors: str = "strict",
    skip_errors: bool = False, batch_size: int = 32, retries: int = 2,
) -> int:
    """Run extraction over ``files`` on Dask and write JSONL records to ``output`` in input order.

    ``scheduler`` is the address of a running ``dask.distributed`` scheduler (``tcp://host:8786``);
    without it a local cluster of ``workers`` processes is started for the run. ``date`` is the
    fallback publication date (``--date``). A task whose worker dies is retried up to ``retries``
    times. The output is written to a temporary file beside ``output`` and renamed when complete.
    Returns the number of records written.
    """
    from distributed import Client, LocalCluster

    options = {"date": date, "encoding": encoding, "errors": errors, "skip_errors": skip_errors,
               "batch_size": batch_size}
    names = [str(Path(f).resolve()) for f in files]
    model = str(Path(model).resolve()) if model and Path(model).exists() else model
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(scheduler or cluster)
    output = Path(output)
    partial = output.with_name(f".{output.name}.partial")
    n = 0
    try:
        futures = client.map(partition_lines, names, model=model, options=options, pure=False, retries=retries)
        with open(partial, "w", encoding="utf-8") as out:
            for future in futures:  # in input order; each part is released once written
                lines = future.result()
                out.writelines(lines)
                n += len(lines)
                future.release()
        partial.replace(output)
    finally:
        if partial.exists():
            partial.unlink()
        client.close()
        if cluster is not None:
            cluster.close()
    return n
