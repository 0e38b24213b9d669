import copy

import pytest

from kcx_nlp.corpus import CorpusError, check_files, read_records, record_problems, validate_record
from conftest import write_jsonl


def broken(record, mutate):
    rec = copy.deepcopy(record)
    mutate(rec)
    return rec


def test_valid_records_have_no_problems(record, ko_record, nlp):
    assert record_problems(record, nlp=nlp) == []
    assert record_problems(ko_record, nlp=nlp) == []


@pytest.mark.parametrize(
    "mutate,message",
    [
        (lambda r: r["entities"].append({"start": 3, "end": 8, "label": "TITLE"}), "overlaps"),
        (lambda r: r["entities"].append({"start": 58, "end": 99, "label": "DATE"}), "out of bounds"),
        (lambda r: r["entities"][2].update(end=23), "whitespace"),
        (lambda r: r["entities"][0].update(label="PLACE"), "unknown label 'PLACE'"),
        (lambda r: r["relations"].append({"head": 1, "tail": 2, "label": "HAS_TITLE"}), "links OFFICIAL -> TITLE"),
        (lambda r: r["relations"].append({"head": 2, "tail": 9, "label": "HAS_TITLE"}), "must index"),
        (lambda r: r["relations"].append({"head": 2, "tail": 1, "label": "KNOWS"}), "unknown relation label"),
        (lambda r: r["relations"].append(dict(r["relations"][0])), "duplicate relation"),
        (lambda r: r.update(lang="fr"), "'lang'"),
        (lambda r: r.update(date="2024-13-01"), "'date'"),
        (lambda r: r["entities"][0].update(text="Tokyo"), "the offsets give 'Seoul'"),
        (lambda r: r["entities"][2].update(start=13), "not aligned to token boundaries"),
    ],
)
def test_each_kind_of_bad_record_is_reported(record, nlp, mutate, message):
    problems = record_problems(broken(record, mutate), nlp=nlp)
    assert any(message in p for p in problems), problems


def test_edge_quotes_are_rejected():
    rec = {"id": "q", "lang": "en", "date": None, "text": "a 'Sister City Agreement'", "entities": [
        {"start": 2, "end": 25, "label": "AGREEMENT"}], "relations": []}
    assert any("punctuation" in p for p in record_problems(rec))


def test_possessive_is_rejected(nlp):
    rec = {"id": "p", "lang": "en", "date": None, "text": "Seoul's mayor", "entities": [
        {"start": 0, "end": 7, "label": "JURISDICTION"}], "relations": []}
    assert any("possessive" in p for p in record_problems(rec))


def test_error_names_file_line_document_and_span(tmp_path, record):
    bad = broken(record, lambda r: r["entities"].append({"start": 3, "end": 8, "label": "TITLE"}))
    path = write_jsonl(tmp_path / "c.jsonl", [record, bad])
    with pytest.raises(CorpusError) as info:
        list(read_records(path))
    message = str(info.value)
    assert f"{path}:2: document 't-1': entity 7 TITLE [3:8] 'ul Ma' overlaps" in message


def test_invalid_json_names_file_and_line(tmp_path, record):
    path = tmp_path / "c.jsonl"
    write_jsonl(path, [record])
    with open(path, "a", encoding="utf-8") as f:
        f.write("{not json\n")
    problems = check_files([path])
    assert len(problems) == 1 and problems[0].startswith(f"{path}:2: invalid JSON")


def test_duplicate_ids_are_reported(tmp_path, record):
    path = write_jsonl(tmp_path / "c.jsonl", [record, record])
    assert any("duplicate id" in p and ":2:" in p for p in check_files([path]))


def test_validate_record_raises_with_all_problems(record):
    bad = broken(record, lambda r: (r.update(lang="xx"), r["entities"][0].update(label="X")))
    with pytest.raises(CorpusError) as info:
        validate_record(bad, path="f.jsonl", line=7)
    problems = info.value.problems
    assert len(problems) == 3  # lang, label, and the relation whose endpoint is no longer a JURISDICTION
    assert any("'lang'" in p for p in problems) and any("unknown label 'X'" in p for p in problems)
    assert all(p.startswith("f.jsonl:7: document 't-1': ") for p in problems)
