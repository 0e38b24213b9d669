"""``python -m kcx_nlp.benchmark.normalization``: normalisation and agreement-record figures.

- DATE: accuracy on ``annotations/norm/dates.jsonl`` (EN/KO expressions in sentences, with their
  publication dates). An anaphoric expression (``이날``, ``the same day``) gets as antecedent the
  last date expression before it in its sentence, normalised the same way, as in a document.
- JURISDICTION: accuracy of the canonical entry on ``annotations/norm/jurisdictions.jsonl``
  (surface variants in every script; ``expected_id: null`` = unknown to the gazetteer).
- Seed spans: the ``norm`` of every gold DATE/JURISDICTION/AGREEMENT/TITLE span of the seed
  articles against ``annotations/norm/seed_norms.jsonl`` (hand-checked values).
- Seeds: agreement records of the five seed articles, from the model's predictions and from the
  gold entities and relations, against ``annotations/norm/seed_agreements.jsonl``; and whether
  ``records merge`` joins seeds 000 and 001 (one event, two outlets).

Writes ``benchmarks/NORMALIZATION.md`` and ``benchmarks/results/normalization.json``.
"""
import argparse
import json
import re
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any, Dict, List, Optional

from spacy.language import Language

from ..agreements import merge_records, records_from_record
from ..agreements.build import party_key
from ..corpus import read_records
from ..normalize import normalize_date, normalize_jurisdiction

ROOT = Path(__file__).resolve().parent.parent.parent
NORM_DIR = ROOT / "annotations" / "norm"
#: Date expressions that can be an anaphor's antecedent inside a test sentence.
ANTECEDENT_RE = re.compile(
    r"(?:\d{4}년\s*)?\d{1,2}월\s*\d{1,2}일|(?:지난|오는)\s*\d{1,2}일|\d{1,2}일|\d{4}年\d{1,2}月\d{1,2}日|"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}(?:,\s*\d{4})?|"
    r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|[월화수목금토일]요일"
)


def _read(path: Path) -> List[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def date_accuracy(items: List[dict]) -> Dict[str, Any]:
    """Accuracy of :func:`normalize_date` on test items, overall and by language."""
    by: Dict[str, List[int]] = defaultdict(lambda: [0, 0])
    misses = []
    for it in items:
        sentence, at = it["sentence"], it["sentence"].index(it["text"])
        previous = None
        before = list(ANTECEDENT_RE.finditer(sentence[:at]))
        if before:
            value = normalize_date(before[-1].group(), it["date"], sentence)
            if isinstance(value, str) and len(value) == 10:
                previous = date.fromisoformat(value)
        got = normalize_date(it["text"], it["date"], sentence, previous)
        ok = got == it["norm"]
        for key in ("all", it["lang"], "no publication date" if it["date"] is None else "with publication date"):
            by[key][0] += ok
            by[key][1] += 1
        if not ok:
            misses.append({"id": it["id"], "text": it["text"], "date": it["date"], "expected": it["norm"], "got": got})
    return {"accuracy": {k: {"correct": c, "total": n, "accuracy": round(c / n, 4)} for k, (c, n) in by.items()},
            "misses": misses}


def jurisdiction_accuracy(items: List[dict]) -> Dict[str, Any]:
    """Accuracy of :func:`normalize_jurisdiction` (right entry, or unknown kept as surface)."""
    by: Dict[str, List[int]] = defaultdict(lambda: [0, 0])
    misses = []
    for it in items:
        got = normalize_jurisdiction(it["surface"])
        ok = got["id"] == it["expected_id"] and (it["expected_id"] is not None or
                                                 (got["name"] == it["surface"] and got["level"] is None))
        for key in ("all", it["script"], "unknown" if it["expected_id"] is None else "known"):
            by[key][0] += ok
            by[key][1] += 1
        if not ok:
            misses.append({"id": it["id"], "surface": it["surface"], "expected": it["expected_id"], "got": got["id"]})
    return {"accuracy": {k: {"correct": c, "total": n, "accuracy": round(c / n, 4)} for k, (c, n) in by.items()},
            "misses": misses}


#: What of a ``norm`` a seed check compares, per label.
NORM_KEYS = {"DATE": None, "JURISDICTION": "id", "AGREEMENT": "type", "TITLE": "rank"}


def seed_norm_accuracy(seeds: Path, items: List[dict]) -> Dict[str, Any]:
    """Accuracy of the normalisers on the gold spans of the seed articles (real news), per label."""
    from ..normalize import normalize_record

    norms = {}
    for rec in read_records(seeds):
        for e in normalize_record(rec)["entities"]:
            norms[(rec["id"], e["start"], e["end"])] = e["norm"]
    by: Dict[str, List[int]] = defaultdict(lambda: [0, 0])
    misses = []
    for it in items:
        norm = norms.get((it["doc_id"], it["start"], it["end"]))
        key = NORM_KEYS[it["label"]]
        got = norm if key is None or norm is None else norm.get(key)
        ok = got == it["expected"]
        for k in ("all", it["label"]):
            by[k][0] += ok
            by[k][1] += 1
        if not ok:
            misses.append({"doc_id": it["doc_id"], "text": it["text"], "expected": it["expected"], "got": got})
    return {"accuracy": {k: {"correct": c, "total": n, "accuracy": round(c / n, 4)} for k, (c, n) in by.items()},
            "misses": misses}


def match_agreements(expected: List[dict], found: List[dict]) -> Dict[str, Any]:
    """Match expected seed agreements to records (same document and type; best party overlap)."""
    rows, used = [], set()
    for exp in expected:
        want = set(exp["parties"])
        candidates = [(i, r) for i, r in enumerate(found)
                      if i not in used and r["doc_id"] == exp["doc_id"] and r["type"] == exp["type"]]
        best = max(candidates, key=lambda c: (len(want & {party_key(p) for p in c[1]["parties"]}),
                                              -len({party_key(p) for p in c[1]["parties"]} ^ want)), default=None)
        row = {"doc_id": exp["doc_id"], "type": exp["type"], "expected_parties": sorted(want),
               "expected_date": exp["date"], "found": best is not None}
        if best is not None:
            used.add(best[0])
            got = {party_key(p) for p in best[1]["parties"]}
            row.update(record_id=best[1]["record_id"], parties=sorted(got), parties_exact=got == want,
                       parties_missing=sorted(want - got), parties_extra=sorted(got - want),
                       date=best[1]["date"], date_right=best[1]["date"] == exp["date"])
        rows.append(row)
    extra = [{"record_id": r["record_id"], "type": r["type"], "parties": [party_key(p) for p in r["parties"]]}
             for i, r in enumerate(found) if i not in used]
    summary = {"expected": len(expected), "found_with_type": sum(r["found"] for r in rows),
               "parties_exact": sum(bool(r.get("parties_exact")) for r in rows),
               "dates_right": sum(bool(r.get("date_right")) for r in rows), "extra_records": len(extra)}
    return {"summary": summary, "agreements": rows, "extra": extra}


def seed_records(nlp: Optional[Language], seeds: Path) -> Dict[str, Any]:
    """Seed agreement records from gold relations and from the pipeline ``nlp``, and the 000+001 merge."""
    from ..pipeline import _Context, pipe_records

    gold = list(read_records(seeds))
    expected = _read(NORM_DIR / "seed_agreements.jsonl")
    out: Dict[str, Any] = {}
    sources = {"gold relations": gold}
    if nlp is not None:
        sources["model"] = [rec for rec, _ in pipe_records(nlp, ((r["text"], _Context(r["id"], r["date"], r["lang"]))
                                                                  for r in gold))]
    for name, docs in sources.items():
        found = [a for doc in docs for a in records_from_record(doc)]
        merged = merge_records(found)
        joined = [m for m in merged if {"000", "001"} <= {str(s["doc_id"])[:3] for s in m["sources"]}]
        result = match_agreements(expected, found)
        result["records"] = found
        result["merge_000_001"] = [{"agreement_id": m["agreement_id"], "type": m["type"],
                                    "parties": [p["name"] for p in m["parties"]],
                                    "sources": [s["record_id"] for s in m["sources"]]} for m in joined]
        result["merged_count"] = len(merged)
        out[name] = result
    return out


def normalizer_overhead(nlp: Language, records: List[dict]) -> Dict[str, float]:
    """CPU time of the whole pipeline with and without ``kcx_normalizer`` (best of three runs)."""
    def docs():
        for r in records:
            doc = nlp.make_doc(r["text"])
            doc.user_data["kcx_date"] = r["date"]
            yield doc

    list(nlp.pipe(docs()))  # warm-up
    best: Dict[str, float] = {}
    for _ in range(3):
        for name, disable in (("with", []), ("without", ["normalizer"])):
            start = time.perf_counter()
            list(nlp.pipe(docs(), disable=disable))
            best[name] = min(best.get(name, float("inf")), time.perf_counter() - start)
    return {"documents": len(records), "seconds_with": round(best["with"], 3),
            "seconds_without": round(best["without"], 3),
            "added_fraction": round(best["with"] / best["without"] - 1, 4)}


def _pct(block: Dict[str, Any]) -> str:
    return f"{block['correct']}/{block['total']} = {100 * block['accuracy']:.1f} %"


def write_report(results: Dict[str, Any], path: Path) -> None:
    """``NORMALIZATION.md`` from the results."""
    d, j = results["dates"], results["jurisdictions"]
    lines = [
        "# Normalisation and agreement records", "",
        f"Generated by `{results['command']}` on {results['date']} ({results['model']}). Test data: "
        "`annotations/norm/` (written for the project; rules in `annotations/GUIDELINES.md` v1.4).", "",
        "## Dates", "",
        "| subset | correct |", "|---|---|",
        *[f"| {k} | {_pct(v)} |" for k, v in d["accuracy"].items()], "",
        "Misses: " + (", ".join(f"`{m['text']}` ({m['date']}): expected {m['expected']}, got {m['got']}"
                               for m in d["misses"]) or "none") + ".", "",
        "## Jurisdictions", "",
        "| subset | correct |", "|---|---|",
        *[f"| {k} | {_pct(v)} |" for k, v in j["accuracy"].items()], "",
        "Misses: " + (", ".join(f"`{m['surface']}`: expected {m['expected']}, got {m['got']}" for m in j["misses"])
                      or "none") + ".", "",
        "## Gold spans of the seed articles (real news)", "",
        "| label | correct |", "|---|---|",
        *[f"| {k} | {_pct(v)} |" for k, v in results["seed_norms"]["accuracy"].items()], "",
        "Misses: " + (", ".join(f"`{m['text']}` ({m['doc_id'][:3]}): expected {m['expected']}, got {m['got']}"
                               for m in results["seed_norms"]["misses"]) or "none") + ".", "",
        "## Agreement records on the seed articles", "",
        "Expected agreements: `annotations/norm/seed_agreements.jsonl` (every agreement the five articles report, "
        "with the parties the article names). *gold relations* builds records from the gold entities and "
        "relations (tests the record builder and normalisers alone); *model* from the shipped pipeline's "
        "predictions (end to end).", "",
    ]
    if results.get("normalizer_overhead"):
        o = results["normalizer_overhead"]
        lines += ["### Cost", "", f"The `kcx_normalizer` component adds {100 * o['added_fraction']:.1f} % to the CPU time of the pipeline "
                  f"({o['seconds_without']} s -> {o['seconds_with']} s on the {o['documents']} seed and dev documents, "
                  "best of three).", ""]
    for name, res in results["seeds"].items():
        s = res["summary"]
        lines += [f"### {name}", "",
                  f"{s['found_with_type']}/{s['expected']} agreements found with the right type, "
                  f"{s['parties_exact']}/{s['expected']} with exactly the right parties, "
                  f"{s['dates_right']}/{s['expected']} with the right date; {s['extra_records']} further record(s). "
                  f"Seeds 000 and 001 merged: **{'yes' if res['merge_000_001'] else 'NO'}** "
                  + ("(" + "; ".join(f"{m['type']} {m['parties']} from {', '.join(m['sources'])}" for m in res["merge_000_001"])
                     + ")" if res["merge_000_001"] else "") + ".", "",
                  "| document | type | expected parties | record | parties | missing | extra | date (expected) |",
                  "|---|---|---|---|---|---|---|---|"]
        for r in res["agreements"]:
            if r["found"]:
                lines.append(f"| {r['doc_id'][:3]} | {r['type']} | {', '.join(r['expected_parties']) or '—'} | "
                             f"{r['record_id']} | {'exact' if r['parties_exact'] else ', '.join(r['parties']) or '—'} | "
                             f"{', '.join(r['parties_missing']) or '—'} | {', '.join(r['parties_extra']) or '—'} | "
                             f"{r['date']} ({r['expected_date']}) |")
            else:
                lines.append(f"| {r['doc_id'][:3]} | {r['type']} | {', '.join(r['expected_parties']) or '—'} | "
                             f"**missed** | | | | ({r['expected_date']}) |")
        if res["extra"]:
            lines += ["", "Further records: " + "; ".join(f"{e['record_id']} {e['type']} {e['parties']}" for e in res["extra"]) + "."]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def main(argv: Optional[List[str]] = None) -> int:
    """Measure and write the report."""
    from ..cli import plain

    parser = argparse.ArgumentParser(prog="python -m kcx_nlp.benchmark.normalization", description=plain(__doc__),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "kcx_core",
                        help="pipeline for the end-to-end seed records ('none' to skip)")
    parser.add_argument("--seeds", type=Path, default=ROOT / "annotations" / "gold" / "seeds.jsonl", help="gold seed articles")
    parser.add_argument("--dates", type=Path, default=NORM_DIR / "dates.jsonl", help="date expressions with their expected norms")
    parser.add_argument("--jurisdictions", type=Path, default=NORM_DIR / "jurisdictions.jsonl", help="jurisdiction spellings with their expected gazetteer entries")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks", help="folder for NORMALIZATION.md and results/normalization.json")
    args = parser.parse_args(argv)
    model = None if str(args.model) == "none" else args.model
    from ..pipeline import load

    nlp = load(model, gpu=-1) if model is not None else None
    results = {"command": "python -m kcx_nlp.benchmark.normalization", "date": time.strftime("%Y-%m-%d"),
               "model": str(model.name) if model else "no model",
               "dates": date_accuracy(_read(args.dates)), "jurisdictions": jurisdiction_accuracy(_read(args.jurisdictions)),
               "seed_norms": seed_norm_accuracy(args.seeds, _read(NORM_DIR / "seed_norms.jsonl")),
               "seeds": seed_records(nlp, args.seeds)}
    if nlp is not None and "normalizer" in nlp.pipe_names:
        dev = [r for p in sorted((ROOT / "annotations" / "dev").glob("*.jsonl")) for r in read_records(p)]
        results["normalizer_overhead"] = normalizer_overhead(nlp, list(read_records(args.seeds)) + dev)
    (args.out / "results").mkdir(parents=True, exist_ok=True)
    (args.out / "results" / "normalization.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n",
                                                             encoding="utf-8")
    write_report(results, args.out / "NORMALIZATION.md")
    print(f"dates {_pct(results['dates']['accuracy']['all'])}, jurisdictions {_pct(results['jurisdictions']['accuracy']['all'])}; "
          f"wrote {args.out / 'NORMALIZATION.md'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
