"""Agreement records: building them from a document, merging them across documents, tables."""
import csv
import io
import json

import kcx_nlp
from kcx_nlp.__main__ import main
from kcx_nlp.agreements import csv_row, merge_records, records, records_from_record, write_table
from kcx_nlp.corpus import read_records
from kcx_nlp.corpus.convert import record_to_doc

from conftest import ANNOTATIONS


def _seeds():
    return {r["id"][:3]: r for r in read_records(ANNOTATIONS / "gold" / "seeds.jsonl")}


def test_korean_record(nlp, ko_record):
    ko_record["relations"].append({"head": 5, "tail": 4, "label": "SIGNATORY"})
    ko_record["relations"].append({"head": 5, "tail": 0, "label": "OFFICIAL_OF"})
    (rec,) = records(record_to_doc(nlp, ko_record))
    assert rec["type"] == "sister_city" and rec["date"] == "2024-10-21" and rec["doc_id"] == "t-ko"
    assert [p["name"] for p in rec["parties"]] == ["Gwangju", "Qingdao"]
    assert rec["parties"][1] | {} == dict(rec["parties"][1], level="sub_provincial_city", country="CN", parent="Shandong")
    (signer,) = rec["signatories"]
    assert signer["name"] == "고광완" and signer["title"] == "executive deputy mayor"
    assert signer["jurisdiction"]["name"] == "Gwangju"
    assert rec["evidence"].startswith("광주시는 지난 21일") and rec["confidence"] == 1.0
    assert rec["record_id"] == "t-ko#1"


def test_signatory_jurisdiction_becomes_a_party(nlp):
    text = "Gov. Yang Seung-jo of South Chungcheong signed a sisterhood agreement."
    spans = [("Gov.", "TITLE"), ("Yang Seung-jo", "OFFICIAL"), ("South Chungcheong", "JURISDICTION"),
             ("sisterhood agreement", "AGREEMENT")]
    rec = {"id": "x", "lang": "en", "date": None, "text": text,
           "entities": [{"start": text.index(t), "end": text.index(t) + len(t), "label": lab} for t, lab in spans],
        "relations": [{"head": 1, "tail": 0, "label": "HAS_TITLE"}, {"head": 1, "tail": 2, "label": "OFFICIAL_OF"},
                      {"head": 1, "tail": 3, "label": "SIGNATORY"}]}
    (agr,) = records_from_record(rec)
    assert [(p["name"], p["via"]) for p in agr["parties"]] == [("South Chungcheong Province", "SIGNATORY")]


def test_mentions_of_one_agreement_form_one_record():
    recs = records_from_record(_seeds()["004"])
    sister = [r for r in recs if r["type"] == "sister_city"]
    assert len(sister) == 1 and len(sister[0]["mentions"]) >= 5
    assert {p["id"] for p in sister[0]["parties"]} == {"KR-gwangju", "CN-shandong-qingdao"}
    assert sister[0]["date"] == "2024-10-21"
    assert {r["type"] for r in recs} == {"sister_city", "mou", "exchange"}


def test_nothing_is_dropped():
    recs = records_from_record(_seeds()["000"])  # a sisterhood agreement with no party named
    assert [(r["type"], r["parties"], r["confidence"]) for r in recs] == [("sister_city", [], 0.0)]


def test_seeds_000_and_001_merge_into_one():
    found = [a for r in read_records(ANNOTATIONS / "gold" / "seeds.jsonl") for a in records_from_record(r)]
    merged = merge_records(found)
    joined = [m for m in merged if {"000", "001"} <= {s["doc_id"][:3] for s in m["sources"]}]
    assert len(joined) == 1 and joined[0]["type"] == "sister_city"
    assert len(merged) == len(found) - 1  # nothing else was joined


def _agr(doc_id, parties, date=None, doc_date="2024-10-22", sentence="Gwangju signed a sister city agreement.", kind="sister_city"):
    return {"record_id": f"{doc_id}#1", "doc_id": doc_id, "doc_date": doc_date, "lang": "en", "type": kind,
            "parties": [{"id": p, "name": p} for p in parties], "signatories": [], "date": date, "evidence": sentence,
            "mentions": [{"text": "x", "start": 0, "end": 1, "sentence": sentence}], "confidence": 0.9}


def test_merge_rules():
    same = merge_records([_agr("a", ["KR-gwangju", "CN-qingdao"], "2024-10-21"), _agr("b", ["KR-gwangju"], "2024-10")])
    assert len(same) == 1 and same[0]["date"] == "2024-10-21" and len(same[0]["sources"]) == 2
    assert len(merge_records([_agr("a", ["KR-gwangju", "CN-qingdao"], "2024-10-21"),
                              _agr("b", ["KR-gwangju", "CN-qingdao"], "2017")])) == 2  # dates conflict
    assert len(merge_records([_agr("a", ["KR-gwangju", "CN-qingdao"]), _agr("b", ["KR-gwangju", "CN-yancheng"])])) == 2
    assert len(merge_records([_agr("a", ["KR-gwangju"]), _agr("b", ["KR-gwangju"], kind="mou")])) == 2
    assert len(merge_records([_agr("a", ["KR-gwangju"]), _agr("b", ["KR-gwangju"], doc_date="2020-01-01")])) == 2
    # a record naming no party joins only a retelling of the same sentence
    assert len(merge_records([_agr("a", ["KR-gwangju"]), _agr("b", [], sentence="A different story entirely.")])) == 2
    assert len(merge_records([_agr("a", ["KR-gwangju"]), _agr("b", [])])) == 1


def test_csv_row_is_flat_and_readable():
    found = records_from_record(_seeds()["004"])
    merged = merge_records(found)
    row = csv_row(next(m for m in merged if m["type"] == "sister_city"))
    assert row["parties"] == "Gwangju (KR, metropolitan_city) | Qingdao (CN, sub_provincial_city)"
    assert "Ko Gwang-wan (deputy mayor" in row["signatories"] and row["date"] == "2024-10-21"
    buf = io.StringIO()
    assert write_table(merged, buf, "csv") == len(merged)
    assert len(list(csv.DictReader(io.StringIO(buf.getvalue())))) == len(merged)


def test_records_cli_builds_and_merges(tmp_path, capsys):
    src = ANNOTATIONS / "gold" / "seeds.jsonl"
    out = tmp_path / "agr.jsonl"
    assert main(["records", "build", str(src), "-o", str(out)]) == 0
    built = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {r["doc_id"][:3] for r in built} == {"000", "001", "002", "003", "004"}
    merged_csv = tmp_path / "merged.csv"
    assert main(["records", "merge", str(out), "--format", "csv", "-o", str(merged_csv)]) == 0
    rows = list(csv.DictReader(merged_csv.open(encoding="utf-8")))
    assert len(rows) == len(built) - 1
    assert any("000_" in r["doc_ids"] and "001_" in r["doc_ids"] and r["n_sources"] == "2" for r in rows)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1}\n', encoding="utf-8")
    assert main(["records", "merge", str(bad)]) == 2
    assert "neither a document record nor an agreement record" in capsys.readouterr().err


def test_extract_records_cli(tiny_model, tmp_path):
    model, _ = tiny_model
    jl = tmp_path / "in.jsonl"
    jl.write_text(json.dumps({"id": "k", "date": "2024-10-22", "text": "광주시는 지난 21일 중국 칭다오시와 자매결연 협정을 맺었다."},
                             ensure_ascii=False) + "\n" + '{"id": "bad", "text": "x", "date": "22/10/2024"}\n', encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert main(["extract", str(jl), "--model", str(model), "--gpu", "-1", "--quiet", "--records", "--skip-errors",
                 "-o", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows[-1] == {"doc_id": "bad", "error": f"{jl}:2 (id 'bad'): publication date '22/10/2024' is not YYYY-MM-DD"}
    assert all("type" in r and "parties" in r for r in rows[:-1])
    assert main(["extract", str(jl), "--date", "yesterday", "--model", str(model)]) == 2


def test_records_is_exported():
    assert kcx_nlp.records is records and kcx_nlp.merge_records is merge_records


def test_a_counterpart_only_record_gets_the_home_party():
    (mou,) = [r for r in records_from_record(_seeds()["004"]) if r["type"] == "mou"]
    assert [(p["id"], p["via"]) for p in mou["parties"]] == [("KR-gwangju", "document"), ("CN-jiangsu-yancheng", "PARTY_TO")]


def test_no_home_party_without_a_korean_party_elsewhere(nlp):
    text = "Partners of the city.\nShiyan: sister city since 1999.\nIn 2012 the city signed an exchange agreement with Shiyan."
    spans = [("Shiyan", "JURISDICTION", 0), ("sister city", "AGREEMENT", 0), ("Shiyan", "JURISDICTION", 1),
             ("exchange agreement", "AGREEMENT", 0)]
    ents, at = [], {}
    for t, lab, k in spans:
        start = text.index(t, at.get(t, -1) + 1) if k else text.index(t)
        at[t] = start
        ents.append({"start": start, "end": start + len(t), "label": lab})
    rec = {"id": "list", "lang": "en", "date": None, "text": text, "entities": ents,
           "relations": [{"head": 0, "tail": 1, "label": "PARTY_TO"}, {"head": 2, "tail": 3, "label": "PARTY_TO"}]}
    assert all(p["via"] == "PARTY_TO" for r in records_from_record(rec) for p in r["parties"])


def test_extract_records_csv_keeps_error_rows(tiny_model, tmp_path):
    model, _ = tiny_model
    jl = tmp_path / "in.jsonl"
    jl.write_text('{"id": "bad", "text": "x", "date": "22/10/2024"}\n'
                  + json.dumps({"id": "k", "date": "2024-10-22", "text": "광주시는 지난 21일 중국 칭다오시와 자매결연 협정을 맺었다."},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "o.csv"
    assert main(["extract", str(jl), "--model", str(model), "--gpu", "-1", "--quiet", "--records", "--skip-errors",
                 "--format", "csv", "-o", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows[0]["doc_ids"] == "bad" and "not YYYY-MM-DD" in rows[0]["error"]
    assert all(r["type"] and not r["error"] for r in rows[1:])
