import json
from pathlib import Path

import pytest
import spacy

import kcx_nlp
from kcx_nlp.schema import LABELS
from kcx_nlp.train import main as train_main
from conftest import ROOT, TINY_CNN, tiny_corpus


def test_tiny_cnn_trains_and_reports(tiny_model):
    from kcx_nlp.corpus import read_records
    from kcx_nlp.evaluate import predict_records, score_entities, score_relations

    out, metrics = tiny_model
    assert (out / "config.cfg").exists() and (out / "meta.json").exists()
    saved = json.loads((out / "metrics.json").read_text())
    assert saved == metrics
    assert metrics["device"] == "CPU" and metrics["seed"] == 0
    assert set(metrics["relation_thresholds"]) == {"HAS_TITLE", "OFFICIAL_OF", "PARTY_TO", "SIGNATORY", "SIGNED_ON"}
    assert "test" not in metrics and "seeds" not in metrics  # training reports dev (tuning) only
    nlp = spacy.load(out)
    assert nlp.pipe_names == ["tok2vec", "ner", "sentencizer", "relation_extractor", "normalizer"]
    assert nlp.meta["name"] == "kcx_core"
    assert nlp.config["nlp"]["tokenizer"]["@tokenizers"] == "kcx.BilingualTokenizer.v1"
    # The dev figures are those of the saved model: recomputed from scratch they agree.
    dev = list(read_records(out.parent / "dev.jsonl"))
    pred = predict_records(nlp, dev)
    block = metrics["dev_tuning"]
    assert block["documents"] == len(dev) == 4
    assert block["spans"] == score_entities(dev, pred)
    assert block["relations_end_to_end"] == score_relations(dev, pred)
    m = block["spans"]["micro"]
    assert m["tp"] + m["fn"] == sum(len(r["entities"]) for r in dev) == 28


def test_training_is_reproducible(tmp_path, record, ko_record, tiny_model, monkeypatch):
    from pathlib import Path

    from kcx_nlp.train import train

    train_f, dev_f = tiny_corpus(tmp_path, record, ko_record)
    monkeypatch.chdir(ROOT)  # a relative config path, as users type it
    m1 = train(Path("training/configs/ner_cnn.cfg"), tmp_path / "a", [train_f], [dev_f], "-1", 0, TINY_CNN)
    assert m1["config"] == "training/configs/ner_cnn.cfg"
    m2 = train(ROOT / "training/configs/ner_cnn.cfg", tmp_path / "b", [train_f], [dev_f], "-1", 0, TINY_CNN)
    assert m1["dev_tuning"] == m2["dev_tuning"]
    assert (tmp_path / "a" / "ner" / "model").read_bytes() == (tmp_path / "b" / "ner" / "model").read_bytes()


_OPENED = []
_WATCHING = []


def _audit(event, args):
    if event == "open" and _WATCHING and isinstance(args[0], (str, Path)):
        _OPENED.append(str(args[0]))


def _fake_project(tmp_path, record, ko_record):
    """A project root whose annotations/ has train, dev, a test split and seed articles."""
    root = tmp_path / "proj"
    train_f, dev_f = tiny_corpus(tmp_path, record, ko_record)
    for sub, src in (("train", train_f), ("dev", dev_f), ("test", dev_f), ("gold", dev_f)):
        (root / "annotations" / sub).mkdir(parents=True)
        (root / "annotations" / sub / ("seeds.jsonl" if sub == "gold" else "x.jsonl")).write_bytes(src.read_bytes())
    return root


def test_training_never_opens_the_test_split_or_the_seeds(tmp_path, record, ko_record, monkeypatch):
    import sys

    import kcx_nlp.train as train_mod

    root = _fake_project(tmp_path, record, ko_record)
    monkeypatch.setattr(train_mod, "ROOT", root)
    sys.addaudithook(_audit)
    _OPENED.clear()
    _WATCHING.append(True)
    try:  # default file discovery, as `python -m kcx_nlp.train` runs it
        train_mod.train(ROOT / "training/configs/ner_cnn.cfg", tmp_path / "m", gpu="-1", seed=0, overrides=TINY_CNN)
    finally:
        _WATCHING.clear()
    opened = [str(Path(p).resolve()) for p in _OPENED]
    assert str((root / "annotations" / "train" / "x.jsonl").resolve()) in opened  # the hook sees the reads
    held_out = [str((root / "annotations" / sub).resolve()) for sub in ("test", "gold")]
    assert not [p for p in opened if p.startswith(tuple(held_out))]


def test_held_out_files_are_refused_as_training_data(tmp_path, record, ko_record, monkeypatch):
    import kcx_nlp.train as train_mod

    root = _fake_project(tmp_path, record, ko_record)
    monkeypatch.setattr(train_mod, "ROOT", root)
    for bad in (root / "annotations" / "test" / "x.jsonl", root / "annotations" / "gold" / "seeds.jsonl"):
        with pytest.raises(SystemExit, match="held-out data"):
            train_main(["--train", str(bad), "--dev", str(root / "annotations" / "dev" / "x.jsonl"),
                        "--output", str(tmp_path / "x"), "--gpu", "-1"])
        with pytest.raises(SystemExit, match="held-out data"):
            train_main(["--train", str(root / "annotations" / "train" / "x.jsonl"), "--dev", str(bad),
                        "--output", str(tmp_path / "x"), "--gpu", "-1"])


def test_extract_with_trained_pipeline(tiny_model):
    out, _ = tiny_model
    nlp = kcx_nlp.load(out, gpu=-1)
    text = "Seoul Mayor Oh Se-hoon met Beijing Mayor Yin Yong on Tuesday."
    rec = kcx_nlp.extract(text, date="2024-08-01", nlp=nlp)
    assert rec["lang"] == "en" and rec["date"] == "2024-08-01"
    doc = nlp(text)
    assert [(e["start"], e["end"], e["label"]) for e in rec["entities"]] == [
        (e.start_char, e.end_char, e.label_) for e in doc.ents]
    assert rec["entities"], "the tiny model predicts entities on its own training sentence"
    for ent in rec["entities"]:
        assert rec["text"][ent["start"]:ent["end"]] == ent["text"] and ent["label"] in LABELS
    assert kcx_nlp.extract("", nlp=nlp)["entities"] == []
    with pytest.raises(TypeError, match="bytes"):
        kcx_nlp.extract(b"Seoul", nlp=nlp)


def make_tiny_bert(path):
    """A randomly initialised, tiny BERT with a WordPiece vocabulary that covers every Hangul syllable,
    Latin letters and digits, saved locally (no downloads)."""
    from transformers import BertConfig, BertModel, BertTokenizerFast

    hangul = [chr(c) for c in range(0xAC00, 0xD7A4)]
    latin = list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,-'()")
    chars = latin + hangul
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + chars + [f"##{c}" for c in chars]
    path.mkdir(parents=True)
    (path / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    BertTokenizerFast(vocab_file=str(path / "vocab.txt"), do_lower_case=False).save_pretrained(path)
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=256)
    BertModel(config).save_pretrained(path)


def test_transformer_pipeline_trains_end_to_end_and_packages(tmp_path, record, ko_record, monkeypatch):
    """The trf config trains transformer, ner and relation extractor together (tiny local BERT); the
    pipeline gives entities, relations and agreement records, survives to_disk/from_disk and its wheel."""
    import subprocess
    import sys

    from kcx_nlp.package import build_wheel
    from kcx_nlp.train import train

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    bert = tmp_path / "tiny-bert"
    make_tiny_bert(bert)
    tokenizer = __import__("transformers").AutoTokenizer.from_pretrained(bert)
    assert "[UNK]" not in tokenizer.tokenize("광주시는 칭다오시와 Seoul")
    train_f, dev_f = tiny_corpus(tmp_path, record, ko_record, n=6)
    metrics = train(ROOT / "training/configs/ner_trf.cfg", tmp_path / "trf", [train_f], [dev_f], "-1", 0,
                    {"paths.transformer": str(bert), "paths.transformer_width": 32, "training.max_steps": 60,
                     "training.eval_frequency": 20, "training.logger.progress_bar": False,
                     "training.optimizer.learn_rate.total_steps": 60, "training.optimizer.learn_rate.warmup_steps": 5,
                     "training.optimizer.learn_rate.initial_rate": 0.003})
    m = metrics["dev_tuning"]["spans"]["micro"]
    assert metrics["dev_tuning"]["documents"] == 4 and m["tp"] + m["fn"] == 28
    nlp = spacy.load(tmp_path / "trf")
    assert nlp.pipe_names == ["transformer", "ner", "sentencizer", "relation_extractor", "normalizer"]
    assert nlp.meta["name"] == "kcx_trf"
    doc = nlp(ko_record["text"])
    assert doc.ents and doc._.relations, "the trained transformer pipeline gives entities and relations"
    assert kcx_nlp.records(doc), "and agreement records"
    nlp.to_disk(tmp_path / "again")
    again = spacy.load(tmp_path / "again")
    assert [(e.text, e.label_) for e in again(ko_record["text"]).ents] == [(e.text, e.label_) for e in doc.ents]
    wheel = build_wheel(tmp_path / "trf", tmp_path / "dist")
    assert wheel.name.startswith("xx_kcx_trf-")
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
                   check=True)
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import kcx_nlp; nlp = kcx_nlp.load('xx_kcx_trf', gpu=-1); "
            "doc = nlp(sys.argv[2]); print(len(doc.ents), len(doc._.relations))")
    done = subprocess.run([sys.executable, "-c", code, str(target), ko_record["text"]], capture_output=True, text=True,
                          check=True, env=dict(__import__("os").environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1"))
    assert done.stdout.split() == [str(len(doc.ents)), str(len(doc._.relations))]
