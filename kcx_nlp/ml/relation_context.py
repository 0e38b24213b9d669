"""``kcx.RelationScorer.v2``: candidate pairs judged with the whole sentence as context.

``kcx.RelationScorer.v1`` sees the mean tok2vec vectors of the two spans and of the tokens between
them; each of those vectors sees a few tokens around it, so what a sentence says about who *signed*
("signed ... with", "in the presence of", "~와 ~을 체결") mostly escapes it. v2 reads every sentence
that holds a candidate pair once with a bidirectional LSTM over its tok2vec vectors, each token
marked with the label of the entity it belongs to (entity-marker embeddings), and pools the LSTM
states (with the tok2vec vectors beside them) over the head span, the tail span and the tokens
between, next to the same pair features as v1. All pairs of a batch are pooled at once with
index arithmetic on the device (no per-pair host–device copies).
"""
from bisect import bisect_left
from typing import List, Tuple

import numpy
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import ArgsKwargs, Model, PyTorchWrapper_v2, torch2xp, xp2torch
from thinc.types import Floats2d

from ..schema import LABELS
from .relation_model import (N_PAIR_FEATURES, REL_LABELS, Pair, _init, _single_thread_torch_in_forked_children,
                             candidate_pairs, no_pairs_output, pair_features, sentence_spans)

#: Entity-marker ids: 0 outside any entity, then one per label.
MARKER_IDS = {label: i + 1 for i, label in enumerate(LABELS)}


_NET_CLASS = None


def _net_class():
    """The PyTorch module class, made on first use so that importing kcx_nlp does not import torch.

    It lives at module level as ``SentenceRelationNet`` (see :func:`__getattr__`), so pipelines
    that hold it pickle (``nlp.pipe(n_process=2)``).
    """
    global _NET_CLASS
    if _NET_CLASS is None:
        import torch

        class SentenceRelationNet(torch.nn.Module):
            def __init__(self, width: int, marker_width: int, hidden_width: int, mlp_width: int, dropout: float):
                super().__init__()
                self.markers = torch.nn.Embedding(len(MARKER_IDS) + 1, marker_width)
                self.lstm = torch.nn.LSTM(width + marker_width, hidden_width, batch_first=True, bidirectional=True)
                pooled = 2 * hidden_width + width
                self.mlp = torch.nn.Sequential(
                    torch.nn.Linear(3 * pooled + N_PAIR_FEATURES, mlp_width), torch.nn.ReLU(), torch.nn.Dropout(dropout),
                    torch.nn.Linear(mlp_width, len(REL_LABELS)))

            def forward(self, X, markers, lengths, pools, feats):
                n_sents, n_tokens, _ = X.shape
                inp = torch.cat([X, self.markers(markers)], dim=-1)
                packed = torch.nn.utils.rnn.pack_padded_sequence(inp, lengths.cpu(), batch_first=True,
                                                                 enforce_sorted=False)
                H, _ = self.lstm(packed)
                H, _ = torch.nn.utils.rnn.pad_packed_sequence(H, batch_first=True, total_length=n_tokens)
                states = torch.cat([H, X], dim=-1).reshape(n_sents * n_tokens, -1)
                n_pairs = feats.shape[0]
                parts = []
                for k in range(3):  # head, tail, between: weighted sums of token states
                    pair_idx, token_idx, weight = pools[3 * k], pools[3 * k + 1], pools[3 * k + 2]
                    out = states.new_zeros((n_pairs, states.shape[1]))
                    parts.append(out.index_add(0, pair_idx, states[token_idx] * weight.unsqueeze(1)))
                return self.mlp(torch.cat(parts + [feats], dim=-1))

        SentenceRelationNet.__qualname__ = "SentenceRelationNet"
        SentenceRelationNet.__module__ = __name__
        _NET_CLASS = SentenceRelationNet
    return _NET_CLASS


def __getattr__(name: str):
    if name == "SentenceRelationNet":
        return _net_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _torch_net(width: int, marker_width: int, hidden_width: int, mlp_width: int, dropout: float):
    _single_thread_torch_in_forked_children()
    return _net_class()(width, marker_width, hidden_width, mlp_width, dropout)


def _batch(docs: List[Doc], tokvecs: List[Floats2d], pairs: List[List[Pair]], width: int):
    """Padded sentence tensors, entity markers and pooling indexes for every candidate pair of a batch.

    Returns ``(inputs, places)``: ``inputs`` for the network, and ``places`` = ``(doc, start, end)``
    of each padded sentence row, to route gradients back to the tok2vec rows.
    """
    places: List[Tuple[int, int, int]] = []
    row_of = {}
    sent_of: List[List[Tuple[int, int]]] = []  # per doc: (start, end) of the sentence of each token
    for d, (doc, doc_pairs) in enumerate(zip(docs, pairs)):
        of: List[Tuple[int, int]] = [(0, 0)] * len(doc)
        if doc_pairs:
            for start, end in sentence_spans(doc):
                of[start:end] = [(start, end)] * (end - start)
            for start, end in sorted({of[h.start] for h, _ in doc_pairs}):
                row_of[(d, start)] = len(places)
                places.append((d, start, end))
        sent_of.append(of)
    n_tokens = max(end - start for _, start, end in places)
    X = numpy.zeros((len(places), n_tokens, width), dtype="float32")
    markers = numpy.zeros((len(places), n_tokens), dtype="int64")
    lengths = numpy.array([end - start for _, start, end in places], dtype="int64")
    for r, (d, start, end) in enumerate(places):
        X[r, :end - start] = tokvecs[d][start:end]
    for d, doc in enumerate(docs):
        for ent in doc.ents if pairs[d] else ():
            start = sent_of[d][ent.start][0]
            if (d, start) in row_of:
                markers[row_of[(d, start)], ent.start - start:ent.end - start] = MARKER_IDS[ent.label_]
    pools = [([], [], []) for _ in range(3)]
    feats = []
    k = 0
    for d, (doc, doc_pairs) in enumerate(zip(docs, pairs)):
        ent_starts = sorted(e.start for e in doc.ents) if doc_pairs else []
        for head, tail in doc_pairs:
            start = sent_of[d][head.start][0]
            base = row_of[(d, start)] * n_tokens - start
            lo, hi = (head.end, tail.start) if head.start < tail.start else (tail.end, head.start)
            for p, (s, e) in enumerate(((head.start, head.end), (tail.start, tail.end), (lo, hi))):
                if e > s:
                    pools[p][0].extend([k] * (e - s))
                    pools[p][1].extend(range(base + s, base + e))
                    pools[p][2].extend([1.0 / (e - s)] * (e - s))
            between = bisect_left(ent_starts, hi) - bisect_left(ent_starts, lo)  # entities starting in the gap
            feats.append(pair_features(doc, head, tail, between))
            k += 1
    flat = []
    for pair_idx, token_idx, weight in pools:
        flat += [numpy.array(pair_idx, dtype="int64"), numpy.array(token_idx, dtype="int64"),
                 numpy.array(weight, dtype="float32")]
    return (X, markers, lengths, flat, numpy.stack(feats)), places


def _convert_inputs(model: Model, inputs, is_train: bool):
    """Only the sentence vectors take gradients; the integer arrays go to the device as they are."""
    import torch

    device = model.shims[0].device
    X, markers, lengths, pools, feats = inputs
    Xt = xp2torch(model.ops.asarray(X), requires_grad=is_train, device=device)
    as_t = lambda a: torch.as_tensor(numpy.asarray(a), device=device)  # noqa: E731
    args = (Xt, as_t(markers), torch.as_tensor(numpy.asarray(lengths)), [as_t(p) for p in pools], as_t(feats))

    def reverse(d_inputs: ArgsKwargs):
        return torch2xp(d_inputs.args[0])

    return ArgsKwargs(args=args, kwargs={}), reverse


@registry.architectures("kcx.RelationScorer.v2")
def relation_scorer_v2(
    tok2vec: Model[List[Doc], List[Floats2d]],
    width: int,
    hidden_width: int = 64,
    marker_width: int = 16,
    mlp_width: int = 128,
    dropout: float = 0.1,
    max_distance: int = 60,
) -> Model[List[Doc], Tuple[Floats2d, List[List[Pair]]]]:
    """Scores candidate pairs of ``doc.ents`` with a sentence BiLSTM; output ``(logits, pairs per doc)``."""
    net = PyTorchWrapper_v2(_torch_net(width, marker_width, hidden_width, mlp_width, dropout),
                            convert_inputs=_convert_inputs)
    return Model("kcx_relation_scorer_v2", _forward, layers=[tok2vec, net],
                 attrs={"max_distance": max_distance, "width": width}, dims={"nO": len(REL_LABELS)}, init=_init)


def _forward(model: Model, docs: List[Doc], is_train: bool):
    tok2vec, net = model.layers
    tokvecs, bp_tokvecs = tok2vec(docs, is_train)
    pairs = [candidate_pairs(doc, model.attrs["max_distance"]) for doc in docs]
    if not any(pairs):
        return no_pairs_output(model, tokvecs, bp_tokvecs, pairs)
    inputs, places = _batch(docs, [model.ops.to_numpy(v) for v in tokvecs], pairs, model.attrs["width"])
    logits, bp_net = net(inputs, is_train)

    def backprop(d_logits: Floats2d) -> List[Doc]:
        dX = model.ops.to_numpy(bp_net(d_logits))
        d_tokvecs = [numpy.zeros(v.shape, dtype="float32") for v in tokvecs]
        for r, (d, start, end) in enumerate(places):
            d_tokvecs[d][start:end] += dX[r, :end - start]
        bp_tokvecs([model.ops.asarray2f(g) for g in d_tokvecs])
        return []

    return (logits, pairs), backprop
