"""``python -m kcx_nlp.corpus``: validate, count, convert and split annotation files."""
import argparse
import json
import sys
from pathlib import Path
from typing import List, Optional

from .records import CorpusError, check_files, iter_jsonl, read_records, write_records


def _nlp():
    from .convert import reader

    return reader()


def _load_all(paths: List[str], validate: bool = True) -> list:
    records = []
    for path in paths:
        records.extend(read_records(path, validate=validate))
    return records


def cmd_validate(args: argparse.Namespace) -> int:
    problems = check_files(args.files, nlp=None if args.no_align else _nlp())
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {len(args.files)} file(s)", file=sys.stderr)
        return 1
    n = sum(1 for path in args.files for _ in iter_jsonl(path))
    print(f"ok: {n} document(s) in {len(args.files)} file(s)")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from .stats import corpus_stats, format_stats

    stats = corpus_stats(_load_all(args.files))
    print(json.dumps(stats, ensure_ascii=False, indent=2) if args.json else format_stats(stats))
    return 0


def cmd_align(args: argparse.Namespace) -> int:
    from .stats import alignment

    result = alignment(_load_all(args.files, validate=False), _nlp())
    for lang, row in sorted(result.items()):
        print(f"{lang:8} {row['aligned']:>6}/{row['spans']:<6} {100 * row['ratio']:.2f}% aligned")
    for item in result.get("all", {}).get("misaligned", [])[: args.show]:
        print("  misaligned:", item)
    return 0 if result.get("all", {}).get("ratio", 1.0) >= args.min_ratio else 1


def _markup_records(paths, source_root=None, nlp=None):
    """Records of markup files and every problem found in them (format, guidelines, duplicate ids)."""
    from .markup import read_markup
    from .records import record_problems

    records, problems = [], []
    for path in paths:
        try:
            recs = read_markup(path, source_root=source_root)
        except CorpusError as e:
            problems.extend(e.problems)
            continue
        for record in recs:
            problems.extend(f"{path}: document {record['id']!r}: {p}" for p in record_problems(record, nlp=nlp))
        records.extend(recs)
    ids = [r["id"] for r in records]
    problems.extend(f"duplicate document id {i!r}" for i in sorted({i for i in ids if ids.count(i) > 1}))
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s); nothing written", file=sys.stderr)
    return records, problems


def cmd_markup(args: argparse.Namespace) -> int:
    records, problems = _markup_records(args.files, args.source_root, None if args.no_align else _nlp())
    if problems:
        return 1
    if args.output:
        write_records(records, args.output)
    n_ents = sum(len(r["entities"]) for r in records)
    n_rels = sum(len(r["relations"]) for r in records)
    print(f"ok: {len(records)} document(s), {n_ents} entities, {n_rels} relations"
          + (f" -> {args.output}" if args.output else ""))
    return 0


def cmd_split(args: argparse.Namespace) -> int:
    from .split import train_dev_split

    train, dev = train_dev_split(_load_all(args.files), dev_size=args.dev_size, seed=args.seed)
    write_records(train, args.train)
    write_records(dev, args.dev)
    print(f"train: {len(train)} -> {args.train}; dev: {len(dev)} -> {args.dev}")
    return 0


#: The corpora ``build`` makes: markup sources -> the split files they go to.
CORPORA = (
    ("written", "written_*.md", ("train", "dev")),         # v1: train/dev only (datasets, stratified by language)
    ("v2", "v2_*.md", ("train", "dev", "test")),           # real-news v2: frozen test split by event
)


def cmd_build(args: argparse.Namespace) -> int:
    """Markup sources -> validated records -> deterministic split files, refused on any held-out leak.

    ``annotations/src/written_*.md`` go to ``train/written.jsonl`` and ``dev/written.jsonl``;
    ``annotations/src/v2_*.md`` to ``train/v2.jsonl``, ``dev/v2.jsonl`` and the frozen
    ``test/v2.jsonl`` (split by ``meta.event``). Nothing is written when a test or seed document
    shares a passage of 200 characters or more with a train or dev document.
    """
    from .leakage import shared_passages
    from .split import train_dev_split, train_dev_test_split

    src, out = Path(args.src), Path(args.output)
    outputs = {}
    for name, pattern, parts in CORPORA:
        paths = sorted(src.glob(pattern))
        if not paths:
            continue
        records, problems = _markup_records(paths, nlp=_nlp())
        if problems:
            return 1
        if parts == ("train", "dev"):
            split = train_dev_split(records, dev_size=args.dev_size, seed=args.seed)
        else:
            split = train_dev_test_split(records, dev_size=args.v2_dev_size, test_size=args.test_size, seed=args.seed)
        for part, recs in zip(parts, split):
            outputs[out / part / f"{name}.jsonl"] = recs
    seeds = list(read_records(args.seeds)) if Path(args.seeds).exists() else []
    held_out = [r for path, recs in outputs.items() if path.parent.name == "test" for r in recs] + seeds
    training = [r for path, recs in outputs.items() if path.parent.name != "test" for r in recs]
    leaks = shared_passages(held_out, training)
    for leak in leaks:
        print(f"held-out document {leak['held_out']!r} shares {leak['chars']} characters with training document "
              f"{leak['training']!r}: {leak['passage']!r}", file=sys.stderr)
    if leaks:
        print(f"{len(leaks)} leak(s); nothing written", file=sys.stderr)
        return 1
    for path, recs in outputs.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_records(recs, path)
        print(f"{len(recs):4} document(s) -> {path}")
    return 0


def cmd_docbin(args: argparse.Namespace) -> int:
    from .convert import records_to_docbin

    db = records_to_docbin(_nlp(), _load_all(args.files))
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    db.to_disk(args.output)
    print(f"{len(db)} document(s) -> {args.output}")
    return 0


def cmd_doccano_export(args: argparse.Namespace) -> int:
    from .doccano import record_to_doccano

    n = write_records((record_to_doccano(r) for r in _load_all(args.files)), args.output)
    print(f"{n} document(s) -> {args.output}")
    return 0


def cmd_doccano_import(args: argparse.Namespace) -> int:
    from .doccano import doccano_to_record
    from .records import validate_record

    records = []
    for path in args.files:
        for n, item in iter_jsonl(path):
            record = doccano_to_record(item, default_id=f"{Path(path).stem}-{n}", lang=args.lang, date=args.date)
            validate_record(record, path=path, line=n)
            records.append(record)
    write_records(records, args.output)
    print(f"{len(records)} document(s) -> {args.output}")
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    """Entry point of ``python -m kcx_nlp.corpus``."""
    from ..cli import plain

    parser = argparse.ArgumentParser(prog="python -m kcx_nlp.corpus", description=plain(__doc__))
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check record JSONL files against the guidelines")
    p.add_argument("files", nargs="+", help="record JSONL files")
    p.add_argument("--no-align", action="store_true", help="skip the token-boundary check")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("stats", help="documents, entities and relations per label and language")
    p.add_argument("files", nargs="+", help="record JSONL files")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("align", help="share of gold spans on token boundaries, per language")
    p.add_argument("files", nargs="+", help="record JSONL files")
    p.add_argument("--show", type=int, default=20, help="how many misaligned spans to list")
    p.add_argument("--min-ratio", type=float, default=0.995, help="exit 1 when a language has fewer spans on token boundaries than this share")
    p.set_defaults(func=cmd_align)

    p = sub.add_parser("markup", help="convert inline-markup files to record JSONL")
    p.add_argument("files", nargs="+", help="inline-markup files (.md)")
    p.add_argument("--output", "-o", help="record JSONL file (default: stdout)")
    p.add_argument("--source-root", help="folder that header 'source=' paths are relative to")
    p.add_argument("--no-align", action="store_true", help="skip the token-boundary check")
    p.set_defaults(func=cmd_markup)

    p = sub.add_parser("split", help="deterministic train/dev split by document")
    p.add_argument("files", nargs="+", help="record JSONL files")
    p.add_argument("--train", required=True, help="record JSONL file for the training documents")
    p.add_argument("--dev", required=True, help="record JSONL file for the dev documents")
    p.add_argument("--dev-size", type=float, default=0.2, help="share of documents that go to dev")
    p.add_argument("--seed", type=int, default=0, help="split seed")
    p.set_defaults(func=cmd_split)

    p = sub.add_parser("build", help="markup sources -> train/dev/test record files (refused on held-out leaks)")
    p.add_argument("--src", default="annotations/src", help="folder of written_*.md and v2_*.md markup sources")
    p.add_argument("--output", "-o", default="annotations", help="folder that gets train/, dev/ and test/")
    p.add_argument("--seeds", default="annotations/gold/seeds.jsonl", help="seed articles, checked for leaks")
    p.add_argument("--dev-size", type=float, default=0.2, help="dev share of the v1 written corpus")
    p.add_argument("--v2-dev-size", type=float, default=0.15, help="dev share of the v2 corpus (by event)")
    p.add_argument("--test-size", type=float, default=0.36, help="test share of the v2 corpus (by event)")
    p.add_argument("--seed", type=int, default=0, help="split seed")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("docbin", help="convert records to a spaCy DocBin (.spacy)")
    p.add_argument("files", nargs="+", help="record JSONL files")
    p.add_argument("--output", "-o", required=True, help=".spacy file to write")
    p.set_defaults(func=cmd_docbin)

    p = sub.add_parser("doccano-export", help="write records as doccano relation JSONL")
    p.add_argument("files", nargs="+", help="record JSONL files")
    p.add_argument("--output", "-o", required=True, help="doccano JSONL file to write")
    p.set_defaults(func=cmd_doccano_export)

    p = sub.add_parser("doccano-import", help="read doccano relation JSONL into records")
    p.add_argument("files", nargs="+", help="doccano relation JSONL files")
    p.add_argument("--output", "-o", required=True, help="record JSONL file to write")
    p.add_argument("--lang", choices=["en", "ko", "mixed"], help="language for lines that lack kcx_lang")
    p.add_argument("--date", help="publication date for lines that lack kcx_date")
    p.set_defaults(func=cmd_doccano_import)

    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except CorpusError as e:
        print(str(e), file=sys.stderr)
        return 1
    except OSError as e:
        print(f"error: {e.filename}: {e.strerror}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
