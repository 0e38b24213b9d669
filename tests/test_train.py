import json

import pytest
import spacy

import kcx_nlp
from kcx_nlp.schema import LABELS
from kcx_nlp.train import main as train_main
from conftest import ROOT, TINY_CNN, tiny_corpus


def test_tiny_cnn_trains_and_reports(tiny_model):
    out, metrics = tiny_model
    assert (out / "config.cfg").exists() and (out / "meta.json").exists()
    saved = json.loads((out / "metrics.json").read_text())
    assert saved == metrics
    assert metrics["device"] == "CPU" and metrics["seed"] == 0
    assert set(metrics["relation_thresholds"]) == {"HAS_TITLE", "OFFICIAL_OF", "PARTY_TO", "SIGNATORY", "SIGNED_ON"}
    for part in ("dev", "seeds"):
        assert set(metrics[part]["spans"]["per_label"]) == set(LABELS)
        for key in ("relations_gold_entities", "relations_end_to_end"):
            assert 0.0 <= metrics[part][key]["micro"]["f"] <= 1.0
        assert 0.0 <= metrics[part]["spans"]["micro"]["f"] <= 1.0
        assert "micro" in metrics[part]["seqeval"]
    nlp = spacy.load(out)
    assert nlp.pipe_names == ["tok2vec", "ner", "sentencizer", "relation_extractor", "normalizer"]
    assert nlp.meta["name"] == "kcx_core"
    assert nlp.config["nlp"]["tokenizer"]["@tokenizers"] == "kcx.BilingualTokenizer.v1"


def test_training_is_reproducible(tmp_path, record, ko_record, tiny_model, monkeypatch):
    from pathlib import Path

    from kcx_nlp.train import train

    train_f, dev_f, seeds_f = tiny_corpus(tmp_path, record, ko_record)
    monkeypatch.chdir(ROOT)  # a relative config path, as users type it
    m1 = train(Path("training/configs/ner_cnn.cfg"), tmp_path / "a", [train_f], [dev_f], seeds_f, "-1", 0, TINY_CNN)
    assert m1["config"] == "training/configs/ner_cnn.cfg"
    m2 = train(ROOT / "training/configs/ner_cnn.cfg", tmp_path / "b", [train_f], [dev_f], seeds_f, "-1", 0, TINY_CNN)
    assert m1["dev"] == m2["dev"]
    assert (tmp_path / "a" / "ner" / "model").read_bytes() == (tmp_path / "b" / "ner" / "model").read_bytes()


def test_seed_leak_is_refused(tmp_path, record, ko_record):
    train_f, dev_f, _ = tiny_corpus(tmp_path, record, ko_record)
    with pytest.raises(SystemExit, match="seed articles found"):
        train_main(["--train", str(train_f), "--dev", str(dev_f), "--seeds", str(train_f),
                    "--output", str(tmp_path / "x"), "--gpu", "-1"])


def test_extract_with_trained_pipeline(tiny_model):
    out, _ = tiny_model
    nlp = kcx_nlp.load(out, gpu=-1)
    rec = kcx_nlp.extract("Seoul Mayor Oh Se-hoon met Beijing Mayor Yin Yong on Tuesday.", date="2024-08-01", nlp=nlp)
    assert rec["lang"] == "en" and rec["date"] == "2024-08-01"
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
    train_f, dev_f, seeds_f = tiny_corpus(tmp_path, record, ko_record, n=2)
    metrics = train(ROOT / "training/configs/ner_trf.cfg", tmp_path / "trf", [train_f], [dev_f], seeds_f, "-1", 0,
                    {"paths.transformer": str(bert), "training.max_steps": 4, "training.eval_frequency": 2,
                     "training.logger.progress_bar": False,
                     "training.optimizer.learn_rate.total_steps": 4, "training.optimizer.learn_rate.warmup_steps": 1})
    assert "f" in metrics["dev"]["spans"]["micro"]
    nlp = spacy.load(tmp_path / "trf")
    assert nlp.pipe_names == ["transformer", "ner", "normalizer"]
    doc = nlp("서울시장 오세훈 met Gov. Woo.")
    assert doc.text == "서울시장 오세훈 met Gov. Woo."
