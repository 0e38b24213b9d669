import json

from kcx_nlp.corpus.__main__ import main
from conftest import write_jsonl


def test_validate_ok_and_failure(tmp_path, record, capsys):
    good = write_jsonl(tmp_path / "good.jsonl", [record])
    assert main(["validate", str(good)]) == 0
    assert "ok: 1 document(s)" in capsys.readouterr().out
    bad_rec = dict(record, id="t-2", entities=record["entities"] + [{"start": 0, "end": 3, "label": "TITLE"}])
    bad = write_jsonl(tmp_path / "bad.jsonl", [record, bad_rec])
    assert main(["validate", str(bad)]) == 1
    err = capsys.readouterr().err
    assert (f"{bad}:2: document 't-2': entity 0 JURISDICTION [0:5] 'Seoul' overlaps "
            "entity 7 TITLE [0:3] 'Seo'") in err
    assert "not aligned to token boundaries" in err


def test_stats_lists_labels_per_language(tmp_path, record, ko_record, capsys):
    path = write_jsonl(tmp_path / "c.jsonl", [record, ko_record])
    assert main(["stats", str(path)]) == 0
    out = capsys.readouterr().out
    assert "documents            2       1       1" in out
    assert "  PARTY_TO           2       0       2" in out
    assert main(["stats", "--json", str(path)]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["by_lang"]["ko"]["entities"]["AGREEMENT"] == 1


def test_markup_split_docbin_and_doccano(tmp_path, record, ko_record, capsys):
    md = tmp_path / "a.md"
    md.write_text("### id=x lang=en date=null\n[[Seoul|JUR]] and [[Busan|JUR]].\n", encoding="utf-8")
    out = tmp_path / "a.jsonl"
    assert main(["markup", str(md), "-o", str(out)]) == 0
    assert json.loads(out.read_text())["entities"][1] == {"start": 10, "end": 15, "label": "JURISDICTION"}
    corpus = write_jsonl(tmp_path / "c.jsonl", [dict(record, id=f"e{i}") for i in range(5)]
                         + [dict(ko_record, id=f"k{i}") for i in range(5)])
    train, dev = tmp_path / "train.jsonl", tmp_path / "dev.jsonl"
    assert main(["split", str(corpus), "--train", str(train), "--dev", str(dev), "--dev-size", "0.2"]) == 0
    assert len(train.read_text().splitlines()) == 8 and len(dev.read_text().splitlines()) == 2
    assert main(["docbin", str(corpus), "-o", str(tmp_path / "c.spacy")]) == 0
    exported = tmp_path / "doccano.jsonl"
    assert main(["doccano-export", str(corpus), "-o", str(exported)]) == 0
    back = tmp_path / "back.jsonl"
    assert main(["doccano-import", str(exported), "-o", str(back)]) == 0
    assert back.read_text(encoding="utf-8") == corpus.read_text(encoding="utf-8")


def test_missing_file_is_a_clean_error(tmp_path, capsys):
    assert main(["stats", str(tmp_path / "nope.jsonl")]) == 2
    assert "nope.jsonl" in capsys.readouterr().err
