import json
from pathlib import Path

import pytest

import kcx_nlp

ROOT = Path(__file__).resolve().parent.parent
ANNOTATIONS = ROOT / "annotations"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def nlp():
    """A blank kcx pipeline (bilingual tokenizer only)."""
    return kcx_nlp.blank()


@pytest.fixture
def record():
    """A small valid record in the guidelines' format."""
    text = "Seoul Mayor Oh Se-hoon met Beijing Mayor Yin Yong on Tuesday."
    return {
        "id": "t-1", "lang": "en", "date": "2024-08-01", "text": text,
        "entities": [
            {"start": 0, "end": 5, "label": "JURISDICTION"},
            {"start": 6, "end": 11, "label": "TITLE"},
            {"start": 12, "end": 22, "label": "OFFICIAL"},
            {"start": 27, "end": 34, "label": "JURISDICTION"},
            {"start": 35, "end": 40, "label": "TITLE"},
            {"start": 41, "end": 49, "label": "OFFICIAL"},
            {"start": 53, "end": 60, "label": "DATE"},
        ],
        "relations": [
            {"head": 2, "tail": 1, "label": "HAS_TITLE"},
            {"head": 2, "tail": 0, "label": "OFFICIAL_OF"},
            {"head": 5, "tail": 4, "label": "HAS_TITLE"},
            {"head": 5, "tail": 3, "label": "OFFICIAL_OF"},
        ],
    }


@pytest.fixture
def ko_record():
    """A small valid Korean record with all five labels and relation types."""
    text = "광주시는 지난 21일 중국 칭다오시와 자매결연 협정을 맺었다. 고광완 행정부시장이 협정에 서명했다."
    ents = [(0, 3, "JURISDICTION"), (5, 11, "DATE"), (12, 14, "JURISDICTION"), (15, 19, "JURISDICTION"),
            (21, 28, "AGREEMENT"), (35, 38, "OFFICIAL"), (39, 44, "TITLE")]
    return {
        "id": "t-ko", "lang": "ko", "date": "2024-10-22", "text": text,
        "entities": [{"start": s, "end": e, "label": l} for s, e, l in ents],
        "relations": [
            {"head": 0, "tail": 4, "label": "PARTY_TO"},
            {"head": 3, "tail": 4, "label": "PARTY_TO"},
            {"head": 4, "tail": 1, "label": "SIGNED_ON"},
            {"head": 5, "tail": 6, "label": "HAS_TITLE"},
        ],
    }


def write_jsonl(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def gold_files():
    """Every annotated JSONL file of the project."""
    return sorted(p for sub in ("gold", "train", "dev", "test") for p in (ANNOTATIONS / sub).glob("*.jsonl"))


TINY_CNN = {
    "components.tok2vec.model.encode.width": 32,
    "components.tok2vec.model.encode.depth": 1,
    "components.tok2vec.model.embed.rows": [500, 100, 100, 100, 50],
    "components.ner.model.hidden_width": 16,
    "training.max_steps": 30,
    "training.eval_frequency": 10,
    "training.logger.progress_bar": False,
}


def tiny_corpus(tmp_path, record, ko_record, n=6):
    """Tiny train and dev files made from the fixtures."""
    rows = [dict(record, id=f"e{i}") for i in range(n)] + [dict(ko_record, id=f"k{i}") for i in range(n)]
    train = write_jsonl(tmp_path / "train.jsonl", rows)
    dev = write_jsonl(tmp_path / "dev.jsonl", rows[:2] + rows[-2:])
    return train, dev


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory):
    """A tiny CNN pipeline trained on the fixtures (seconds); returns (model_dir, metrics)."""
    from kcx_nlp.train import train

    base = tmp_path_factory.mktemp("tiny")
    rec = _record_fixture()
    train_f, dev_f = tiny_corpus(base, rec["en"], rec["ko"])
    out = base / "model"
    metrics = train(ROOT / "training" / "configs" / "ner_cnn.cfg", out, [train_f], [dev_f],
                    gpu="-1", seed=0, overrides=TINY_CNN)
    return out, metrics


def _record_fixture():
    return {"en": record.__wrapped__(), "ko": ko_record.__wrapped__()}


@pytest.fixture(scope="session")
def tiny_nlp(tiny_model):
    """The tiny trained pipeline, loaded once."""
    return kcx_nlp.load(tiny_model[0], gpu=-1)


@pytest.fixture(scope="session")
def shipped_nlp():
    """The shipped pipeline (models/kcx_core), loaded once: for tests that need real predictions."""
    return kcx_nlp.load(ROOT / "models" / "kcx_core", gpu=-1)
