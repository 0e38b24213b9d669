"""Train, dev and a frozen test split, used honestly: no held-out document or near copy in training data."""
import hashlib
import json

import pytest

from kcx_nlp.corpus import read_records
from kcx_nlp.corpus.leakage import MIN_SHARED_CHARS, shared_passages
from kcx_nlp.corpus.split import group_of, train_dev_test_split
from conftest import ANNOTATIONS

TEST_DIR = ANNOTATIONS / "test"
SEEDS = ANNOTATIONS / "gold" / "seeds.jsonl"


def _part(sub):
    return [r for path in sorted((ANNOTATIONS / sub).glob("*.jsonl")) for r in read_records(path, validate=False)]


@pytest.fixture(scope="module")
def parts():
    return {"train": _part("train"), "dev": _part("dev"), "test": _part("test"), "seeds": list(read_records(SEEDS))}


def test_no_held_out_document_or_near_copy_in_train_or_dev(parts):
    held_out = parts["test"] + parts["seeds"]
    training = parts["train"] + parts["dev"]
    assert len(parts["test"]) >= 100 and len(training) >= 500
    assert not {r["id"] for r in held_out} & {r["id"] for r in training}
    assert not {r["text"] for r in held_out} & {r["text"] for r in training}
    assert shared_passages(held_out, training) == []


def test_events_never_straddle_splits(parts):
    where = {}
    for name in ("train", "dev", "test"):
        for r in parts[name]:
            if r.get("meta"):
                where.setdefault(group_of(r), set()).add(name)
    assert where and all(len(names) == 1 for names in where.values())


def test_test_split_is_realistic_and_frozen(parts):
    test = parts["test"]
    assert sum(r["lang"] == "ko" for r in test) / len(test) >= 0.40
    assert all(r.get("meta", {}).get("outlet") and r["meta"].get("model") for r in test)
    # FROZEN.sha256 is `sha256sum *.jsonl` run in annotations/test (checkable with `sha256sum -c`)
    frozen = dict(reversed(line.split()) for line in (TEST_DIR / "FROZEN.sha256").read_text().splitlines() if line.strip())
    now = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(TEST_DIR.glob("*.jsonl"))}
    assert now == frozen, "annotations/test changed: the test split is frozen (see annotations/README.md)"


def test_committed_splits_are_built_from_the_markup_sources(tmp_path, monkeypatch):
    from kcx_nlp.corpus.__main__ import main

    monkeypatch.chdir(ANNOTATIONS.parent)
    assert main(["build", "-o", str(tmp_path)]) == 0
    built = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.jsonl"))
    committed = sorted(p.relative_to(ANNOTATIONS) for sub in ("train", "dev", "test")
                       for p in (ANNOTATIONS / sub).glob("*.jsonl"))
    assert built == committed
    for rel in built:
        assert (tmp_path / rel).read_bytes() == (ANNOTATIONS / rel).read_bytes(), rel


def _doc(i, text, event=None):
    rec = {"id": f"d{i}", "lang": "en", "date": None, "text": text, "entities": [], "relations": []}
    if event:
        rec["meta"] = {"event": event}
    return rec


def test_shared_passages_finds_near_copies_of_200_characters_and_not_shorter():
    filler = "".join(chr(0x61 + (i * 7) % 26) for i in range(400))
    passage = "".join(chr(0x41 + (i * 11) % 26) for i in range(MIN_SHARED_CHARS))
    held = [_doc(1, "Intro. " + passage + " The end.")]
    assert shared_passages(held, [_doc(2, filler + passage + filler)])[0]["chars"] >= MIN_SHARED_CHARS
    # whitespace differences do not hide a copy
    spaced = passage[:50] + "\n\n  " + passage[50:]
    assert shared_passages([_doc(1, "x " + passage[:50] + " " + passage[50:])], [_doc(2, spaced)])
    assert shared_passages(held, [_doc(2, filler + passage[:-1] + "#" + filler)]) == []
    assert shared_passages(held, [_doc(2, filler)]) == []


def test_group_split_keeps_events_together_and_is_stable_when_the_corpus_grows():
    docs = [_doc(i, f"text {i}", event=f"ev{i // 3}") for i in range(300)]
    train, dev, test = train_dev_test_split(docs)
    assert 0.25 < len(test) / 300 < 0.47 and len(dev) > 0
    side = {d["id"]: k for k, part in enumerate((train, dev, test)) for d in part}
    for i in range(0, 300, 3):
        assert side[f"d{i}"] == side[f"d{i + 1}"] == side[f"d{i + 2}"]
    more = docs + [_doc(1000 + i, f"new {i}", event=f"new{i}") for i in range(50)]
    side2 = {d["id"]: k for k, part in enumerate(train_dev_test_split(more)) for d in part}
    assert all(side2[k] == v for k, v in side.items())
    assert train_dev_test_split(docs, seed=1) != (train, dev, test)
