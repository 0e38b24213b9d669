"""``python -m kcx_nlp extract INPUT...``: one record per input document, as JSONL or CSV."""
import argparse
import csv
import json
import re
import sys
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, TextIO

from .schema import LABELS

CSV_COLUMNS = ["id", "lang", "date"] + [label.lower() for label in LABELS] + ["entities", "relations"]


def csv_row(record: Dict[str, Any]) -> Dict[str, str]:
    """One CSV row per document: entity texts per label joined by ' | ', full JSON alongside."""
    row = {"id": record["id"], "lang": record["lang"], "date": record.get("date") or ""}
    for label in LABELS:
        row[label.lower()] = " | ".join(e["text"] for e in record["entities"] if e["label"] == label)
    row["entities"] = json.dumps(record["entities"], ensure_ascii=False)
    row["relations"] = json.dumps(record["relations"], ensure_ascii=False)
    return row


def write_records(records: Iterable[Dict[str, Any]], out: TextIO, fmt: str) -> int:
    """Write records to ``out`` as JSONL or CSV; returns the count."""
    n = 0
    writer = None
    for record in records:
        if fmt == "csv":
            if writer is None:
                writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
                writer.writeheader()
            writer.writerow(csv_row(record))
        else:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        n += 1
    return n


def cmd_extract(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from .inputs import InputError, read_inputs
    from .pipeline import doc_record, load

    try:
        docs = list(read_inputs(args.inputs, encoding=args.encoding, errors=args.errors))
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    nlp = load(args.model, gpu=args.gpu)
    stream = nlp.pipe(((d.text, d) for d in docs), as_tuples=True, batch_size=args.batch_size)
    stream = tqdm(stream, total=len(docs), unit="doc", disable=len(docs) <= 5 or args.quiet, file=sys.stderr)
    html_dir = Path(args.html) if args.html else None
    if html_dir is not None:
        html_dir.mkdir(parents=True, exist_ok=True)

    def to_record(doc, d):
        if html_dir is not None:
            from .render import render_html

            safe = re.sub(r"[^\w.-]+", "_", str(d.id)) or "doc"
            (html_dir / f"{safe}.html").write_text(render_html(doc, title=str(d.id)), encoding="utf-8")
        return doc_record(doc, d.id, d.date or args.date, d.lang)

    records = (to_record(doc, d) for doc, d in stream)
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as out:
            write_records(records, out, args.format)
    else:
        write_records(records, sys.stdout, args.format)
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    """Entry point of ``python -m kcx_nlp``."""
    parser = argparse.ArgumentParser(prog="python -m kcx_nlp", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("extract", help="extract entities and relations from .txt/.jsonl files or folders")
    p.add_argument("inputs", nargs="+", help=".txt files (id = file stem), .jsonl files of {id, text, date?, lang?}, or folders")
    p.add_argument("--output", "-o", help="output file (default: stdout)")
    p.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    p.add_argument("--date", help="publication date YYYY-MM-DD for documents that lack one")
    p.add_argument("--model", help="pipeline name or path (default: the installed/bundled kcx pipeline)")
    p.add_argument("--gpu", default="auto", help="auto, -1 (CPU) or a GPU id")
    p.add_argument("--html", metavar="DIR", help="also write a displaCy page of entities and relations per document")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--encoding", default="utf-8")
    p.add_argument("--errors", choices=["strict", "replace"], default="strict", help="how to treat undecodable bytes")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_extract)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
