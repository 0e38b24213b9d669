"""Fuzz the library: ``python -m kcx_nlp.benchmark.fuzz [--n 10000] [--model models/kcx_core]``.

Generates ``--n`` inputs from a fixed seed (mixed Hangul/Latin/Hanzi news fragments, random
Unicode including control characters, NUL, BOM, zero-width spaces, combining marks, emoji and
lone surrogates, HTML remnants, very long tokens, CRLF) and runs each through
``kcx_nlp.extract``. A crash is any exception; a lost document is a missing or invalid record
(offsets out of bounds or not matching the entity text, overlapping or unsorted entities,
relation indexes out of range). Writes ``benchmarks/results/fuzz.json``.
"""
import argparse
import json
import random
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

FRAGMENTS = ["Seoul Mayor Oh Se-hoon", "signed an MOU with", "Beijing", "on Nov. 26", "광주시는", "지난 21일",
             "칭다오시(青岛市)와", "자매결연 협정을 맺었다.", "경북도지사", "陈吉宁", "Gov.", "(Yonhap) --", "<div class='x'>",
             "</p>", "&nbsp;", "&#44608;", "\r\n", "\n\n", "\t", "  ", "😀", "e\u0301", "ＡＢＣ", "\u200b", "\ufeff", "\x00",
             "\x07", "https://example.org/a?b=c", "기자 hong@example.com", "2024년 7월 30일", "Dec. 6-7", "...", "“", "’s"]


def random_unicode(rng, n):
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.02:
            out.append(chr(rng.randint(0xD800, 0xDFFF)))  # lone surrogate
        elif r < 0.3:
            out.append(chr(rng.randint(0xAC00, 0xD7A3)))
        elif r < 0.4:
            out.append(chr(rng.randint(0x4E00, 0x9FFF)))
        elif r < 0.7:
            out.append(chr(rng.randint(0x20, 0x7E)))
        else:
            out.append(chr(rng.randint(0, 0x10FFFF)) if rng.random() < 0.5 else chr(rng.randint(0, 0x2FFF)))
    return "".join(out)


def make_input(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.5:
        return " ".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(0, 40)))
    if kind < 0.8:
        return random_unicode(rng, rng.randint(0, 300))
    if kind < 0.9:
        return rng.choice(["가", "a", "陈", "-", "😀"]) * rng.randint(1, 5000)  # very long tokens
    return "<html><body>" + " ".join(rng.choice(FRAGMENTS) for _ in range(50)) + "</body></html>"


def check(rec, text):
    assert rec["text"] == text
    ents = rec["entities"]
    for e in ents:
        assert 0 <= e["start"] < e["end"] <= len(text) and text[e["start"]:e["end"]] == e["text"]
    assert all(a["end"] <= b["start"] for a, b in zip(ents, ents[1:]))
    assert all(0 <= r["head"] < len(ents) and 0 <= r["tail"] < len(ents) for r in rec["relations"])


def run(nlp, n: int, seed: int = 0):
    import kcx_nlp

    rng = random.Random(seed)
    crashes, lost, examples = 0, 0, []
    start = time.perf_counter()
    for i in range(n):
        text = make_input(rng)
        try:
            rec = kcx_nlp.extract(text, nlp=nlp)
        except Exception:
            crashes += 1
            examples.append({"input": repr(text[:200]), "error": traceback.format_exc(limit=3)})
            continue
        try:
            check(rec, text)
        except AssertionError:
            lost += 1
            examples.append({"input": repr(text[:200]), "error": "invalid record"})
    return {"inputs": n, "seed": seed, "crashes": crashes, "lost_documents": lost,
            "seconds": round(time.perf_counter() - start, 1), "examples": examples[:10]}


def main(argv=None):
    from ..cli import plain

    parser = argparse.ArgumentParser(prog="python -m kcx_nlp.benchmark.fuzz", description=plain(__doc__), formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000, help="number of random inputs to run")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the generated inputs")
    parser.add_argument("--model", default=str(ROOT / "models" / "kcx_core"), help="trained pipeline folder")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "fuzz.json", help="JSON file for the results")
    args = parser.parse_args(argv)
    import kcx_nlp

    result = run(kcx_nlp.load(args.model, gpu=-1), args.n, args.seed)
    result["command"] = f"python -m kcx_nlp.benchmark.fuzz --n {args.n} --seed {args.seed}"
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{result['inputs']} inputs: {result['crashes']} crashes, {result['lost_documents']} lost documents "
          f"({result['seconds']} s)")
    return 1 if result["crashes"] or result["lost_documents"] else 0


if __name__ == "__main__":
    sys.exit(main())
