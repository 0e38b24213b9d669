"""Gazetteer-match features added to the tok2vec input.

``kcx.GazetteerHashEmbed.v1`` is spaCy's ``MultiHashEmbed`` concatenated with, for every token,
binary flags: begins/continues a gazetteer match of JURISDICTION, TITLE or AGREEMENT (longest
match, case-insensitive for Latin script), is a common surname, is a month or weekday name.
A Maxout layer mixes both into the embedding width. The model learns how far to trust the flags.
"""
from typing import Dict, List, Sequence

import numpy
from spacy.ml.models.tok2vec import MultiHashEmbed
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Maxout, Model, chain, concatenate, with_array
from thinc.types import Floats2d

from ..gazetteer import HANGUL_SURNAMES, SURNAMES, default_gazetteer, normalize_surface
from ..schema import AGREEMENT, JURISDICTION, TITLE

MATCH_LABELS = (JURISDICTION, TITLE, AGREEMENT)
FEATURES: List[str] = [f"{p}-{label}" for label in MATCH_LABELS for p in ("B", "I")] + ["SURNAME", "MONTH"]
MONTH_WORDS = frozenset(
    "January February March April May June July August September October November December "
    "Jan. Feb. Mar. Apr. Jun. Jul. Aug. Sep. Sept. Oct. Nov. Dec. Jan Feb Aug Sept Oct Nov Dec "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
)


def doc_features(doc: Doc, table: Dict[str, str], max_tokens: int, max_chars: int) -> numpy.ndarray:
    """The feature matrix ``(len(doc), len(FEATURES))`` of one document."""
    n = len(doc)
    out = numpy.zeros((n, len(FEATURES)), dtype="float32")
    if n == 0:
        return out
    text = doc.text
    starts = [t.idx for t in doc]
    ends = [t.idx + len(t.text) for t in doc]
    col = {label: 2 * k for k, label in enumerate(MATCH_LABELS)}
    i = 0
    while i < n:
        matched = 0
        if not doc[i].is_space and not doc[i].is_punct:
            for j in range(min(n, i + max_tokens), i, -1):
                if ends[j - 1] - starts[i] > max_chars:
                    continue
                label = table.get(normalize_surface(text[starts[i]:ends[j - 1]]))
                if label is not None:
                    out[i, col[label]] = 1.0
                    out[i + 1:j, col[label] + 1] = 1.0
                    matched = j - i
                    break
        i += matched or 1
    surname, month = FEATURES.index("SURNAME"), FEATURES.index("MONTH")
    for k, token in enumerate(doc):
        word = token.text
        if word in SURNAMES or (len(word) == 3 and word[0] in HANGUL_SURNAMES and token.is_alpha):
            out[k, surname] = 1.0
        if word in MONTH_WORDS:
            out[k, month] = 1.0
    return out


def gazetteer_features(max_tokens: int = 8) -> Model[List[Doc], List[Floats2d]]:
    """A parameter-free layer mapping each ``Doc`` to its gazetteer feature matrix."""
    return Model(
        "kcx_gazetteer_features", _forward, attrs={"max_tokens": max_tokens}, dims={"nO": len(FEATURES)}
    )


def _forward(model: Model, docs: Sequence[Doc], is_train: bool):
    table = _table()
    max_chars = max((len(k) for k in table), default=0)
    outputs = [model.ops.asarray2f(doc_features(doc, table, model.attrs["max_tokens"], max_chars)) for doc in docs]
    return outputs, lambda d_outputs: []


_TABLE: Dict[str, str] = {}


def _table() -> Dict[str, str]:
    if not _TABLE:
        _TABLE.update(default_gazetteer().table())
    return _TABLE


@registry.architectures("kcx.GazetteerHashEmbed.v1")
def gazetteer_hash_embed(
    width: int,
    attrs: List[str],
    rows: List[int],
    include_static_vectors: bool = False,
    max_gazetteer_tokens: int = 8,
) -> Model[List[Doc], List[Floats2d]]:
    """spaCy's ``MultiHashEmbed`` plus gazetteer-match features, mixed to ``width``."""
    embed = MultiHashEmbed(width=width, attrs=attrs, rows=rows, include_static_vectors=include_static_vectors)
    features = gazetteer_features(max_gazetteer_tokens)
    mix = with_array(Maxout(width, width + len(FEATURES), nP=3, normalize=True))
    return chain(concatenate(embed, features), mix)


@registry.architectures("kcx.GazetteerConcat.v1")
def gazetteer_concat(
    tok2vec: Model[List[Doc], List[Floats2d]], width: int, max_gazetteer_tokens: int = 8
) -> Model[List[Doc], List[Floats2d]]:
    """Any token-vector layer of output ``width`` (a transformer listener, for instance) with the
    gazetteer-match features concatenated, mixed back to ``width`` by a Maxout layer."""
    features = gazetteer_features(max_gazetteer_tokens)
    mix = with_array(Maxout(width, width + len(FEATURES), nP=3, normalize=True))
    return chain(concatenate(_docs_input(tok2vec), features), mix)


def _docs_input(layer: Model[List[Doc], List[Floats2d]]) -> Model[List[Doc], List[Floats2d]]:
    """``layer`` with a backward pass that returns an (empty) gradient for its ``Doc`` input, as
    ``concatenate`` expects; listeners return none."""
    def forward(model: Model, docs: List[Doc], is_train: bool):
        outputs, backprop = layer(docs, is_train)

        def backward(d_outputs: List[Floats2d]) -> list:
            backprop(d_outputs)
            return []
        return outputs, backward

    return Model("kcx_docs_input", forward, layers=[layer], dims={"nO": layer.get_dim("nO") if layer.has_dim("nO") else None})
