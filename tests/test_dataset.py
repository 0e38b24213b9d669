from kcx_nlp.corpus import read_records
from kcx_nlp.corpus.dataset import load_corpus, save_corpus, to_records

from conftest import ANNOTATIONS, write_jsonl


def test_load_corpus_has_every_document_of_every_split(tmp_path):
    corpus = load_corpus(ANNOTATIONS)
    assert set(corpus) == {"train", "dev", "test"}
    for split, dataset in corpus.items():
        files = sorted((ANNOTATIONS / split).glob("*.jsonl"))
        records = [r for path in files for r in read_records(path, validate=False)]
        assert dataset.num_rows == len(records)
        assert to_records(dataset) == records  # nothing lost or changed on the way in
    assert set(corpus["test"].unique("lang")) == {"en", "ko", "mixed"}
    save_corpus(corpus, tmp_path)
    for path in ANNOTATIONS.glob("[tdt]*/*.jsonl"):  # train, dev, test: written back byte for byte
        assert (tmp_path / path.parent.name / path.name).read_bytes() == path.read_bytes(), path


def test_save_corpus_round_trips(tmp_path, record, ko_record):
    src = tmp_path / "src"
    (src / "train").mkdir(parents=True)
    (src / "dev").mkdir()
    write_jsonl(src / "train" / "a.jsonl", [record])
    ko_record["meta"] = {"outlet": "ko_wire", "event": "e-1"}
    write_jsonl(src / "dev" / "b.jsonl", [ko_record])
    corpus = load_corpus(src)
    only_ko = corpus["dev"].filter(lambda row: row["lang"] == "ko")
    assert only_ko.num_rows == 1 and only_ko[0]["meta"]["event"] == "e-1" and only_ko[0]["meta"]["model"] is None
    assert save_corpus(corpus, tmp_path / "out") == {"train": 1, "dev": 1}
    assert (tmp_path / "out" / "train" / "a.jsonl").read_bytes() == (src / "train" / "a.jsonl").read_bytes()
    assert (tmp_path / "out" / "dev" / "b.jsonl").read_bytes() == (src / "dev" / "b.jsonl").read_bytes()
