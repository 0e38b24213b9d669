"""``python -m kcx_nlp extract INPUT...``: one record per input document (or, with ``--records``, per
agreement), as JSONL or CSV, and with ``--db`` into an agreements database; ``python -m kcx_nlp records
build|merge``: agreement records from them; ``records query``: agreements stored in a database."""
import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, TextIO


def _agreement_rows(record: Dict[str, Any]) -> List[Dict[str, str]]:
    from .agreements.table import csv_row as agreement_row

    return [{"doc_ids": str(record["doc_id"]), "error": record["error"]} if "error" in record else agreement_row(record)]


def write_records(records: Iterable[Dict[str, Any]], out: TextIO, fmt: str, agreements: bool = False) -> int:
    """Write document records (or, with ``agreements``, agreement records) to ``out`` as JSONL or
    CSV (layouts: :data:`kcx_nlp.output.DOCUMENT_COLUMNS`, :data:`kcx_nlp.agreements.CSV_COLUMNS`),
    error records included; returns the record count."""
    from .agreements.table import CSV_COLUMNS as AGREEMENT_COLUMNS
    from .output import DOCUMENT_COLUMNS, document_rows, write_rows

    if agreements:
        return write_rows(records, out, fmt, AGREEMENT_COLUMNS + ["error"], _agreement_rows)
    return write_rows(records, out, fmt, DOCUMENT_COLUMNS, document_rows)


def _done_ids(path: Path) -> set:
    """Ids already present in an existing output file (for ``--resume``)."""
    done = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            try:
                row = json.loads(line)
                done.add(str(row["id"] if "id" in row else row["doc_id"]))
            except (ValueError, KeyError, TypeError):
                continue  # a torn last line is simply processed again
    return done


def cmd_records(args: argparse.Namespace) -> int:
    """``records build``: agreement records of document records; ``records merge``: also join them
    across documents."""
    from .agreements import merge_records, records_from_record, write_table
    from .corpus.records import CorpusError, iter_jsonl

    if args.action == "query":
        return _query(args)
    if not args.inputs:
        print(f"error: records {args.action} needs input files", file=sys.stderr)
        return 2
    try:
        rows = [row for path in args.inputs for _, row in iter_jsonl(path)]
    except (OSError, CorpusError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    agreements: List[Dict[str, Any]] = []
    for n, row in enumerate(rows, start=1):
        if "error" in row:
            print(f"warning: skipped error record {row.get('id', row.get('doc_id'))!r}: {row['error']}", file=sys.stderr)
        elif "entities" in row:
            agreements.extend(records_from_record(row))
        elif "type" in row and "parties" in row:
            agreements.append(row)
        else:
            print(f"error: input record {n} is neither a document record nor an agreement record", file=sys.stderr)
            return 2
    result = merge_records(agreements, window_days=args.window_days, min_overlap=args.min_overlap) \
        if args.action == "merge" else agreements
    out = open(args.output, "w", encoding="utf-8", newline="") if args.output else sys.stdout
    try:
        n = write_table(result, out, args.format)
    finally:
        if args.output:
            out.close()
    print(f"{len(agreements)} record(s) in, {n} out", file=sys.stderr)
    return 0


def _query(args: argparse.Namespace) -> int:
    """``records query``: merged agreements from a database written by ``extract --db``."""
    from .agreements import write_table

    if args.inputs or not args.db:
        print("error: records query reads --db DATABASE, not input files", file=sys.stderr)
        return 2
    if "://" not in args.db and not Path(args.db).is_file():
        print(f"error: {args.db}: no such database file", file=sys.stderr)
        return 2
    from sqlalchemy.exc import SQLAlchemyError

    from .agreements.store import AgreementStore, StoreError

    try:
        with AgreementStore(args.db) as store:
            found = store.query(party=args.party, country=args.country, type=args.type, since=args.since,
                                until=args.until)
    except (StoreError, ValueError, SQLAlchemyError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    out = open(args.output, "w", encoding="utf-8", newline="") if args.output else sys.stdout
    try:
        write_table(found, out, args.format)
    finally:
        if args.output:
            out.close()
    print(f"{len(found)} agreement(s)", file=sys.stderr)
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    import os
    import tempfile

    from tqdm import tqdm

    from .inputs import InputError, check_date, count_documents, expand_inputs, read_inputs, total_bytes
    from .pipeline import load, pipe_records

    try:
        files = expand_inputs(args.inputs)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    try:
        check_date("--date", args.date)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.records and args.engine == "dask":
        print("error: --records works with --engine local (or run `records build` on the dask output)", file=sys.stderr)
        return 2
    if args.scheduler and args.engine != "dask":
        print("error: --scheduler needs --engine dask", file=sys.stderr)
        return 2
    if args.db and args.engine == "dask":
        print("error: --db works with --engine local (one process writes the database)", file=sys.stderr)
        return 2
    if args.resume and not args.output:
        print("error: --resume needs --output", file=sys.stderr)
        return 2
    if args.resume and args.format != "jsonl":
        print("error: --resume works with --format jsonl", file=sys.stderr)
        return 2
    out_path = Path(args.output) if args.output else None
    if args.engine == "dask":
        if out_path is None or args.format != "jsonl" or args.resume or args.html:
            print("error: --engine dask writes JSONL to --output (no --resume, --html)", file=sys.stderr)
            return 2
        from .dist import extract_with_dask

        try:
            n = extract_with_dask(files, out_path, model=args.model, workers=args.workers, scheduler=args.scheduler,
                                  date=args.date,
                                  encoding=args.encoding, errors=args.errors, skip_errors=args.skip_errors,
                                  batch_size=args.batch_size)
        except InputError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        print(f"{n} record(s) -> {out_path}", file=sys.stderr)
        return 0
    batches = None  # --db: documents and agreements stored a batch (one transaction) at a time
    db_errors: tuple = ()
    if args.db:
        from .agreements.store import AgreementStore, StoreError

        db_errors = (StoreError,)
        try:
            batches = AgreementStore(args.db).batches(args.db_batch_size)
        except StoreError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
    done = _done_ids(out_path) if args.resume and out_path is not None and out_path.exists() else set()
    total = count_documents(files)
    nlp = load(args.model, gpu=args.gpu)
    html_dir = Path(args.html) if args.html else None
    if html_dir is not None:
        html_dir.mkdir(parents=True, exist_ok=True)
    inputs = (d for d in read_inputs(files, encoding=args.encoding, errors=args.errors, skip_errors=args.skip_errors)
              if str(d.id) not in done)

    def render(doc, d):
        if html_dir is not None and d.error is None:
            from .render import render_html

            safe = re.sub(r"[^\w.-]+", "_", str(d.id)) or "doc"
            (html_dir / f"{safe}.html").write_text(render_html(doc, title=str(d.id)), encoding="utf-8")

    processed: Dict[int, list] = {}  # --records, --db: the processed Doc(s) of the document being streamed

    # Progress in bytes of text (so one long document moves the bar chunk by chunk), documents alongside;
    # shown whenever stderr is a terminal.
    bar = tqdm(total=total_bytes(files), unit="B", unit_scale=True, file=sys.stderr, dynamic_ncols=True,
               disable=args.quiet or not sys.stderr.isatty())
    tally = _Tally()

    def on_doc(doc, d):
        render(doc, d)
        bar.update(len(doc.text.encode("utf-8", errors="replace")))
        if args.records or batches is not None:
            processed.setdefault(id(d), []).append(doc)

    # --date is the last resort: a document's own date, then one its text states, come first
    stream = pipe_records(nlp, (((d.text if d.error is None else ""), d) for d in inputs),
                          batch_size=args.batch_size, on_doc=on_doc, fallback_date=args.date)

    def rows():
        from .agreements import records, records_from_record
        from .schema import AGREEMENT

        for record, d in stream:
            tally.add(d)
            bar.set_postfix_str(f"{tally.documents}/{max(total - len(done), 0)} docs", refresh=False)
            docs = processed.pop(id(d), [])
            found = None
            if d.error is None and (args.records or batches is not None):
                if not any(e["label"] == AGREEMENT for e in record["entities"]):
                    found = []  # what records() gives a document that mentions no agreement, at no cost
                else:  # the Doc the pipeline made; a text processed in chunks is read again whole
                    found = records(docs[0]) if len(docs) == 1 else records_from_record(record)
            if batches is not None and d.error is None:
                batches.add(record, found)
            elif batches is not None:
                batches.error(d.id)
            if d.error is not None:
                yield {"doc_id" if args.records else "id": d.id, "error": d.error}
            elif not args.records:
                yield record
            else:
                yield from found

    def store_rest():
        if batches is not None:
            batches.finish()
            print(batches.summary(), file=sys.stderr)

    tmp_name = None
    try:
        if out_path is None:
            if batches is None:
                write_records(rows(), sys.stdout, args.format, agreements=args.records)
            else:  # --db without --output: nothing on stdout
                for _ in rows():
                    pass
                store_rest()
        else:
            # Atomic output: write a temporary file beside the target, rename it when complete
            # (or, on Ctrl-C, when every line written so far is complete: --resume goes on from it).
            fd, tmp_name = tempfile.mkstemp(prefix=f".{out_path.name}.", dir=out_path.parent or Path("."))
            os.chmod(tmp_name, 0o666 & ~_umask())  # the permissions of any file a tool writes
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
                try:
                    if done:
                        with open(out_path, encoding="utf-8") as previous:
                            for line in previous:
                                if line.endswith("\n"):
                                    out.write(line)
                    write_records(rows(), out, args.format, agreements=args.records)
                    store_rest()
                except KeyboardInterrupt:
                    out.flush()
                    os.replace(tmp_name, out_path)
                    tmp_name = None
                    raise
            os.replace(tmp_name, out_path)
            tmp_name = None
    except KeyboardInterrupt:
        bar.close()
        where = ""
        if out_path is not None and tmp_name is None:
            where = f"; the output so far is in {out_path}" + (
                " (run the same command with --resume to go on)" if args.format == "jsonl" else "")
        if batches is not None:
            where += f"; the database {args.db} keeps every batch stored before the interrupt"
        print(f"interrupted after {tally.documents} document(s){where}", file=sys.stderr)
        if tmp_name is not None:
            os.unlink(tmp_name)
        return 130
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except db_errors as e:  # the database refused a batch: the batches before it stay stored
        print(f"error: {e}", file=sys.stderr)
        return 2
    finally:
        if tmp_name is not None and os.path.exists(tmp_name):
            os.unlink(tmp_name)
        bar.close()
    if tally.errors:
        print(tally.summary(), file=sys.stderr)
    return 0


class _Tally:
    """Documents written, and the ones that failed (with ``--skip-errors``)."""

    def __init__(self) -> None:
        self.documents = 0
        self.errors: List[tuple] = []

    def add(self, d: Any) -> None:
        self.documents += 1
        if d.error is not None:
            self.errors.append((d.id, d.error))

    def summary(self, show: int = 5) -> str:
        lines = [f"{len(self.errors)} of {self.documents} document(s) failed and were written as error records:"]
        lines += [f"  {doc_id}: {error}" for doc_id, error in self.errors[:show]]
        if len(self.errors) > show:
            lines.append(f"  ... and {len(self.errors) - show} more")
        return "\n".join(lines)


def _umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask


def main(argv: Optional[List[str]] = None) -> int:
    """Entry point of ``python -m kcx_nlp``."""
    from .cli import plain

    parser = argparse.ArgumentParser(prog="python -m kcx_nlp", description=plain(__doc__))
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("extract", help="extract entities and relations from .txt/.jsonl files or folders")
    p.add_argument("inputs", nargs="+", help=".txt files (id = file stem), .jsonl files of {id, text, date?, lang?}, or folders")
    p.add_argument("--output", "-o", help="output file (default: stdout)")
    p.add_argument("--format", choices=["jsonl", "csv"], default="jsonl",
                   help="jsonl: one record per document; csv: a row per document, entity and relation")
    p.add_argument("--date", help="fallback publication date YYYY-MM-DD: for documents that have no date of their "
                                  "own (JSONL field) and state none in their text")
    p.add_argument("--model", help="pipeline name or path (default: the installed/bundled kcx pipeline)")
    p.add_argument("--gpu", default="auto", help="auto, -1 (CPU) or a GPU id")
    p.add_argument("--html", metavar="DIR", help="also write a displaCy page of entities and relations per document")
    p.add_argument("--batch-size", type=int, default=32, help="documents per batch given to the pipeline")
    p.add_argument("--encoding", default="utf-8", help="text encoding of the input files")
    p.add_argument("--errors", choices=["strict", "replace"], default="strict", help="how to treat undecodable bytes")
    p.add_argument("--skip-errors", action="store_true",
                   help="write an error record for a bad document and go on (one output line per input)")
    p.add_argument("--resume", action="store_true", help="skip documents whose id is already in --output")
    p.add_argument("--engine", choices=["local", "dask"], default="local",
                   help="dask: one partition per input file on a Dask cluster (pip install kcx-nlp[dist])")
    p.add_argument("--workers", type=int, default=2, help="worker processes of the local cluster for --engine dask")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786 (--engine dask)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--records", action="store_true",
                   help="write one agreement record per agreement (type, parties, signatories, date, evidence)")
    p.add_argument("--db", metavar="DATABASE",
                   help="also store documents, entities, relations and merged agreements in this database: "
                        "a file path (SQLite) or a database URL such as postgresql://user@host/name; "
                        "documents already stored are skipped; without --output nothing is written to stdout")
    p.add_argument("--db-batch-size", type=int, default=256, metavar="N",
                   help="documents stored per database transaction; a run that stops keeps the batches "
                        "committed before it, and running it again skips them")
    p.set_defaults(func=cmd_extract)
    r = sub.add_parser("records", help="agreement records from extract output: build them, or merge them across documents")
    r.add_argument("action", choices=["build", "merge", "query"],
                   help="build: one record per agreement per document; merge: one per agreement across documents; "
                        "query: the merged agreements stored in a database by extract --db")
    r.add_argument("inputs", nargs="*",
                   help="build, merge: JSONL of document records (extract) or agreement records (extract --records)")
    r.add_argument("--output", "-o", help="output file (default: stdout)")
    r.add_argument("--format", choices=["jsonl", "csv"], default="jsonl",
                   help="jsonl: one agreement record per line; csv: one readable row per agreement")
    r.add_argument("--window-days", type=int, default=30,
                   help="merge: how far apart publication dates may be when a signing date is unknown")
    r.add_argument("--min-overlap", type=float, default=0.6,
                   help="merge: word overlap of evidence sentences needed when one record names no party")
    r.add_argument("--db", metavar="DATABASE", help="query: the database, a file path (SQLite) or a database URL")
    r.add_argument("--party",
                   help="query: agreements with this party, by canonical name, gazetteer id or the text an "
                        "article used (whole name, any case), for example Gwangju, KR-gwangju or 광주시")
    r.add_argument("--country", help="query: agreements with a party of this country code, for example CN")
    r.add_argument("--type", help="query: agreements of this type, for example sister_city or mou")
    r.add_argument("--since", metavar="DATE",
                   help="query: agreements signed on or after this date (YYYY, YYYY-MM or YYYY-MM-DD); "
                        "agreements with no known signing date are left out")
    r.add_argument("--until", metavar="DATE",
                   help="query: agreements signed on or before this date (YYYY, YYYY-MM or YYYY-MM-DD)")
    r.set_defaults(func=cmd_records)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
