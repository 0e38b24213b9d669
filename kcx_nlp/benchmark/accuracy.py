"""NER figures of a trained pipeline: ``python -m kcx_nlp.benchmark.accuracy [--model models/kcx_core]``.

- strict entity P/R/F (span-level, cross-checked with seqeval over the project's tokens) per label
  and per language, on the seed articles (real news, never trained on) and on the dev split;
- CPU throughput of ``nlp.pipe`` on news text (seeds + dev), in words (whitespace-separated) and
  tokens per second, one process, batch size 32;
- strict relation P/R/F per type and language, with gold entities given and end to end;
- the CPU time the relation extractor adds to the pipeline;
- pipeline load time and peak RSS, measured in a fresh subprocess.

Writes ``benchmarks/results/ner.json`` and prints a summary.
"""
import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

PROBE = r"""
import json, resource, sys, time
t0 = time.perf_counter()
import spacy, kcx_nlp
t1 = time.perf_counter()
nlp = spacy.load(sys.argv[1])
t2 = time.perf_counter()
nlp("서울시장 오세훈은 Seoul Mayor Oh met Gov. Woo.")
t3 = time.perf_counter()
texts = json.load(open(sys.argv[2], encoding="utf-8"))
for _ in nlp.pipe(texts, batch_size=32):
    pass
print(json.dumps({"import_s": t1 - t0, "load_s": t2 - t1, "first_doc_s": t3 - t2,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def throughput(nlp, texts, repeats=2):
    """Words/s and tokens/s of ``nlp.pipe`` after one warm-up pass."""
    list(nlp.pipe(texts[:8]))
    n_words = sum(len(t.split()) for t in texts) * repeats
    n_tokens = 0
    start = time.perf_counter()
    for _ in range(repeats):
        for doc in nlp.pipe(texts, batch_size=32):
            n_tokens += len(doc)
    seconds = time.perf_counter() - start
    return {"words": n_words, "tokens": n_tokens, "seconds": round(seconds, 2),
            "words_per_s": round(n_words / seconds), "tokens_per_s": round(n_tokens / seconds)}


def relation_overhead(nlp, texts, repeats=2):
    """CPU time of the full pipeline vs. the same pipeline without the relation extractor."""
    if "relation_extractor" not in nlp.pipe_names:
        return None
    full = throughput(nlp, texts, repeats)["seconds"]
    with nlp.select_pipes(disable=["relation_extractor"]):
        without = throughput(nlp, texts, repeats)["seconds"]
    return {"seconds_with": full, "seconds_without": without, "added_fraction": round(full / without - 1, 3)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "kcx_core")
    parser.add_argument("--seeds", type=Path, default=ROOT / "annotations" / "gold" / "seeds.jsonl")
    parser.add_argument("--dev", type=Path, nargs="*", default=sorted((ROOT / "annotations" / "dev").glob("*.jsonl")))
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "ner.json")
    args = parser.parse_args(argv)

    import spacy

    from kcx_nlp.corpus import read_records
    from kcx_nlp.train import evaluate_pipeline

    nlp = spacy.load(args.model)
    seeds = list(read_records(args.seeds))
    dev = [r for p in args.dev for r in read_records(p)]
    texts = [r["text"] for r in seeds + dev]
    text_file = args.output.parent / "_texts.json"
    args.output.parent.mkdir(parents=True, exist_ok=True)
    text_file.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    probe = subprocess.run([sys.executable, "-c", PROBE, str(args.model), str(text_file)],
                           capture_output=True, text=True, check=True)
    text_file.unlink()
    results = {
        "command": "python -m kcx_nlp.benchmark.accuracy --model " + str(args.model.relative_to(ROOT) if args.model.is_relative_to(ROOT) else args.model),
        "machine": {"cpu": platform.processor() or platform.machine(), "python": platform.python_version()},
        "model": nlp.meta.get("name"), "model_version": nlp.meta.get("version"),
        "seeds": evaluate_pipeline(nlp, seeds),
        "dev": evaluate_pipeline(nlp, dev),
        "throughput": throughput(nlp, texts),
        "relation_overhead": relation_overhead(nlp, texts),
        "process": json.loads(probe.stdout.strip().splitlines()[-1]),
    }
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    for part in ("seeds", "dev"):
        spans = results[part]["spans"]
        print(f"{part}: micro F {spans['micro']['f']:.3f} (P {spans['micro']['p']:.3f} R {spans['micro']['r']:.3f}); "
              f"seqeval F {results[part]['seqeval']['micro']['f1-score']:.3f}")
        for label, row in spans["per_label"].items():
            print(f"   {label:13} P {row['p']:.3f} R {row['r']:.3f} F {row['f']:.3f}  (tp {row['tp']} fp {row['fp']} fn {row['fn']})")
        for lang, block in spans["per_lang"].items():
            print(f"   lang {lang:6} F {block['micro']['f']:.3f}")
        for key in ("relations_gold_entities", "relations_end_to_end"):
            if key in results[part]:
                rel = results[part][key]
                print(f"  {key}: micro F {rel['micro']['f']:.3f} (P {rel['micro']['p']:.3f} R {rel['micro']['r']:.3f})")
                for label, row in rel["per_type"].items():
                    print(f"   {label:13} P {row['p']:.3f} R {row['r']:.3f} F {row['f']:.3f}  (tp {row['tp']} fp {row['fp']} fn {row['fn']})")
                for lang, block in rel["per_lang"].items():
                    print(f"   lang {lang:6} F {block['micro']['f']:.3f}")
    t = results["throughput"]
    p = results["process"]
    print(f"throughput: {t['words_per_s']:,} words/s, {t['tokens_per_s']:,} tokens/s (CPU, nlp.pipe batch 32)")
    if results["relation_overhead"]:
        print(f"relation extraction adds {100 * results['relation_overhead']['added_fraction']:.1f} % CPU time")
    print(f"load {p['load_s']:.2f} s (+ first doc {p['first_doc_s']:.2f} s, import {p['import_s']:.2f} s); peak RSS {p['peak_rss_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
