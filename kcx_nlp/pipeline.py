"""Loading the trained pipeline and extracting one record from a text."""
import re
from pathlib import Path
from typing import Any, Dict, Optional, Union

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from .corpus.convert import doc_to_record

PACKAGE_NAME = "xx_kcx_core"
BUNDLED_MODEL = Path(__file__).resolve().parent.parent / "models" / "kcx_core"
HANGUL_RE = re.compile(r"[\uac00-\ud7a3]")
LATIN_RE = re.compile(r"[A-Za-z]")

_LOADED: Dict[str, Language] = {}


def detect_lang(text: str) -> str:
    """``ko`` when Hangul letters dominate, ``en`` when they are under 10 %, else ``mixed``."""
    hangul = len(HANGUL_RE.findall(text))
    latin = len(LATIN_RE.findall(text))
    share = hangul / (hangul + latin) if hangul + latin else 0.0
    if share < 0.1:
        return "en"
    return "ko" if share >= 0.8 else "mixed"


def load(name_or_path: Optional[Union[str, Path]] = None, gpu: Union[str, int] = "auto") -> Language:
    """The kcx pipeline: ``name_or_path`` if given, else the installed ``xx_kcx_core`` package,
    else the pipeline bundled under ``models/kcx_core`` in a source checkout.

    ``gpu``: ``"auto"`` uses a GPU when one is usable (else the CPU), ``-1`` forces the CPU.
    """
    from .training.device import use_device

    use_device(gpu)
    if name_or_path is not None:
        return spacy.load(name_or_path)
    try:
        return spacy.load(PACKAGE_NAME)
    except OSError:
        pass
    if BUNDLED_MODEL.is_dir():
        return spacy.load(BUNDLED_MODEL)
    raise OSError(
        f"no kcx pipeline found: install the {PACKAGE_NAME} package (see README) "
        f"or train one with `python -m kcx_nlp.train --output {BUNDLED_MODEL}`"
    )


def _default_nlp() -> Language:
    if "default" not in _LOADED:
        _LOADED["default"] = load()
    return _LOADED["default"]


def doc_record(doc: Doc, doc_id: Any = None, date: Optional[str] = None, lang: Optional[str] = None) -> Dict[str, Any]:
    """The guidelines' JSONL record of a processed ``Doc``; entities carry their ``text``."""
    doc.user_data["kcx_id"] = doc_id
    doc.user_data["kcx_date"] = date
    doc.user_data["kcx_lang"] = lang or detect_lang(doc.text)
    return doc_to_record(doc, with_text=True, with_scores=True)


def extract(text: str, date: Optional[str] = None, lang: Optional[str] = None, nlp: Optional[Language] = None) -> Dict[str, Any]:
    """Extract one record (guidelines' JSONL format) from ``text`` with the default pipeline.

    ``date`` is the publication date (``YYYY-MM-DD``) and ``lang`` the language (``en``, ``ko``,
    ``mixed``; detected when omitted).
    """
    if not isinstance(text, str):
        raise TypeError(f"extract() expects str, got {type(text).__name__}")
    nlp = nlp or _default_nlp()
    return doc_record(nlp(text), date=date, lang=lang)
