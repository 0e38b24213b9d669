"""Consistent decoding of scored relation candidates, and the sentence-context scorer (v2)."""
import pytest

from kcx_nlp.components.decoding import decode_relations
from kcx_nlp.corpus import record_to_doc
from kcx_nlp.extensions import Relation

T = {"HAS_TITLE": 0.5, "OFFICIAL_OF": 0.5, "PARTY_TO": 0.5, "SIGNATORY": 0.5, "SIGNED_ON": 0.5}


def _doc(nlp, text, spans):
    rec = {"id": "d", "lang": "en", "date": None, "text": text, "relations": [],
           "entities": [{"start": text.index(s), "end": text.index(s) + len(s), "label": l} for s, l in spans]}
    doc = record_to_doc(nlp, rec)
    return doc, {e.text: e for e in doc.ents}


def _labels(rels):
    return sorted((r.head.text, r.label, r.tail.text) for r in rels)


def test_one_title_and_one_jurisdiction_per_official(nlp):
    doc, e = _doc(nlp, "Seoul Mayor Oh met Busan Governor Park.",
                  [("Seoul", "JURISDICTION"), ("Mayor", "TITLE"), ("Oh", "OFFICIAL"), ("Busan", "JURISDICTION"),
                   ("Governor", "TITLE"), ("Park", "OFFICIAL")])
    scored = [Relation(e["Oh"], e["Mayor"], "HAS_TITLE", 0.9), Relation(e["Oh"], e["Governor"], "HAS_TITLE", 0.6),
              Relation(e["Oh"], e["Seoul"], "OFFICIAL_OF", 0.8), Relation(e["Oh"], e["Busan"], "OFFICIAL_OF", 0.7),
              Relation(e["Park"], e["Governor"], "HAS_TITLE", 0.95), Relation(e["Park"], e["Busan"], "OFFICIAL_OF", 0.4)]
    assert _labels(decode_relations(scored, T)) == [
        ("Oh", "HAS_TITLE", "Mayor"), ("Oh", "OFFICIAL_OF", "Seoul"), ("Park", "HAS_TITLE", "Governor")]


def test_a_party_that_only_locates_another_is_dropped(nlp):
    doc, e = _doc(nlp, "Gwangju signed an MOU with Qingdao, Shandong Province.",
                  [("Gwangju", "JURISDICTION"), ("MOU", "AGREEMENT"), ("Qingdao", "JURISDICTION"),
                   ("Shandong Province", "JURISDICTION")])
    scored = [Relation(e[j], e["MOU"], "PARTY_TO", p) for j, p in (("Gwangju", 0.9), ("Qingdao", 0.8),
                                                                   ("Shandong Province", 0.7))]
    assert _labels(decode_relations(scored, T)) == [("Gwangju", "PARTY_TO", "MOU"), ("Qingdao", "PARTY_TO", "MOU")]


def test_a_lone_party_gets_the_best_second_candidate_above_the_floor(nlp):
    doc, e = _doc(nlp, "Gwangju signed an MOU with Qingdao and Busan.",
                  [("Gwangju", "JURISDICTION"), ("MOU", "AGREEMENT"), ("Qingdao", "JURISDICTION"), ("Busan", "JURISDICTION")])
    scored = [Relation(e["Gwangju"], e["MOU"], "PARTY_TO", 0.9), Relation(e["Qingdao"], e["MOU"], "PARTY_TO", 0.3),
              Relation(e["Busan"], e["MOU"], "PARTY_TO", 0.2)]
    assert _labels(decode_relations(scored, T, second_party=0.5)) == [
        ("Gwangju", "PARTY_TO", "MOU"), ("Qingdao", "PARTY_TO", "MOU")]
    assert _labels(decode_relations(scored, T, second_party=0.7)) == [("Gwangju", "PARTY_TO", "MOU")]


def test_decode_switch_changes_the_component_output(tiny_nlp):
    text = "Seoul Mayor Oh Se-hoon met Beijing Mayor Yin Yong on Tuesday."
    rex = tiny_nlp.get_pipe("relation_extractor")
    assert rex.decode is True
    try:
        rex.decode = False
        raw = tiny_nlp(text)._.relations
    finally:
        rex.decode = True
    decoded = tiny_nlp(text)._.relations
    per_official = {}
    for r in decoded:
        if r.label in ("HAS_TITLE", "OFFICIAL_OF"):
            per_official.setdefault((r.head.start, r.label), []).append(r)
    assert all(len(v) == 1 for v in per_official.values())
    assert {(r.head.start, r.tail.start, r.label) for r in decoded} <= {(r.head.start, r.tail.start, r.label) for r in raw}


def test_sentence_context_scorer_trains_and_round_trips(tmp_path, record, ko_record):
    import spacy

    from kcx_nlp.train import train
    from conftest import ROOT, TINY_CNN, tiny_corpus

    train_f, dev_f = tiny_corpus(tmp_path, record, ko_record)
    overrides = dict(TINY_CNN, **{"components.relation_extractor.model.@architectures": "kcx.RelationScorer.v2",
                                  "components.relation_extractor.model.hidden_width": 16,
                                  "training.max_steps": 40})
    metrics = train(ROOT / "training/configs/ner_cnn.cfg", tmp_path / "m", [train_f], [dev_f], "-1", 0, overrides)
    gold = metrics["dev_tuning"]["relations_gold_entities"]["micro"]
    assert gold["tp"] + gold["fn"] == 16 and gold["f"] >= 0.5  # learns the fixture's relations from gold entities
    nlp = spacy.load(tmp_path / "m")
    assert nlp.get_pipe("relation_extractor").model.name == "kcx_relation_scorer_v2"
    doc = nlp(record["text"])
    again = spacy.load(tmp_path / "m")(record["text"])
    assert [(r.head.start, r.tail.start, r.label, round(r.score, 5)) for r in doc._.relations] == [
        (r.head.start, r.tail.start, r.label, round(r.score, 5)) for r in again._.relations]
