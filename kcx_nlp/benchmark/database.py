"""``python -m kcx_nlp.benchmark.database [--documents 10000] [--twice 1000]``: the agreements database.

Generates a JSONL file of short news documents as ``kcx_nlp.benchmark.scaling`` does (sentences of
the dev split, each with a distinct document number), each with a publication date (a day of 2024,
in turn) so that relative dates resolve and the merge rules' date window is used. Then:

- twice: ``python -m kcx_nlp extract FIRST --db T.sqlite`` on the first ``--twice`` documents, two
  times; the row counts of every table after each run (they must be equal: a document id already
  stored is skipped) and what the second run reported;
- throughput: ``python -m kcx_nlp extract ALL -o OUT.jsonl`` against ``python -m kcx_nlp extract ALL
  --db DB.sqlite`` (SQLite, no other output), both in a subprocess with ``--gpu -1``, wall time
  including the pipeline's load, ``--repeats`` times each in alternating order (the fastest run
  counts); the ratio of their speeds (target: the database run at 90 % or more of the JSONL run's speed).

Writes ``benchmarks/results/database.json`` and ``benchmarks/DATABASE.md``.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Dict, List

from .scaling import ROOT, sentences

TARGET = 0.9


def write_documents(path: Path, n: int, pool: List[str]) -> Path:
    """``n`` documents in the scaling benchmark's form, plus a publication date each."""
    start = date(2024, 1, 1)
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            day = (start + timedelta(days=i % 366)).isoformat()
            f.write(json.dumps({"id": f"d{i}", "date": day, "text": f"{pool[i % len(pool)]} (No. {i})"},
                               ensure_ascii=False) + "\n")
    return path


def run_extract(args: List[str], model: str, tmp: Path) -> Dict[str, Any]:
    """Run ``python -m kcx_nlp extract ARGS`` in a subprocess; wall time, exit status and stderr."""
    cmd = [sys.executable, "-m", "kcx_nlp", "extract", *args, "--quiet", "--gpu", "-1", "--model", model]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited with {proc.returncode}: {proc.stderr.strip()[-2000:]}")
    stderr = proc.stderr.strip().replace(str(tmp), "$TMP")
    return {"seconds": round(seconds, 2), "stdout_bytes": len(proc.stdout), "stderr": stderr}


def counts(db: Path) -> Dict[str, int]:
    """Rows per table of the database at ``db``."""
    from ..agreements.store import AgreementStore

    with AgreementStore(db) as store:
        return store.counts()


def measure(n: int, twice: int, model: str, tmp: Path, repeats: int = 3) -> Dict[str, Any]:
    """Both measurements on ``n`` generated documents (the first ``twice`` of them ingested twice;
    each throughput run ``repeats`` times, the fastest counts)."""
    pool = sentences()
    src = write_documents(tmp / "docs.jsonl", n, pool)
    first = write_documents(tmp / "first.jsonl", min(twice, n), pool)
    db_twice = tmp / "twice.sqlite"
    runs = [run_extract([str(first), "--db", str(db_twice)], model, tmp)]
    after_first = counts(db_twice)
    runs.append(run_extract([str(first), "--db", str(db_twice)], model, tmp))
    after_second = counts(db_twice)
    twice_result = {"documents": min(twice, n), "counts_after_first": after_first, "counts_after_second": after_second,
                    "equal": after_first == after_second, "first_run": runs[0], "second_run": runs[1]}

    timed: Dict[str, List[Dict[str, Any]]] = {"jsonl": [], "db": []}
    for k in range(repeats):  # alternating (JSONL, DB, DB, JSONL, ...) so that a change of load hits both
        for kind in (("jsonl", "db") if k % 2 == 0 else ("db", "jsonl")):
            out, db = tmp / f"out-{k}.jsonl", tmp / f"all-{k}.sqlite"
            if kind == "jsonl":
                run = run_extract([str(src), "-o", str(out)], model, tmp)
                run["output_lines"] = sum(1 for _ in open(out, encoding="utf-8"))
            else:
                run = run_extract([str(src), "--db", str(db)], model, tmp)
                run["counts"] = counts(db)
            timed[kind].append(run)
    jsonl, stored = (dict(min(timed[kind], key=lambda r: r["seconds"]), all_seconds=[r["seconds"] for r in timed[kind]])
                     for kind in ("jsonl", "db"))
    for r in (jsonl, stored):
        r["docs_per_s"] = round(n / r["seconds"], 1)
    ratio = round(stored["docs_per_s"] / jsonl["docs_per_s"], 3)
    return {"twice": twice_result,
            "throughput": {"documents": n, "repeats": repeats, "jsonl": jsonl, "db": stored, "ratio": ratio, "target": TARGET,
                           "met": ratio >= TARGET}}


def markdown(result: Dict[str, Any]) -> str:
    """``DATABASE.md``: the figures of ``result``."""
    tw, th = result["twice"], result["throughput"]
    tables = list(tw["counts_after_first"])
    lines = [
        "# Agreements database",
        "",
        f"`{result['command']}` (OMP_NUM_THREADS={result['omp_num_threads']}, {result['cpu_count']} CPU cores "
        f"seen; {result['date']}). Documents are generated as in `kcx_nlp.benchmark.scaling` (one dev-split "
        "sentence each, a distinct number, a 2024 publication date). Each figure is a run of "
        "`python -m kcx_nlp extract --gpu -1` in a subprocess, wall time including the pipeline's load; "
        f"the throughput runs were made {th['repeats']} time(s) each, alternating, and the fastest counts "
        f"(all: JSONL {th['jsonl']['all_seconds']} s, database {th['db']['all_seconds']} s).",
        "",
        f"## The same {tw['documents']:,} documents ingested twice",
        "",
        "| table | rows after the first run | rows after the second run |",
        "|---|---|---|",
    ]
    lines += [f"| {t} | {tw['counts_after_first'][t]:,} | {tw['counts_after_second'][t]:,} |" for t in tables]
    lines += [
        "",
        f"Equal: **{'yes' if tw['equal'] else 'NO'}**. The second run reported: `{tw['second_run']['stderr']}`",
        "",
        f"## Throughput on {th['documents']:,} documents",
        "",
        "| run | seconds | documents/s |",
        "|---|---|---|",
        f"| `extract` to JSONL (`-o out.jsonl`) | {th['jsonl']['seconds']} | {th['jsonl']['docs_per_s']} |",
        f"| `extract --db all.sqlite` (no other output) | {th['db']['seconds']} | {th['db']['docs_per_s']} |",
        "",
        f"The database run goes at **{th['ratio']:.0%}** of the JSONL run's speed (target: {th['target']:.0%} "
        f"or more: {'met' if th['met'] else 'NOT met'}). It stored {th['db']['counts']['documents']:,} documents, "
        f"{th['db']['counts']['entities']:,} entities, {th['db']['counts']['relations']:,} relations and "
        f"{th['db']['counts']['agreement_records']:,} agreement records merged into "
        f"{th['db']['counts']['agreements']:,} agreements.",
        "",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    from ..cli import plain

    parser = argparse.ArgumentParser(prog="python -m kcx_nlp.benchmark.database", description=plain(__doc__),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=10_000,
                        help="number of generated documents for the throughput comparison")
    parser.add_argument("--twice", type=int, default=1_000,
                        help="number of those documents ingested twice for the row counts")
    parser.add_argument("--repeats", type=int, default=3,
                        help="runs of each throughput measurement, in alternating order; the fastest counts")
    parser.add_argument("--model", default=str(ROOT / "models" / "kcx_core"), help="trained pipeline folder")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "database.json",
                        help="JSON file for the results")
    parser.add_argument("--markdown", type=Path, default=ROOT / "benchmarks" / "DATABASE.md",
                        help="Markdown file for the results")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        measured = measure(args.documents, args.twice, args.model, Path(tmp), max(1, args.repeats))
    result = {"command": f"python -m kcx_nlp.benchmark.database --documents {args.documents} --twice {args.twice} "
                         f"--repeats {max(1, args.repeats)}",
              "date": date.today().isoformat(), "omp_num_threads": os.environ.get("OMP_NUM_THREADS", "unset"),
              "cpu_count": os.cpu_count(), **measured}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    args.markdown.parent.mkdir(parents=True, exist_ok=True)
    args.markdown.write_text(markdown(result), encoding="utf-8")
    tw, th = result["twice"], result["throughput"]
    print(f"twice ({tw['documents']} documents): row counts equal: {tw['equal']}")
    print(f"throughput ({th['documents']} documents): JSONL {th['jsonl']['docs_per_s']} docs/s, "
          f"--db {th['db']['docs_per_s']} docs/s, ratio {th['ratio']:.3f} (target {th['target']})")
    return 0 if tw["equal"] else 1


if __name__ == "__main__":
    sys.exit(main())
