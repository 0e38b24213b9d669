"""Reading documents to process: ``.txt`` files (id = file stem) and ``.jsonl`` files of
``{"id", "text", "date"?, "lang"?}``; folders are searched for both."""
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, List, Optional, Sequence, Union


class InputError(ValueError):
    """An input cannot be read; the message names the file (and line or byte offset)."""


@dataclass
class InputDoc:
    """One document to process."""

    id: str
    text: str
    date: Optional[str] = None
    lang: Optional[str] = None


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


def _decode(path: Path, data: bytes, encoding: str, errors: str) -> str:
    try:
        return data.decode(encoding, errors=errors)
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: invalid {encoding} at byte {e.start} (use --encoding or --errors replace)") from None


def read_inputs(
    paths: Sequence[Union[str, Path]], encoding: str = "utf-8", errors: str = "strict"
) -> Iterator[InputDoc]:
    """Yield documents in input order; raises :class:`InputError` on the first bad input."""
    for path in expand_inputs(paths):
        if path.suffix == ".jsonl":
            with open(path, "rb") as f:
                for n, raw in enumerate(f, start=1):
                    line = _decode(path, raw, encoding, errors)
                    if not line.strip():
                        continue
                    try:
                        obj = json.loads(line)
                    except json.JSONDecodeError as e:
                        raise InputError(f"{path}:{n}: not valid JSON ({e.msg})") from None
                    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                        raise InputError(f"{path}:{n}: expected an object with a string 'text'")
                    yield InputDoc(str(obj.get("id", f"{path.stem}:{n}")), obj["text"], obj.get("date"), obj.get("lang"))
        else:
            text = _decode(path, path.read_bytes(), encoding, errors)
            yield InputDoc(path.stem, text)
