"""Reading documents to process: ``.txt`` files (id = file stem) and ``.jsonl`` files of
``{"id", "text", "date"?, "lang"?}``; folders are searched for both.

Inputs are streamed: a JSONL file of millions of lines is read one line at a time. A bad input
(missing file, undecodable bytes, a line that is not JSON or lacks ``text``) raises
:class:`InputError` naming the file and line or byte offset, or, with ``skip_errors``, is yielded
as an :class:`InputDoc` whose ``error`` is set, at its position in the stream.
"""
import json
from datetime import date
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, List, Optional, Sequence, Union


class InputError(ValueError):
    """An input cannot be read; the message names the file (and line or byte offset)."""


@dataclass
class InputDoc:
    """One document to process (``error`` is set for an unreadable one in skip-errors mode)."""

    id: str
    text: str
    date: Optional[str] = None
    lang: Optional[str] = None
    error: Optional[str] = None


def check_date(where: str, value: object) -> None:
    """Raise :class:`InputError` unless ``value`` is ``None`` or a ``YYYY-MM-DD`` date."""
    if value is None:
        return
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError
        date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{where}: publication date {value!r} is not YYYY-MM-DD") from None


def expand_inputs(paths: Sequence[Union[str, Path]]) -> List[Path]:
    """Files named on the command line, with folders replaced by their ``.txt``/``.jsonl`` files."""
    files: List[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.suffix in (".txt", ".jsonl") and f.is_file())
            if not found:
                raise InputError(f"{p}: folder contains no .txt or .jsonl files")
            files.extend(found)
        elif p.is_file():
            files.append(p)
        else:
            raise InputError(f"{p}: no such file or folder")
    return files


def count_documents(files: Sequence[Path]) -> int:
    """Number of documents in ``files`` (non-blank JSONL lines, one per text file), read in binary."""
    n = 0
    for path in files:
        if path.suffix == ".jsonl":
            with open(path, "rb") as f:
                n += sum(1 for line in f if line.strip())
        else:
            n += 1
    return n


#: A text whose decoding replaces more than this share of its characters (mostly undecodable) is binary data.
MAX_REPLACED_SHARE = 0.5


def total_bytes(files: Sequence[Path]) -> int:
    """Size of ``files`` in bytes (the progress bar's total)."""
    return sum(path.stat().st_size for path in files)


def _decode(where: str, data: bytes, encoding: str, errors: str, base: int = 0) -> str:
    """``data`` decoded; binary data (a NUL byte, or mostly undecodable bytes even under
    ``errors="replace"``) is refused as not text rather than turned into replacement characters."""
    nul = data.find(b"\x00")
    if nul >= 0 and not encoding.lower().replace("-", "").startswith("utf16"):
        raise InputError(f"{where}: not a text file (NUL byte at byte {base + nul})")
    try:
        text = data.decode(encoding, errors=errors)
    except UnicodeDecodeError as e:
        raise InputError(f"{where}: invalid {encoding} at byte {base + e.start} "
                         f"(use --encoding or --errors replace)") from None
    if errors == "replace" and text:
        replaced = text.count("\ufffd") - data.decode(encoding, errors="ignore").count("\ufffd")
        if replaced > MAX_REPLACED_SHARE * len(text):
            raise InputError(f"{where}: not a text file ({replaced} of {len(text)} characters undecodable as {encoding})")
    return text


def _jsonl_docs(path: Path, encoding: str, errors: str) -> Iterator[InputDoc]:
    offset = 0
    with open(path, "rb") as f:
        for n, raw in enumerate(f, start=1):
            start, offset = offset, offset + len(raw)
            if not raw.strip():
                continue
            fallback_id = doc_id = f"{path.stem}:{n}"
            where = f"{path}:{n}"
            try:
                line = _decode(where, raw, encoding, errors, base=start)
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as e:
                    raise InputError(f"{where}: not valid JSON: {e}") from None
                if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                    raise InputError(f"{where}: expected an object with a string 'text'")
                doc_id = str(obj.get("id", fallback_id))
                check_date(f"{where} (id {doc_id!r})", obj.get("date"))
            except InputError as e:
                yield InputDoc(doc_id, "", error=str(e))
                continue
            yield InputDoc(str(obj.get("id", fallback_id)), obj["text"], obj.get("date"), obj.get("lang"))


def read_inputs(
    paths: Sequence[Union[str, Path]], encoding: str = "utf-8", errors: str = "strict", skip_errors: bool = False
) -> Iterator[InputDoc]:
    """Yield documents in input order.

    Raises :class:`InputError` on the first bad document unless ``skip_errors`` is set, in which
    case the bad document is yielded with ``error`` set and reading goes on.
    """
    for path in expand_inputs(paths):
        if path.suffix == ".jsonl":
            docs: Iterator[InputDoc] = _jsonl_docs(path, encoding, errors)
        else:
            try:
                docs = iter([InputDoc(path.stem, _decode(str(path), path.read_bytes(), encoding, errors))])
            except InputError as e:
                docs = iter([InputDoc(path.stem, "", error=str(e))])
        for doc in docs:
            if doc.error is not None and not skip_errors:
                raise InputError(doc.error)
            yield doc
