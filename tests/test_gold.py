"""The project's annotation files: valid, aligned to tokens, and the seeds complete."""
import pytest

from kcx_nlp.corpus import alignment, check_files, corpus_stats, read_markup, read_records
from kcx_nlp.schema import LABELS, RELATIONS
from conftest import ANNOTATIONS, SHARED, gold_files

SEEDS = ANNOTATIONS / "gold" / "seeds.jsonl"


def all_records():
    return [r for path in gold_files() for r in read_records(path, validate=False)]


def test_gold_files_validate(nlp):
    assert gold_files(), "no annotation files found"
    assert check_files(gold_files(), nlp=nlp) == []


def test_alignment_at_least_99_5_percent_per_language(nlp):
    result = alignment(all_records(), nlp)
    for lang, row in result.items():
        assert row["ratio"] >= 0.995, (lang, row["ratio"], row["misaligned"][:10])


def test_seeds_have_every_label_and_relation():
    stats = corpus_stats(read_records(SEEDS))
    assert stats["documents"] == 5
    assert all(stats["entities"][label] > 0 for label in LABELS)
    assert all(stats["relations"][rel] > 0 for rel in RELATIONS)


def test_seed_records_match_markup_and_shared_texts():
    if not (SHARED / "seeds").is_dir():
        pytest.skip("../shared/seeds is not present")
    from_markup = read_markup(ANNOTATIONS / "src" / "seeds.md", source_root=SHARED)
    assert from_markup == list(read_records(SEEDS))
    for record in from_markup:
        assert record["text"] == (SHARED / "seeds" / f"{record['id']}.txt").read_text(encoding="utf-8")
