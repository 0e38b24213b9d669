"""Memory while streaming: ``python -m kcx_nlp.benchmark.scaling [--sizes 1000 100000]``.

For each size N, writes a JSONL file of N short news documents (sentences of the dev split,
each with a distinct document number so the vocabulary keeps growing a little, as with real
news), runs ``python -m kcx_nlp extract IN -o OUT --quiet`` in a subprocess and records its
peak RSS (``VmHWM``, polled), wall time and output line count. Writes ``benchmarks/results/stream_rss.json``.
"""
import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def sentences():
    from kcx_nlp.corpus import read_records

    out = []
    for path in sorted((ROOT / "annotations" / "dev").glob("*.jsonl")):
        for r in read_records(path, validate=False):
            out.extend(line.strip() for line in r["text"].split("\n") if len(line.strip()) > 30)
    return out


def _vm_hwm_kb(pid: int) -> int:
    """Peak resident memory of a running process since its exec (Linux ``VmHWM``); 0 if unknown.

    ``ru_maxrss`` from ``wait4`` is not used: it counts the parent's memory copied at fork.
    """
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def measure(n: int, model: str, pool, tmp: Path) -> dict:
    src, out = tmp / f"in-{n}.jsonl", tmp / f"out-{n}.jsonl"
    with open(src, "w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps({"id": f"d{i}", "text": f"{pool[i % len(pool)]} (No. {i})"}, ensure_ascii=False) + "\n")
    cmd = [sys.executable, "-m", "kcx_nlp", "extract", str(src), "-o", str(out), "--quiet", "--gpu", "-1",
           "--model", model]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd)
    peak_kb = 0
    while proc.poll() is None:
        peak_kb = max(peak_kb, _vm_hwm_kb(proc.pid))
        time.sleep(0.2)
    status = proc.returncode
    seconds = time.perf_counter() - start
    lines = sum(1 for _ in open(out, encoding="utf-8")) if out.exists() else 0
    return {"documents": n, "exit_status": status, "output_lines": lines, "seconds": round(seconds, 1),
            "docs_per_s": round(n / seconds, 1), "peak_rss_mb": round(peak_kb / 1024, 1)}


def main(argv=None):
    from ..cli import plain

    parser = argparse.ArgumentParser(prog="python -m kcx_nlp.benchmark.scaling", description=plain(__doc__), formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000], help="numbers of documents to stream")
    parser.add_argument("--model", default=str(ROOT / "models" / "kcx_core"), help="trained pipeline folder")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "stream_rss.json", help="JSON file for the results")
    args = parser.parse_args(argv)
    pool = sentences()
    with tempfile.TemporaryDirectory() as tmp:
        rows = [measure(n, args.model, pool, Path(tmp)) for n in args.sizes]
    result = {"command": "python -m kcx_nlp.benchmark.scaling --sizes " + " ".join(map(str, args.sizes)), "runs": rows,
              "rss_growth_mb": round(rows[-1]["peak_rss_mb"] - rows[0]["peak_rss_mb"], 1)}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    for r in rows:
        print(f"{r['documents']:>8} docs: peak RSS {r['peak_rss_mb']:.0f} MB, {r['docs_per_s']} docs/s, "
              f"{r['output_lines']} output lines, exit {r['exit_status']}")
    print(f"RSS growth: {result['rss_growth_mb']} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
