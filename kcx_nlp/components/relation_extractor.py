"""``kcx_relation_extractor``: a trainable component that links entities.

It scores every candidate pair of ``doc.ents`` (same sentence, label pair fitting a relation
signature, within ``max_distance`` tokens) with ``kcx.RelationScorer.v1`` and stores the pairs
whose probability reaches the relation's threshold in ``doc._.relations``. Thresholds start at
``threshold`` and are tuned per relation on dev data by ``python -m kcx_nlp.train``
(:meth:`RelationExtractor.tune_thresholds`); they are saved with the model.

With ``decode = true`` (the default), the scored pairs of a document then go through
:func:`kcx_nlp.components.decoding.decode_relations`, which enforces the schema's constraints
(one title and one jurisdiction per official mention, no party that only locates another, a lone
party completed by the best second one); ``decode = false`` keeps every pair above its threshold.

During training the gold entities are the candidates, except in a share ``predicted_entities`` of the
documents, where the NER's own predictions are (pairs of spans that are not both gold entities are
negatives): the scorer then learns on the entities it will meet at run time, spurious and misplaced
ones included. That needs ``annotating_components = ["tok2vec", "ner"]`` in ``[training]``, so that
the predicted documents carry the NER's entities during training.
"""
import random
from itertools import islice
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple

import numpy
from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.tokens import Doc
from spacy.training import Example, validate_examples
from spacy.vocab import Vocab
from thinc.api import Config, Model, Optimizer, set_dropout_rate

from ..extensions import Relation
from .decoding import decode_relations
from ..ml.relation_model import REL_LABELS, SIGNATURE_TO_REL

DEFAULT_MODEL = """
[model]
@architectures = "kcx.RelationScorer.v1"
width = 96
hidden_width = 128
dropout = 0.1
max_distance = 60

[model.tok2vec]
@architectures = "spacy.Tok2VecListener.v1"
width = 96
upstream = "*"
"""
DEFAULT_MODEL_CONFIG = Config().from_str(DEFAULT_MODEL)["model"]


@Language.factory(
    "kcx_relation_extractor",
    default_config={"model": DEFAULT_MODEL_CONFIG, "threshold": 0.5, "decode": True, "second_party": 0.5,
                    "predicted_entities": 0.0},
    assigns=["doc._.relations"],
    requires=["doc.ents"],
    default_score_weights={"rel_micro_f": 1.0, "rel_micro_p": 0.0, "rel_micro_r": 0.0},
)
def make_relation_extractor(nlp: Language, name: str, model: Model, threshold: float, decode: bool,
                            second_party: float, predicted_entities: float) -> "RelationExtractor":
    """Factory of the relation extractor."""
    return RelationExtractor(nlp.vocab, model, name, threshold=threshold, decode=decode, second_party=second_party,
                             predicted_entities=predicted_entities)


def _sigmoid(x: numpy.ndarray) -> numpy.ndarray:
    return 1.0 / (1.0 + numpy.exp(-x))


def _gold_keys(doc: Doc) -> set:
    return {(r.head.start_char, r.head.end_char, r.tail.start_char, r.tail.end_char, r.label)
            for r in doc._.relations}


class RelationExtractor(TrainablePipe):
    """Scores candidate entity pairs and writes ``doc._.relations``."""

    def __init__(self, vocab: Vocab, model: Model, name: str = "kcx_relation_extractor", *, threshold: float = 0.5,
                 decode: bool = True, second_party: float = 0.5, predicted_entities: float = 0.0):
        if not 0.0 <= predicted_entities <= 1.0:
            raise ValueError(f"{name}: predicted_entities must be between 0 and 1, got {predicted_entities}")
        self.vocab = vocab
        self.predicted_entities = predicted_entities
        self.model = model
        self.name = name
        self.decode = decode
        self.second_party = second_party
        self.cfg: Dict[str, Any] = {"labels": list(REL_LABELS), "thresholds": {r: threshold for r in REL_LABELS}}

    @property
    def labels(self) -> Tuple[str, ...]:
        return tuple(self.cfg["labels"])

    def predict(self, docs: Iterable[Doc]):
        """Logits and candidate pairs for a batch of documents."""
        (logits, pairs), _ = self.model((list(docs)), is_train=False)
        return self.model.ops.to_numpy(logits), pairs

    def set_annotations(self, docs: Iterable[Doc], scores) -> None:
        """Keep the candidate pairs whose probability reaches their relation's threshold (then decode)."""
        logits, pairs = scores
        probs = _sigmoid(logits)
        thresholds = self.cfg["thresholds"]
        k = 0
        for doc, doc_pairs in zip(docs, pairs):
            scored = []
            for head, tail in doc_pairs:
                rel = SIGNATURE_TO_REL[(head.label_, tail.label_)]
                scored.append(Relation(head, tail, REL_LABELS[rel], float(probs[k, rel])))
                k += 1
            if self.decode:
                doc._.relations = decode_relations(scored, thresholds, self.second_party)
            else:
                doc._.relations = [r for r in scored if r.score >= thresholds[r.label]]

    @staticmethod
    def _with_gold_entities(examples: Iterable[Example]) -> List[Doc]:
        docs = []
        for eg in examples:
            doc = eg.predicted
            doc.ents = [doc.char_span(e.start_char, e.end_char, label=e.label_) for e in eg.reference.ents]
            docs.append(doc)
        return docs

    def _training_docs(self, examples: List[Example]) -> List[Doc]:
        """The candidates of each training document: the NER's predicted entities for a share
        ``predicted_entities`` of the documents (when the NER has annotated them), else the gold ones."""
        docs = []
        for eg in examples:
            use_predicted = self.predicted_entities > 0 and eg.predicted.has_annotation("ENT_IOB") \
                and random.random() < self.predicted_entities
            docs.append(eg.predicted if use_predicted else self._with_gold_entities([eg])[0])
        return docs

    def _truth(self, examples: List[Example], pairs) -> Tuple[numpy.ndarray, numpy.ndarray]:
        rows = sum(len(p) for p in pairs)
        truth = numpy.zeros((rows, len(REL_LABELS)), dtype="float32")
        mask = numpy.zeros((rows, len(REL_LABELS)), dtype="float32")
        k = 0
        for eg, doc_pairs in zip(examples, pairs):
            gold = _gold_keys(eg.reference)
            for head, tail in doc_pairs:
                rel = SIGNATURE_TO_REL[(head.label_, tail.label_)]
                key = (head.start_char, head.end_char, tail.start_char, tail.end_char, REL_LABELS[rel])
                truth[k, rel] = 1.0 if key in gold else 0.0
                mask[k, rel] = 1.0
                k += 1
        return truth, mask

    def get_loss(self, examples: Iterable[Example], scores) -> Tuple[float, numpy.ndarray]:
        """Binary cross-entropy of the allowed relation of every candidate pair."""
        examples = list(examples)
        logits, pairs = scores
        truth, mask = self._truth(examples, pairs)
        probs = _sigmoid(self.model.ops.to_numpy(logits))
        n = max(mask.sum(), 1.0)
        d_logits = (probs - truth) * mask / n
        eps = 1e-7
        loss = -float(((truth * numpy.log(probs + eps) + (1 - truth) * numpy.log(1 - probs + eps)) * mask).sum() / n)
        return loss, self.model.ops.asarray2f(d_logits)

    def update(self, examples: Iterable[Example], *, drop: float = 0.0, sgd: Optional[Optimizer] = None,
               losses: Optional[Dict[str, float]] = None) -> Dict[str, float]:
        """Learn from a batch of examples (candidates: see :meth:`_training_docs`)."""
        losses = {} if losses is None else losses
        losses.setdefault(self.name, 0.0)
        examples = list(examples)
        validate_examples(examples, "RelationExtractor.update")
        docs = self._training_docs(examples)
        if not any(len(d.ents) > 1 for d in docs):
            return losses
        set_dropout_rate(self.model, drop)
        (logits, pairs), backprop = self.model.begin_update(docs)
        loss, d_logits = self.get_loss(examples, (logits, pairs))
        backprop(d_logits)
        if sgd is not None:
            self.finish_update(sgd)
        losses[self.name] += loss
        return losses

    def initialize(self, get_examples: Callable[[], Iterable[Example]], *, nlp: Optional[Language] = None) -> None:
        """Initialize the model with a sample of training documents (gold entities set)."""
        sample = self._with_gold_entities(islice(get_examples(), 10))
        self.model.initialize(X=sample)

    def score(self, examples: Iterable[Example], **kwargs) -> Dict[str, Any]:
        """Strict relation P/R/F (both spans and label exact), micro and per relation."""
        counts = {label: [0, 0, 0] for label in REL_LABELS}
        for eg in examples:
            gold = _gold_keys(eg.reference)
            pred = _gold_keys(eg.predicted)
            for key in pred & gold:
                counts[key[4]][0] += 1
            for key in pred - gold:
                counts[key[4]][1] += 1
            for key in gold - pred:
                counts[key[4]][2] += 1

        from ..evaluate import prf

        micro = prf(*(sum(c[i] for c in counts.values()) for i in range(3)))
        scores: Dict[str, Any] = {"rel_micro_p": micro["p"], "rel_micro_r": micro["r"], "rel_micro_f": micro["f"]}
        scores["rel_per_type"] = {label: {k: v for k, v in prf(*c).items() if k in ("p", "r", "f")} for label, c in counts.items()}
        return scores

    def tune_thresholds(self, examples: Iterable[Example], grid: Optional[List[float]] = None,
                        gold_entities: bool = False) -> Dict[str, float]:
        """Choose, per relation, the threshold that maximises F1 on ``examples`` (dev).

        By default the candidates are the entities already on ``example.predicted`` (the NER's, as
        at run time): a pair with a wrong endpoint is a negative, and a gold relation whose span
        the NER missed counts as missed. ``gold_entities`` tunes on the gold entities instead.
        """
        grid = grid or [round(x, 2) for x in numpy.arange(0.05, 0.96, 0.05)]
        examples = list(examples)
        docs = self._with_gold_entities(examples) if gold_entities else [eg.predicted for eg in examples]
        per_type: Dict[str, List[Tuple[float, bool]]] = {label: [] for label in REL_LABELS}
        n_gold = {label: 0 for label in REL_LABELS}
        for start in range(0, len(docs), 16):
            batch = docs[start:start + 16]
            logits, pairs = self.predict(batch)
            probs = _sigmoid(logits)
            k = 0
            for eg, doc_pairs in zip(examples[start:start + 16], pairs):
                gold = _gold_keys(eg.reference)
                for key in gold:
                    n_gold[key[4]] += 1
                for head, tail in doc_pairs:
                    rel = SIGNATURE_TO_REL[(head.label_, tail.label_)]
                    label = REL_LABELS[rel]
                    key = (head.start_char, head.end_char, tail.start_char, tail.end_char, label)
                    per_type[label].append((float(probs[k, rel]), key in gold))
                    k += 1
        for label, scored in per_type.items():
            best_f, best_t = -1.0, self.cfg["thresholds"][label]
            for t in grid:
                tp = sum(1 for p, g in scored if p >= t and g)
                fp = sum(1 for p, g in scored if p >= t and not g)
                fn = n_gold[label] - tp
                f = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
                if f > best_f:
                    best_f, best_t = f, t
            self.cfg["thresholds"][label] = best_t
        return dict(self.cfg["thresholds"])
