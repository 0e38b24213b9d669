"""``kcx.RelationScorer.v1``: scores candidate entity pairs for the five relation types.

Candidates are ordered pairs of entities in one sentence whose labels fit a relation's
signature (see :data:`kcx_nlp.schema.RELATIONS`), at most ``max_distance`` tokens apart. Each
pair is represented by the mean tok2vec vectors of the head, the tail and the tokens between
them, plus pair features (order, distance, entities/commas/brackets/line breaks between, the
label pair). A PyTorch MLP (wrapped for thinc with ``PyTorchWrapper``) maps this to one logit
per relation type; the component applies a sigmoid and per-type thresholds.
"""
from bisect import bisect_left
import math
from typing import Callable, List, Optional, Sequence, Tuple

import numpy
from spacy.tokens import Doc, Span
from spacy.util import registry
from thinc.api import Model, PyTorchWrapper
from thinc.types import Floats2d

from ..sentences import sentence_starts
from ..schema import RELATIONS

REL_LABELS: Tuple[str, ...] = tuple(RELATIONS)
SIGNATURE_TO_REL = {sig: i for i, sig in enumerate(RELATIONS.values())}
DIST_BUCKETS = 8
N_PAIR_FEATURES = 1 + DIST_BUCKETS + 4 + 5 + len(REL_LABELS)

Pair = Tuple[Span, Span]


def sentence_spans(doc: Doc) -> List[Tuple[int, int]]:
    """Token ranges of the sentences: ``doc.sents`` if set, else the kcx sentence rules."""
    if doc.has_annotation("SENT_START"):
        return [(s.start, s.end) for s in doc.sents]
    starts = [i for i, s in enumerate(sentence_starts(doc)) if s] + [len(doc)]
    return list(zip(starts, starts[1:]))


def candidate_pairs(doc: Doc, max_distance: int = 60) -> List[Pair]:
    """Ordered entity pairs in one sentence whose label pair fits a relation signature."""
    pairs: List[Pair] = []
    ents = list(doc.ents)
    if len(ents) < 2:
        return pairs
    starts = [e.start for e in ents]  # doc.ents are in document order
    for start, end in sentence_spans(doc):
        first = bisect_left(starts, start)  # only the entities of this sentence: linear in the document
        inside = []
        for e in ents[first:bisect_left(starts, end)]:
            if e.end <= end:
                inside.append(e)
        for head in inside:
            for tail in inside:
                if head is tail or (head.label_, tail.label_) not in SIGNATURE_TO_REL:
                    continue
                gap = max(tail.start - head.end, head.start - tail.end)
                if gap <= max_distance:
                    pairs.append((head, tail))
    return pairs


def pair_features(doc: Doc, head: Span, tail: Span, n_ents_between: int) -> numpy.ndarray:
    """Non-learned features of one candidate pair."""
    f = numpy.zeros((N_PAIR_FEATURES,), dtype="float32")
    f[0] = 1.0 if head.start < tail.start else 0.0
    lo, hi = (head.end, tail.start) if head.start < tail.start else (tail.end, head.start)
    gap = max(hi - lo, 0)
    f[1 + min(int(math.log2(gap + 1)), DIST_BUCKETS - 1)] = 1.0
    between = doc[lo:hi] if hi > lo else doc[lo:lo]
    texts = [t.text for t in between]
    base = 1 + DIST_BUCKETS
    f[base] = 1.0 if "," in texts or "，" in texts else 0.0
    f[base + 1] = 1.0 if any(t in ("(", ")", "（", "）") for t in texts) else 0.0
    f[base + 2] = 1.0 if any(t in ("and", "와", "과", "및", "with") for t in texts) else 0.0
    f[base + 3] = 1.0 if any(t in ("'s", "’s", "of", "의") for t in texts) else 0.0
    base += 4
    f[base + min(n_ents_between, 4)] = 1.0
    base += 5
    f[base + SIGNATURE_TO_REL[(head.label_, tail.label_)]] = 1.0
    return f


def _pair_tensor(ops, docs: Sequence[Doc], tokvecs: List[Floats2d], pairs: List[List[Pair]]):
    """Stack pair representations; returns the matrix and a backprop callback to ``tokvecs``."""
    width = tokvecs[0].shape[1] if tokvecs else 0
    rows = []
    slices = []  # (doc index, [(start, end) for head, tail, between])
    for d, (doc, vecs, doc_pairs) in enumerate(zip(docs, tokvecs, pairs)):
        ent_starts = sorted(e.start for e in doc.ents)
        for head, tail in doc_pairs:
            lo, hi = (head.end, tail.start) if head.start < tail.start else (tail.end, head.start)
            ranges = [(head.start, head.end), (tail.start, tail.end), (lo, hi) if hi > lo else (lo, lo)]
            parts = [vecs[s:e].mean(axis=0) if e > s else ops.alloc1f(width) for s, e in ranges]
            n_between = sum(1 for s in ent_starts if lo <= s < hi)
            feats = ops.asarray1f(pair_features(doc, head, tail, n_between))
            rows.append(ops.xp.concatenate(parts + [feats]))
            slices.append((d, ranges))
    n_in = 3 * width + N_PAIR_FEATURES
    X = ops.xp.stack(rows) if rows else ops.alloc2f(0, n_in)

    def backprop(dX: Floats2d) -> List[Floats2d]:
        d_tokvecs = [ops.alloc2f(*v.shape) for v in tokvecs]
        for k, (d, ranges) in enumerate(slices):
            for j, (s, e) in enumerate(ranges):
                if e > s:
                    d_tokvecs[d][s:e] += dX[k, j * width:(j + 1) * width] / (e - s)
        return d_tokvecs

    return ops.asarray2f(X), backprop


_FORK_HOOK = []


def _single_thread_torch_in_forked_children() -> None:
    """PyTorch's OpenMP thread pool is not fork-safe: a child forked by ``nlp.pipe(n_process=2)``
    after the parent ran the scorer would hang on its first matrix product. Children use one
    torch thread each instead (they are the parallelism)."""
    import os

    import torch

    if not _FORK_HOOK and hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=lambda: torch.set_num_threads(1))
        _FORK_HOOK.append(True)


def _torch_mlp(n_in: int, hidden_width: int, dropout: float):
    import torch

    _single_thread_torch_in_forked_children()
    return torch.nn.Sequential(
        torch.nn.Linear(n_in, hidden_width),
        torch.nn.ReLU(),
        torch.nn.Dropout(dropout),
        torch.nn.Linear(hidden_width, len(REL_LABELS)),
    )


@registry.architectures("kcx.RelationScorer.v1")
def relation_scorer(
    tok2vec: Model[List[Doc], List[Floats2d]],
    width: int,
    hidden_width: int = 128,
    dropout: float = 0.1,
    max_distance: int = 60,
) -> Model[List[Doc], Tuple[Floats2d, List[List[Pair]]]]:
    """Scores candidate pairs of ``doc.ents``; output ``(logits, pairs per doc)``."""
    mlp = PyTorchWrapper(_torch_mlp(3 * width + N_PAIR_FEATURES, hidden_width, dropout))
    return Model(
        "kcx_relation_scorer",
        _forward,
        layers=[tok2vec, mlp],
        attrs={"max_distance": max_distance},
        dims={"nO": len(REL_LABELS)},
        init=_init,
    )


def _init(model: Model, X: Optional[List[Doc]] = None, Y=None) -> Model:
    model.layers[0].initialize(X=X)
    return model


def no_pairs_output(model: Model, tokvecs: List[Floats2d], bp_tokvecs: Callable, pairs: List[List[Pair]]):
    """The output of a scorer for a batch without candidate pairs: no logits, zero gradients to the tok2vec."""
    def backprop_empty(d_logits: Floats2d) -> List[Doc]:
        bp_tokvecs([model.ops.alloc2f(*v.shape) for v in tokvecs])
        return []

    return (model.ops.alloc2f(0, len(REL_LABELS)), pairs), backprop_empty


def _forward(model: Model, docs: List[Doc], is_train: bool):
    tok2vec, mlp = model.layers
    tokvecs, bp_tokvecs = tok2vec(docs, is_train)
    pairs = [candidate_pairs(doc, model.attrs["max_distance"]) for doc in docs]
    X, bp_X = _pair_tensor(model.ops, docs, tokvecs, pairs)
    if X.shape[0] == 0:
        return no_pairs_output(model, tokvecs, bp_tokvecs, pairs)
    logits, bp_mlp = mlp(X, is_train)

    def backprop(d_logits: Floats2d) -> List[Doc]:
        bp_tokvecs(bp_X(bp_mlp(d_logits)))
        return []

    return (logits, pairs), backprop
