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
    """A randomly initialised, tiny BERT with a WordPiece vocabulary, saved locally (no downloads)."""
    from transformers import BertConfig, BertModel, BertTokenizerFast

    chars = sorted(set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,-'()서울시장광주는칭다오와자매결연협정을맺었다고완행정부이에명했지난일중국"))
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + chars + [f"##{c}" for c in chars]
    path.mkdir(parents=True)
    (path / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    BertTokenizerFast(vocab_file=str(path / "vocab.txt"), do_lower_case=False).save_pretrained(path)
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=256)
    BertModel(config).save_pretrained(path)


def test_transformer_config_trains_with_a_local_tiny_bert(tmp_path, record, ko_record, monkeypatch):
    from kcx_nlp.train import train

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    bert = tmp_path / "tiny-bert"
    make_tiny_bert(bert)
    train_f, dev_f = tiny_corpus(tmp_path, record, ko_record, n=2)
    metrics = train(ROOT / "training/configs/ner_trf.cfg", tmp_path / "trf", [train_f], [dev_f], "-1", 0,
                    {"paths.transformer": str(bert), "training.max_steps": 4, "training.eval_frequency": 2,
                     "training.logger.progress_bar": False,
                     "training.optimizer.learn_rate.total_steps": 4, "training.optimizer.learn_rate.warmup_steps": 1})
    m = metrics["dev_tuning"]["spans"]["micro"]
    assert metrics["dev_tuning"]["documents"] == 4 and m["tp"] + m["fn"] == 28
    nlp = spacy.load(tmp_path / "trf")
    assert nlp.pipe_names == ["transformer", "ner", "normalizer"]
    doc = nlp("서울시장 오세훈 met Gov. Woo.")
    assert doc.text == "서울시장 오세훈 met Gov. Woo."
