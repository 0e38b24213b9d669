"""``python -m kcx_nlp.benchmark.accuracy``: the headline accuracy figures, on held-out data only.

    python -m kcx_nlp.benchmark.accuracy --model models/kcx_core

Evaluates the pipeline on the frozen test split (``annotations/test``) and on the seed articles
(``annotations/gold/seeds.jsonl``) — data that no training or tuning step reads — and writes the
figures into the model's ``metrics.json`` (keys ``test`` and ``seeds``, next to the training's
``dev_tuning``) and ``benchmarks/ACCURACY.md``. The full report (``python -m kcx_nlp.benchmark``)
renders the same figures with :func:`headline_lines`.
"""
import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from ..corpus import read_records
from ..evaluate import AGREEMENT_LEVELS, evaluate_pipeline

ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_TEST = sorted((ROOT / "annotations" / "test").glob("*.jsonl"))
DEFAULT_SEEDS = ROOT / "annotations" / "gold" / "seeds.jsonl"
#: The held-out parts, in the order reports show them.
HELD_OUT_PARTS = ("test", "seeds")


def load_parts(test: Sequence[Path] = tuple(DEFAULT_TEST), seeds: Optional[Path] = DEFAULT_SEEDS) -> Dict[str, List[dict]]:
    """The held-out records by part (``test``, ``seeds``); a part with no file is left out."""
    parts = {"test": [r for path in test for r in read_records(path)],
             "seeds": list(read_records(seeds)) if seeds is not None and Path(seeds).exists() else []}
    return {name: parts[name] for name in HELD_OUT_PARTS if parts[name]}


def headline(block: Dict[str, Any]) -> Dict[str, Dict[str, float]]:
    """The figures a user looks at first, per language and overall, from :func:`evaluate_pipeline`."""
    out = {}
    langs = ["all"] + sorted(block["spans"]["per_lang"])
    for lang in langs:
        spans = block["spans"] if lang == "all" else block["spans"]["per_lang"][lang]
        rels = block["relations_end_to_end"] if lang == "all" else block["relations_end_to_end"]["per_lang"].get(lang)
        agr = block["agreements"] if lang == "all" else block["agreements"]["per_lang"].get(lang)
        recs = block["agreement_records"] if lang == "all" else block["agreement_records"]["per_lang"].get(lang)
        row = {"entity_f": spans["micro"]["f"], "agreement_span_f": spans["per_label"]["AGREEMENT"]["f"],
               "relation_f": rels["micro"]["f"] if rels else 0.0}
        if agr:
            row["agreements"] = agr["agreements"]
            row.update({f"agreement_{level}": agr[f"{level}_rate"] for level in AGREEMENT_LEVELS})
        if recs:
            row["records_type_parties"] = recs["type_parties_rate"]
            row["records_type_parties_date"] = recs["type_parties_date_rate"]
        out[lang] = row
    return out


def headline_lines(results: Dict[str, Dict[str, Any]]) -> List[str]:
    """Markdown tables of the held-out figures (per part and language; the world/core split; gazetteer split)."""
    lines = ["| part | lang | docs | entity F1 | AGREEMENT F1 | relation F1 (e2e) | agreements | found | exact parties "
             "| + date | + signatories | records: type+parties | records: + date |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for part, block in results.items():
        for lang, row in headline(block).items():
            docs = block["documents"] if lang == "all" else block["documents_per_lang"].get(lang, 0)
            lines.append(
                f"| {part} | {lang} | {docs} | {row['entity_f']:.3f} | {row['agreement_span_f']:.3f} | "
                f"{row['relation_f']:.3f} | {row.get('agreements', 0)} | {row.get('agreement_found', 0):.3f} | "
                f"{row.get('agreement_parties', 0):.3f} | {row.get('agreement_parties_date', 0):.3f} | "
                f"{row.get('agreement_parties_date_signatories', 0):.3f} | {row.get('records_type_parties', 0):.3f} | "
                f"{row.get('records_type_parties_date', 0):.3f} |")
    lines += ["", "By counterpart (documents with a counterpart outside Korea, China, Japan and Vietnam = *world*):", "",
              "| part | counterparts | docs | entity F1 | OFFICIAL F1 | relation F1 (e2e) | exact parties |", "|---|---|---|---|---|---|---|"]
    for part, block in results.items():
        for name, sub in block.get("counterparts", {}).items():
            lines.append(f"| {part} | {name} | {sub['documents']} | {sub['spans']['micro']['f']:.3f} | "
                         f"{sub['spans']['per_label']['OFFICIAL']['f']:.3f} | {sub['relations_end_to_end']['micro']['f']:.3f} | "
                         f"{sub['agreements']['parties_rate']:.3f} ({sub['agreements']['agreements']}) |")
    lines += ["", "Calibration of agreement records (share of predicted records, by confidence, whose type and party "
              "set equal a gold record's):", "", "| part | " + " | ".join(
                  b["confidence"] for b in next(iter(results.values()))["agreement_records"]["calibration"]) + " |",
              "|---" * (1 + len(next(iter(results.values()))["agreement_records"]["calibration"])) + "|"]
    for part, block in results.items():
        lines.append(f"| {part} | " + " | ".join(
            f"{b['exact_parties']:.2f} ({b['records']})" if b["records"] else "— (0)"
            for b in block["agreement_records"]["calibration"]) + " |")
    lines += ["", "Entities by gazetteer coverage (a mention is *in* when its surface is listed in a shipped gazetteer):", "",
              "| part | mentions | gold | P | R | F1 |", "|---|---|---|---|---|---|"]
    for part, block in results.items():
        for name, sub in block["gazetteer"].items():
            m = sub["micro"]
            lines.append(f"| {part} | {name.replace('_', ' ')} | {m['tp'] + m['fn']} | {m['p']:.3f} | {m['r']:.3f} | {m['f']:.3f} |")
    return lines


def evaluate_held_out(nlp: Any, parts: Dict[str, List[dict]]) -> Dict[str, Dict[str, Any]]:
    """:func:`kcx_nlp.evaluate.evaluate_pipeline` on each held-out part."""
    return {name: evaluate_pipeline(nlp, records) for name, records in parts.items()}


def main(argv: Optional[List[str]] = None) -> int:
    """Entry point: evaluate on test and seeds, update ``metrics.json``, write ``ACCURACY.md``."""
    import spacy

    from ..cli import plain

    parser = argparse.ArgumentParser(prog="python -m kcx_nlp.benchmark.accuracy", description=plain(__doc__),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "kcx_core", help="trained pipeline folder")
    parser.add_argument("--test", type=Path, nargs="*", default=DEFAULT_TEST, help="test split files (default annotations/test/*.jsonl)")
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS, help="gold seed articles")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "ACCURACY.md", help="Markdown file to write")
    parser.add_argument("--no-metrics", action="store_true", help="do not write the figures into the model's metrics.json")
    args = parser.parse_args(argv)
    nlp = spacy.load(args.model)
    results = evaluate_held_out(nlp, load_parts(args.test, args.seeds))
    if not args.no_metrics:
        path = args.model / "metrics.json"
        metrics = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        metrics.update(results)
        metrics["headline"] = {part: headline(block) for part, block in results.items()}
        path.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    lines = ["# Held-out accuracy", "",
             f"Generated by `python -m kcx_nlp.benchmark.accuracy` on {time.strftime('%Y-%m-%d')} for "
             f"`{nlp.meta.get('name')} {nlp.meta.get('version')}`. *test* is the frozen test split (never read by "
             "training or tuning), *seeds* the five real seed articles. All scores strict (exact offsets).", ""]
    lines += headline_lines(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines[4:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
