"""``python -m kcx_nlp.benchmark.pubdate``: publication dates found in the articles' own text.

- Detection: :func:`kcx_nlp.normalize.find_publication_date` on every seed article and every
  document of the frozen test split, against ``annotations/norm/pubdates.jsonl`` (the gold
  publication date of each document and whether its first and last lines state it: ``dateline``).
  Per split and language, and by whether the stamp or dateline gives the year: documents with a dateline whose date is found and correct (the
  figure), found but wrong, not found; documents without one where a date was found anyway.
- Relative dates: the gold DATE spans of the seed articles normalised with the detected date as
  anchor, with the gold date, and with no date, against ``annotations/norm/seed_norms.jsonl``.

No model is needed. Writes ``benchmarks/PUBDATE.md`` and ``benchmarks/results/pubdate.json``.
"""
import argparse
import json
import re
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

from ..corpus import read_records
from ..normalize import find_publication_date, normalize_record

ROOT = Path(__file__).resolve().parent.parent.parent
GOLD = ROOT / "annotations" / "norm" / "pubdates.jsonl"
SOURCES = {"seeds": ROOT / "annotations" / "gold" / "seeds.jsonl", "test": ROOT / "annotations" / "test" / "v2.jsonl"}
YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
COUNTS = ("documents", "with_dateline", "found_correct", "found_wrong", "not_found", "no_dateline", "found_without_dateline")


def _read(path: Path) -> List[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _share(correct: int, total: int) -> Optional[float]:
    return round(correct / total, 4) if total else None


def detection(gold: List[dict], records: Dict[str, dict]) -> Dict[str, Any]:
    """Detection counts per ``split``/``split lang``/``all`` and the misses, from gold rows and the
    documents' records (by id)."""
    by: Dict[str, Dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    misses = []
    for row in gold:
        rec = records.get(row["id"])
        if rec is None:
            raise ValueError(f"{GOLD.name}: document {row['id']!r} ({row['split']}) is not in the {row['split']} records")
        if row["evidence"] is not None and row["evidence"] not in rec["text"]:
            raise ValueError(f"{GOLD.name}: document {row['id']!r}: evidence {row['evidence']!r} is not in its text")
        found = find_publication_date(rec["text"], rec.get("lang"))
        got = found.date if found else None
        if row["dateline"]:
            outcome = "not_found" if got is None else "found_correct" if got == row["date"] else "found_wrong"
        else:
            outcome = "found_without_dateline" if got is not None else None
        keys = ["all", row["split"], f"{row['split']} {rec.get('lang')}"]
        if row["dateline"]:  # does the stamp or dateline itself give the year?
            keys.append("year stated" if YEAR_RE.search(row["evidence"]) else "year not stated (inferred)")
        for key in keys:
            block = by[key]
            block["documents"] += 1
            block["with_dateline" if row["dateline"] else "no_dateline"] += 1
            if outcome:
                block[outcome] += 1
        if outcome not in (None, "found_correct"):
            miss = {"id": row["id"], "split": row["split"], "lang": rec.get("lang"), "outcome": outcome,
                    "gold": row["date"], "gold_evidence": row["evidence"], "found": got,
                    "kind": found.kind if found else None, "year_inferred": found.year_inferred if found else None,
                    "found_evidence": rec["text"][found.start:found.end] if found else None}
            if got and row["date"]:
                miss["days_off"] = (date.fromisoformat(got) - date.fromisoformat(row["date"])).days
            misses.append(miss)
    for block in by.values():
        block["share_correct"] = _share(block["found_correct"], block["with_dateline"])
    order = ["all", "seeds", "test"]
    return {"counts": {k: by[k] for k in order + sorted(set(by) - set(order)) if k in by}, "misses": misses}


def relative_norms(seeds: Iterable[dict], expected: List[dict]) -> Dict[str, Any]:
    """Norms of the seed articles' gold DATE spans with the detected date as anchor, with the gold
    date, and with no date, against their expected norms."""
    seeds = list(seeds)
    detected = {}
    for rec in seeds:
        found = find_publication_date(rec["text"], rec.get("lang"))
        detected[rec["id"]] = found.date if found else None
    want = [e for e in expected if e["label"] == "DATE"]
    out: Dict[str, Any] = {"detected_dates": detected,
                           "gold_dates": {r["id"]: r.get("date") for r in seeds}}
    for name, anchor in (("detected date", detected), ("gold date", {r["id"]: r.get("date") for r in seeds}),
                         ("no date", {r["id"]: None for r in seeds})):
        norms = {}
        for rec in seeds:
            for e in normalize_record(dict(rec, date=anchor[rec["id"]]))["entities"]:
                norms[(rec["id"], e["start"], e["end"])] = e["norm"]
        correct, misses = 0, []
        for it in want:
            got = norms.get((it["doc_id"], it["start"], it["end"]))
            if got == it["expected"]:
                correct += 1
            else:
                misses.append({"doc_id": it["doc_id"], "text": it["text"], "expected": it["expected"], "got": got})
        out[name] = {"correct": correct, "total": len(want), "accuracy": _share(correct, len(want)), "misses": misses}
    return out


def measure(gold_path: Path = GOLD, sources: Optional[Dict[str, Path]] = None) -> Dict[str, Any]:
    """All figures of this benchmark (see the module docstring)."""
    sources = sources or SOURCES
    gold = _read(gold_path)
    records = {split: {r["id"]: r for r in read_records(path, validate=False)} for split, path in sources.items()}
    for row in gold:
        if row["split"] not in records:
            raise ValueError(f"{gold_path.name}: document {row['id']!r} has unknown split {row['split']!r}")
    for split, recs in records.items():
        missing = set(recs) - {row["id"] for row in gold if row["split"] == split}
        if missing:
            raise ValueError(f"{gold_path.name}: no gold row for {len(missing)} {split} document(s): {sorted(missing)[:5]}")
    result = {"detection": detection(gold, {r["id"]: dict(r, split=s) for s, recs in records.items() for r in recs.values()})}
    seed_norms = ROOT / "annotations" / "norm" / "seed_norms.jsonl"
    if "seeds" in records:
        result["relative_norms"] = relative_norms(records["seeds"].values(), _read(seed_norms))
    return result


def write_report(results: Dict[str, Any], path: Path) -> None:
    """``PUBDATE.md`` from the results."""
    det = results["detection"]
    lines = [
        "# Publication dates found in the text", "",
        f"Generated by `{results['command']}` on {results['date']}. Gold: `annotations/norm/pubdates.jsonl` "
        "(one row per seed article and per document of the frozen test split; `dateline` = the first and last "
        "lines state the publication day, judged by reading). Detector: `kcx_nlp/normalize/pubdate.py`; "
        "a found date is correct when it equals the record's publication date.", "",
        "| subset | documents | with a dateline | found and correct | found, wrong | not found | "
        "no dateline | found where none |", "|---|---|---|---|---|---|---|---|",
    ]
    for key, b in det["counts"].items():
        share = "–" if b["share_correct"] is None else f"{b['found_correct']}/{b['with_dateline']} = {100 * b['share_correct']:.1f} %"
        lines.append(f"| {key} | {b['documents']} | {b['with_dateline']} | {share} | {b['found_wrong']} | "
                     f"{b['not_found']} | {b['no_dateline']} | {b['found_without_dateline']} |")
    lines += ["", "`year stated` / `year not stated (inferred)`: the documents with a dateline, by whether their stamp or "
              "dateline gives the year; for the others (`SEOUL, Nov. 26 (Yonhap) --`) the year is inferred from the "
              "years and weekdays the article mentions (`kcx_nlp/normalize/pubdate.py`, `infer_year`).", "", "## Misses", ""]
    if not det["misses"]:
        lines.append("None.")
    for m in det["misses"]:
        found = "nothing" if m["found"] is None else \
            f"{m['found']} ({m['kind']}{', year inferred' if m['year_inferred'] else ''}: `{m['found_evidence']}`)"
        off = f", {m['days_off']:+d} days" if "days_off" in m else ""
        lines.append(f"- `{m['id']}` ({m['split']}, {m['lang']}), {m['outcome']}: gold {m['gold']} "
                     f"(`{m['gold_evidence']}`), found {found}{off}")
    rel = results.get("relative_norms")
    if rel:
        lines += ["", "## Relative dates of the seed articles without a given date", "",
                  "The gold DATE spans of the seed articles (`annotations/gold/seeds.jsonl`), normalised as in a document "
                  "(`normalize_record`), against `annotations/norm/seed_norms.jsonl`, anchored on:", "",
                  "| anchor | correct |", "|---|---|"]
        for name in ("detected date", "gold date", "no date"):
            r = rel[name]
            lines.append(f"| {name} | {r['correct']}/{r['total']} = {100 * r['accuracy']:.1f} % |")
        lines += ["", "Detected dates: " + ", ".join(f"`{k}` {v} (gold {rel['gold_dates'][k]})"
                                                        for k, v in rel["detected_dates"].items()) + "."]
        for name in ("detected date", "gold date"):
            if rel[name]["misses"]:
                lines.append("")
                lines.append(f"Misses with the {name}: " + "; ".join(
                    f"`{m['doc_id'][:3]}` `{m['text']}` expected {m['expected']}, got {m['got']}" for m in rel[name]["misses"]) + ".")
    lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def main(argv: Optional[List[str]] = None) -> int:
    """Measure and write the report."""
    from ..cli import plain

    parser = argparse.ArgumentParser(prog="python -m kcx_nlp.benchmark.pubdate", description=plain(__doc__),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, default=GOLD, help="gold publication dates (pubdates.jsonl)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks", help="folder for PUBDATE.md and results/pubdate.json")
    args = parser.parse_args(argv)
    results = {"command": "python -m kcx_nlp.benchmark.pubdate", "date": time.strftime("%Y-%m-%d"), **measure(args.gold)}
    (args.out / "results").mkdir(parents=True, exist_ok=True)
    (args.out / "results" / "pubdate.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n",
                                                       encoding="utf-8")
    write_report(results, args.out / "PUBDATE.md")
    b = results["detection"]["counts"]["all"]
    print(f"publication dates found and correct: {b['found_correct']}/{b['with_dateline']}; wrote {args.out / 'PUBDATE.md'}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
