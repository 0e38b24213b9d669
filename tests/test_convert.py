import pytest
from spacy.tokens import DocBin

from kcx_nlp.corpus import (
    doc_to_record, doccano_to_record, record_to_doc, record_to_doccano, records_to_docbin, train_dev_split,
)


def test_record_doc_roundtrip(nlp, record, ko_record):
    for rec in (record, ko_record):
        doc = record_to_doc(nlp, rec)
        assert [e.label_ for e in doc.ents] == [e["label"] for e in rec["entities"]]
        assert len(doc._.relations) == len(rec["relations"])
        assert doc_to_record(doc) == rec


def test_relations_are_spans(nlp, record):
    doc = record_to_doc(nlp, record)
    rel = doc._.relations[0]
    assert (rel.head.text, rel.tail.text, rel.label) == ("Oh Se-hoon", "Mayor", "HAS_TITLE")


def test_docbin_keeps_relations_and_metadata(nlp, record, ko_record):
    data = records_to_docbin(nlp, [record, ko_record]).to_bytes()
    docs = list(DocBin().from_bytes(data).get_docs(nlp.vocab))
    assert [doc_to_record(d) for d in docs] == [record, ko_record]


def test_doc_to_record_with_text(nlp, record):
    out = doc_to_record(record_to_doc(nlp, record), with_text=True)
    assert out["entities"][2]["text"] == "Oh Se-hoon"


def test_doccano_roundtrip(record, ko_record):
    for rec in (record, ko_record):
        item = record_to_doccano(rec)
        assert {"text", "entities", "relations"} <= set(item)
        assert item["entities"][0].keys() == {"id", "label", "start_offset", "end_offset"}
        assert doccano_to_record(item) == rec


def test_doccano_import_fills_language_and_date():
    item = {"id": 5, "text": "Seoul", "entities": [{"id": 9, "label": "JURISDICTION", "start_offset": 0,
                                                      "end_offset": 5}], "relations": []}
    rec = doccano_to_record(item, default_id="x-5", lang="en", date="2024-01-02")
    assert rec == {"id": "x-5", "lang": "en", "date": "2024-01-02", "text": "Seoul",
                   "entities": [{"start": 0, "end": 5, "label": "JURISDICTION"}], "relations": []}


def make_records(n):
    return [{"id": f"d{i}", "lang": "ko" if i % 3 == 0 else "en", "date": None, "text": f"doc {i}",
             "entities": [], "relations": []} for i in range(n)]


def test_split_is_deterministic_by_document():
    recs = make_records(50)
    train, dev = train_dev_split(recs, dev_size=0.2, seed=7)
    train2, dev2 = train_dev_split(recs, dev_size=0.2, seed=7)
    assert [r["id"] for r in dev] == [r["id"] for r in dev2] and train == train2
    assert len(dev) == 10 and len(train) == 40
    assert not {r["id"] for r in train} & {r["id"] for r in dev}
    assert {r["lang"] for r in dev} == {"ko", "en"}
    _, dev3 = train_dev_split(recs, dev_size=0.2, seed=8)
    assert [r["id"] for r in dev3] != [r["id"] for r in dev]


def test_records_of_another_tokenizer_can_be_read_back(nlp):
    from kcx_nlp.corpus import CorpusError, record_to_doc

    text = "할빈과 순천시"
    record = {"id": "x", "lang": "ko", "date": None, "text": text,
              "entities": [{"start": 0, "end": 2, "label": "JURISDICTION"}, {"start": 4, "end": 6, "label": "JURISDICTION"}],
              "relations": []}
    with pytest.raises(CorpusError, match="not aligned"):
        record_to_doc(nlp, record)
    doc = record_to_doc(nlp, record, split_at_entities=True)
    assert doc.text == text and [e.text for e in doc.ents] == ["할빈", "순천"]
