"""Relation scoring is batched: however many candidate pairs a batch has, the network is called once
and the inputs cross to it (host -> device) a fixed number of times, never once per pair."""
import kcx_nlp.ml.relation_context as relation_context


def _doc(nlp, n):
    """One long sentence with ``n`` official/title/jurisdiction triples (many candidate pairs)."""
    text = " and ".join(f"Mayor Kim{i} of Seoul{i}" for i in range(n))
    doc = nlp.make_doc(text)
    ents, pos = [], 0
    for i in range(n):
        for word, label in (("Mayor", "TITLE"), (f"Kim{i}", "OFFICIAL"), (f"Seoul{i}", "JURISDICTION")):
            start = text.index(word, pos)
            ents.append(doc.char_span(start, start + len(word), label=label))
            pos = start + len(word)
    doc.ents = ents
    return doc


def test_one_network_call_and_fixed_transfers_per_batch(shipped_nlp, monkeypatch):
    rel = shipped_nlp.get_pipe("relation_extractor")
    assert rel.model.name == "kcx_relation_scorer_v2"  # the shipped scorer
    calls = {"net": 0, "to_device": 0}
    net = rel.model.layers[1]
    module = net.shims[0]._model
    forward = module.forward
    monkeypatch.setattr(module, "forward", lambda *a, **k: calls.__setitem__("net", calls["net"] + 1) or forward(*a, **k))
    xp2torch = relation_context.xp2torch
    monkeypatch.setattr(relation_context, "xp2torch",
                        lambda *a, **k: calls.__setitem__("to_device", calls["to_device"] + 1) or xp2torch(*a, **k))
    counts = []
    for n in (4, 40):
        docs = [shipped_nlp.get_pipe("tok2vec")(_doc(shipped_nlp, n))]
        calls.update(net=0, to_device=0)
        (logits, pairs) = rel.predict(docs)
        counts.append((sum(len(p) for p in pairs), dict(calls)))
    (few, small), (many, large) = counts
    assert many >= 1000 and few < 200
    assert small == large == {"net": 1, "to_device": 1}
