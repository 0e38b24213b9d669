import pytest
from kcx_nlp.corpus import record_to_doc
from kcx_nlp.ml.relation_model import N_PAIR_FEATURES, candidate_pairs, pair_features
from kcx_nlp.sentences import sentence_starts
from kcx_nlp.training.augment import replace_mentions


def sentences(nlp, text):
    doc = nlp(text)
    out, cur = [], []
    for tok, start in zip(doc, sentence_starts(doc)):
        if start and cur:
            out.append("".join(cur).strip())
            cur = []
        cur.append(tok.text_with_ws)
    return out + ["".join(cur).strip()]


def test_sentence_rules(nlp):
    text = "Headline without a stop\nGov. Kim met Mayor Lee on Nov. 26. They signed it. 광주시는 협약을 맺었다. 이어 \"좋다\"고 말했다."
    assert sentences(nlp, text) == ["Headline without a stop", "Gov. Kim met Mayor Lee on Nov. 26.",
                                    "They signed it.", "광주시는 협약을 맺었다.", "이어 \"좋다\"고 말했다."]


def test_candidates_follow_signatures_and_sentences(nlp, record, ko_record):
    doc = record_to_doc(nlp, record)
    pairs = {(h.text, t.text) for h, t in candidate_pairs(doc)}
    assert ("Oh Se-hoon", "Mayor") in pairs and ("Yin Yong", "Beijing") in pairs
    assert ("Mayor", "Oh Se-hoon") not in pairs  # TITLE -> OFFICIAL fits no relation
    gold = {(r.head.text, r.tail.text) for r in doc._.relations}
    assert gold <= pairs
    ko = record_to_doc(nlp, ko_record)
    ko_pairs = {(h.text, t.text) for h, t in candidate_pairs(ko)}
    assert ("광주시", "자매결연 협정") in ko_pairs
    assert not any(t == "행정부시장" and h != "고광완" for h, t in ko_pairs)
    assert all(("고광완", x) not in ko_pairs for x in ("광주시", "칭다오시"))  # other sentence
    near = {(h.text, t.text) for h, t in candidate_pairs(record_to_doc(nlp, record), max_distance=0)}
    assert near == {("Oh Se-hoon", "Mayor"), ("Yin Yong", "Mayor")}  # only adjacent spans


def test_pair_features_mark_order_distance_entities_between_and_signature(nlp, record):
    doc = record_to_doc(nlp, record)
    by_text = {(h.text, t.text): (h, t) for h, t in candidate_pairs(doc) if (h.text, t.text) != ("Oh Se-hoon", "Mayor")
               or t.start < h.start}  # Oh's own title, not Yin's
    # Layout: [0] head first | [1:9] log2 distance bucket | [9:13] comma, bracket, and/with, of/'s
    # | [13:18] entities between (0..4+) | [18:] relation signature (HAS_TITLE, OFFICIAL_OF, ...).
    f = pair_features(doc, *by_text[("Oh Se-hoon", "Seoul")], 1)  # tail first, gap 1 ("Mayor")
    assert f.shape == (N_PAIR_FEATURES,) and f.nonzero()[0].tolist() == [2, 14, 19]
    f = pair_features(doc, *by_text[("Yin Yong", "Seoul")], 4)  # gap 6: bucket log2(7) = 2
    assert f.nonzero()[0].tolist() == [3, 17, 19]
    f = pair_features(doc, *by_text[("Oh Se-hoon", "Mayor")], 0)  # tail first, adjacent, HAS_TITLE
    assert f.nonzero()[0].tolist() == [1, 13, 18]
    f = pair_features(doc, *by_text[("Yin Yong", "Beijing")], 1)  # tail first, gap 1
    assert f.nonzero()[0].tolist() == [2, 14, 19]


def test_augmentation_rebuilds_offsets_and_particles():
    text = "광주시는 칭다오시와 자매결연을 맺었다"
    new, mapping = replace_mentions(text, [(0, 3, "J"), (5, 9, "J")], lambda l, s: {"광주시": "서울", "칭다오시": "부산"}[s])
    assert new == "서울은 부산과 자매결연을 맺었다"
    assert [new[a:b] for a, b in mapping.values()] == ["서울", "부산"]


def test_augmentation_wraps_variants_in_page_chrome(nlp, record):
    from spacy.training import Example

    from kcx_nlp.corpus import record_to_doc
    from kcx_nlp.extensions import USER_DATA_KEY
    from kcx_nlp.training.augment import PAGE_CHROME, create_mention_replace

    augment = create_mention_replace(level=1.0, replace_prob=0.0, seed=1, chrome=1.0)
    ref = record_to_doc(nlp, record)
    original, variant = list(augment(nlp, Example(nlp.make_doc(ref.text), ref)))
    doc = variant.reference
    assert doc.text != ref.text and record["text"] in doc.text
    assert any(line in PAGE_CHROME for line in doc.text.splitlines())
    assert [(e.text, e.label_) for e in doc.ents] == [(e.text, e.label_) for e in ref.ents]  # chrome adds no entity
    assert len(doc.user_data[USER_DATA_KEY]) == len(ref.user_data[USER_DATA_KEY])


def test_training_candidates_can_be_the_ner_predictions(nlp, record):
    from spacy.training import Example

    from kcx_nlp.components.relation_extractor import RelationExtractor
    from kcx_nlp.corpus import record_to_doc

    ref = record_to_doc(nlp, record)
    predicted = nlp.make_doc(ref.text)
    predicted.ents = [predicted.char_span(0, 5, label="JURISDICTION"), predicted.char_span(12, 22, label="OFFICIAL")]
    eg = Example(predicted, ref)
    on_predictions = RelationExtractor(nlp.vocab, model=None, predicted_entities=1.0)
    assert [e.text for e in on_predictions._training_docs([eg])[0].ents] == ["Seoul", "Oh Se-hoon"]
    on_gold = RelationExtractor(nlp.vocab, model=None, predicted_entities=0.0)
    assert len(on_gold._training_docs([eg])[0].ents) == 7
    with pytest.raises(ValueError, match="predicted_entities"):
        RelationExtractor(nlp.vocab, model=None, predicted_entities=1.5)
