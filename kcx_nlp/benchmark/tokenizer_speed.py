"""Tokenizer throughput on one CPU core: ``python -m kcx_nlp.benchmark.tokenizer_speed [FILES...]``.

Reads record JSONL or markup files (default: every annotated document in ``annotations/``,
seeds excluded), pins the process to one core, and reports tokens/s per language for

- a cold pass: a fresh tokenizer with an empty cache over the whole corpus, with the running
  throughput after 2k, 5k, 10k, ... tokens (it grows as words recur and hit the cache; a stream
  of only new words is bound by Kiwi's analysis, about 55-60 µs per word on a 2020s server core), and
- warm passes: the same texts again (every word already analysed by Kiwi once).

Writes ``benchmarks/results/tokenizer_speed.json``.
"""
import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
#: Points of the cold pass (tokens so far) at which the running throughput is recorded: from an
#: empty cache, throughput grows with the amount of text as words recur.
CURVE_TOKENS = (2_000, 5_000, 10_000, 20_000, 40_000, 80_000)


def load_texts(paths):
    from kcx_nlp.corpus import read_markup, read_records

    texts = {}
    for path in paths:
        records = read_markup(path) if path.suffix == ".md" else read_records(path, validate=False)
        for r in records:
            texts.setdefault(r.get("lang") or "unknown", []).append(r["text"])
    return texts


def default_paths():
    src = [p for p in sorted((ROOT / "annotations" / "src").glob("written_*.md"))]
    data = [p for sub in ("train", "dev") for p in sorted((ROOT / "annotations" / sub).glob("*.jsonl"))]
    return data or src


def run(nlp_factory, texts, warm_repeats):
    nlp = nlp_factory()
    nlp.tokenizer.kiwi.tokenize("준비")  # load and warm up the Kiwi model outside the timing
    t0 = time.perf_counter()
    n_tokens, curve, marks = 0, [], [m for m in CURVE_TOKENS]
    for t in texts:
        n_tokens += len(nlp.tokenizer(t))
        while marks and n_tokens >= marks[0]:
            curve.append({"tokens": n_tokens, "tokens_per_s": round(n_tokens / (time.perf_counter() - t0))})
            marks.pop(0)
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in range(warm_repeats):
        for t in texts:
            nlp.tokenizer(t)
    warm = time.perf_counter() - t0
    return {
        "documents": len(texts),
        "characters": sum(map(len, texts)),
        "tokens": n_tokens,
        "cold_tokens_per_s": round(n_tokens / cold),
        "cold_curve": curve,
        "warm_tokens_per_s": round(n_tokens * warm_repeats / warm),
    }


def main(argv=None):
    from ..cli import plain

    parser = argparse.ArgumentParser(prog="python -m kcx_nlp.benchmark.tokenizer_speed", description=plain(__doc__), formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path, help="text files to tokenize (default: the seed articles)")
    parser.add_argument("--warm-repeats", type=int, default=3, help="timed passes after the first (cold) one")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "tokenizer_speed.json", help="JSON file for the results")
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    import kcx_nlp

    texts = load_texts(args.files or default_paths())
    results = {
        "command": "python -m kcx_nlp.benchmark.tokenizer_speed " + " ".join(map(str, args.files)),
        "machine": {"cpu": platform.processor() or platform.machine(), "cores_used": 1,
                    "python": platform.python_version()},
        "by_lang": {lang: run(kcx_nlp.blank, ts, args.warm_repeats) for lang, ts in sorted(texts.items())},
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for lang, row in results["by_lang"].items():
        print(f"{lang:6} {row['documents']:>5} docs {row['tokens']:>8} tokens  "
              f"cold {row['cold_tokens_per_s']:>9,} tok/s  warm {row['warm_tokens_per_s']:>9,} tok/s  "
              "cold after " + ", ".join(f"{c['tokens']:,}: {c['tokens_per_s']:,}" for c in row["cold_curve"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
