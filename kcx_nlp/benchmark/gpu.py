"""GPU against CPU: ``python -m kcx_nlp.benchmark.gpu --model models/kcx_core [--model OTHER ...]``.

For each pipeline, processes the seed articles (and the test split's texts, for speed) once on the CPU
and once on GPU 0, and reports the share of seed documents whose entity set is the same on both devices
and the words per second on each. Needs a CUDA GPU with cupy and a CUDA build of torch
(``benchmarks/gpu_check.sh`` installs them); writes ``benchmarks/results/gpu.json``.
"""
import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List

ROOT = Path(__file__).resolve().parent.parent.parent

_WORKER = r"""
import json, sys, time
import kcx_nlp
from kcx_nlp.corpus import read_records
model, gpu, seeds, test = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
nlp = kcx_nlp.load(model, gpu=int(gpu))
seed_records = list(read_records(seeds, validate=False))
texts = [r["text"] for r in read_records(test, validate=False)]
ents = [sorted((e.start_char, e.end_char, e.label_) for e in doc.ents) for doc in nlp.pipe(r["text"] for r in seed_records)]
list(nlp.pipe(texts[:8]))  # warm up
start = time.perf_counter()
words = sum(len(doc) for doc in nlp.pipe(texts, batch_size=64))
seconds = time.perf_counter() - start
print(json.dumps({"entities": ents, "words": words, "seconds": seconds}))
"""


def run(model: str, gpu: int, seeds: Path, test: Path) -> Dict[str, Any]:
    """One pipeline on one device, in a fresh process (so devices do not mix)."""
    done = subprocess.run([sys.executable, "-c", _WORKER, model, str(gpu), str(seeds), str(test)],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: List[str] = None) -> int:
    """Entry point of ``python -m kcx_nlp.benchmark.gpu``."""
    from ..cli import plain

    parser = argparse.ArgumentParser(prog="python -m kcx_nlp.benchmark.gpu", description=plain(__doc__),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", action="append", required=True, help="trained pipeline folder or package (repeatable)")
    parser.add_argument("--seeds", type=Path, default=ROOT / "annotations" / "gold" / "seeds.jsonl", help="gold seed articles")
    parser.add_argument("--test", type=Path, default=ROOT / "annotations" / "test" / "v2.jsonl",
                        help="texts timed for words per second")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "gpu.json", help="JSON file for the results")
    args = parser.parse_args(argv)
    import torch

    card = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    if card is None:
        print("error: no CUDA GPU visible to torch", file=sys.stderr)
        return 2
    results = {"command": "python -m kcx_nlp.benchmark.gpu", "date": time.strftime("%Y-%m-%d"), "gpu": card, "pipelines": []}
    for model in args.model:
        cpu, gpu = run(model, -1, args.seeds, args.test), run(model, 0, args.seeds, args.test)
        same = sum(a == b for a, b in zip(cpu["entities"], gpu["entities"]))
        row = {"model": model, "seed_documents": len(cpu["entities"]), "same_entities": same,
               "agreement": round(same / max(len(cpu["entities"]), 1), 3),
               "cpu_words_per_s": round(cpu["words"] / cpu["seconds"]), "gpu_words_per_s": round(gpu["words"] / gpu["seconds"])}
        results["pipelines"].append(row)
        print(json.dumps(row))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
