"""The agreements database: storing documents and merged agreements, duplicates, queries, the CLI."""
import csv
import importlib.util
import io
import json
import os

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kcx_nlp.__main__ import main
from kcx_nlp.agreements import merge_records, records_from_record
from kcx_nlp.agreements.store import AgreementStore, StoreError, database_url, documents, relations
from kcx_nlp.corpus import read_records

from conftest import ANNOTATIONS, SHARED, write_jsonl


@pytest.fixture(scope="module")
def seeds():
    """The gold seed records and their agreement records (no model run)."""
    docs = list(read_records(ANNOTATIONS / "gold" / "seeds.jsonl"))
    return docs, [a for d in docs for a in records_from_record(d)]


def _json(value):
    return json.loads(json.dumps(value))


def _groups(merged):
    return sorted(sorted(s["record_id"] for s in m["sources"]) for m in merged)


def test_one_add_gives_what_records_merge_gives(tmp_path, seeds):
    docs, found = seeds
    with AgreementStore(tmp_path / "a.sqlite") as store:
        result = store.add(docs, found)
        assert (result.documents, result.agreement_records, result.skipped) == (5, len(found), [])
        assert _json(store.query()) == _json(merge_records(found))
        counts = store.counts()
    assert counts["documents"] == 5 and counts["agreement_records"] == len(found)
    assert counts["agreements"] == len(found) - 1  # seeds 000 and 001 report one agreement
    assert counts["entities"] == sum(len(d["entities"]) for d in docs)
    assert counts["relations"] == sum(len(d["relations"]) for d in docs)


def test_documents_added_one_by_one_merge_into_stable_agreements(tmp_path, seeds):
    docs, found = seeds
    with AgreementStore(tmp_path / "a.sqlite") as store:
        store.add(docs[:1])  # agreement records built from the document record
        (first,) = store.query()
        result = store.add(docs[1:2])
        assert result.joined == 1
        after = store.query()
        joined = next(a for a in after if a["agreement_id"] == first["agreement_id"])
        assert [s["doc_id"][:3] for s in joined["sources"]] == ["000", "001"]
        for d in docs[2:]:
            store.add([d])
        assert _groups(store.query()) == _groups(merge_records(found))
    with AgreementStore(tmp_path / "a.sqlite") as again:  # a new process reads the stored agreements back
        assert again.query()[0]["agreement_id"] == first["agreement_id"] and len(again.query()[0]["sources"]) == 2


def test_adding_the_same_documents_twice_keeps_the_row_counts(tmp_path, seeds):
    docs, found = seeds
    with AgreementStore(tmp_path / "a.sqlite") as store:
        store.add(docs, found)
        before = store.counts()
        result = store.add(docs, found)
        assert store.counts() == before
    assert result.documents == 0 and result.agreement_records == 0
    assert result.skipped == [d["id"] for d in docs]


def test_a_document_repeated_in_one_call_is_stored_once(tmp_path, seeds):
    docs, _ = seeds
    with AgreementStore(tmp_path / "a.sqlite") as store:
        result = store.add([docs[4], docs[4]])
        assert result.documents == 1 and result.skipped == [docs[4]["id"]]
        assert store.counts()["documents"] == 1


def test_queries(tmp_path, seeds):
    docs, found = seeds
    with AgreementStore(tmp_path / "a.sqlite") as store:
        store.add(docs, found)

        def parties(**query):
            return [sorted(p["name"] for p in a["parties"]) for a in store.query(**query)]

        gwangju = parties(party="Gwangju")
        assert gwangju and all("Gwangju" in names for names in gwangju)
        assert parties(party="kr-gwangju") == gwangju == parties(party="GWANGJU")  # gazetteer id, any case
        surface = next(p["surface"] for a in found for p in a["parties"] if p["surface"] != p["name"])
        assert parties(party=surface)
        assert parties(party="Atlantis") == []
        sister = store.query(type="sister_city")
        assert sister and all(a["type"] == "sister_city" for a in sister)
        china = store.query(country="cn")
        assert china and all(any(p["country"] == "CN" for p in a["parties"]) for a in china)
        assert [a["date"] for a in store.query(since="2024-10-21", until="2024-10-21")] == ["2024-10-21"]
        recent = store.query(since="2024")
        assert recent and all(str(a["date"]) >= "2024" for a in recent)
        assert all(a["date"] is not None for a in store.query(until="2030"))
        with pytest.raises(ValueError, match="since: '21/10/2024' is not a date"):
            store.query(since="21/10/2024")


def test_stored_rows(tmp_path, seeds):
    docs, _ = seeds
    doc = dict(docs[4], date_source="dateline")
    with AgreementStore(tmp_path / "a.sqlite") as store:
        store.add([doc])
        with store.engine.connect() as conn:
            row = conn.execute(select(documents)).one()
            rel = conn.execute(select(relations).where(relations.c.idx == 0)).one()
    assert (row.id, row.lang, str(row.date), row.date_source, row.text) == (doc["id"], "en", doc["date"], "dateline", doc["text"])
    first = doc["relations"][0]
    head = doc["entities"][first["head"]]
    assert (rel.head, rel.tail, rel.label) == (first["head"], first["tail"], first["label"])
    assert (rel.head_label, rel.head_text) == (head["label"], doc["text"][head["start"]:head["end"]])


def test_a_failed_add_stores_nothing(tmp_path, seeds):
    docs, found = seeds
    with AgreementStore(tmp_path / "a.sqlite") as store:
        store.add(docs[:1])
        before = store.counts()
        bad = dict(docs[2], date="22/10/2024")
        with pytest.raises(ValueError, match="publication date '22/10/2024' is not YYYY-MM-DD"):
            store.add([docs[1], bad], [a for a in found if a["doc_id"] == docs[1]["id"]])
        assert store.counts() == before
        clash = [dict(a, record_id=found[0]["record_id"]) for a in found if a["doc_id"] == docs[1]["id"]]
        with pytest.raises(IntegrityError):  # fails after the document's rows were written: all rolled back
            store.add([docs[1]], clash)
        assert store.counts() == before
        with pytest.raises(ValueError, match="not among the documents added"):
            store.add([docs[3]], [a for a in found if a["doc_id"] == docs[1]["id"]])
        assert store.counts() == before
        store.add(docs[1:2])  # merging goes on from what is stored, not from the rolled-back attempt
        assert len(store.query()[0]["sources"]) == 2


def test_batches_commit_whole_documents(tmp_path, seeds):
    docs, _ = seeds
    bad = dict(docs[3], date="someday")
    with AgreementStore(tmp_path / "a.sqlite") as store:
        batches = store.batches(2)
        for d in docs[:3]:
            batches.add(d)
        with pytest.raises(StoreError, match="not stored"):
            batches.add(bad)  # the second batch fails as a whole
        assert store.document_ids() == sorted(d["id"] for d in docs[:2])
        assert store.counts()["entities"] == sum(len(d["entities"]) for d in docs[:2])
        again = store.batches(2)  # running again skips what is stored
        for d in docs:
            again.add(d)
        result = again.finish()
    assert result.documents == 3 and result.skipped == [d["id"] for d in docs[:2]]


def test_database_url():
    assert database_url("x/agreements.sqlite").drivername == "sqlite"
    assert str(database_url("sqlite:///a.db")) == "sqlite:///a.db"
    assert database_url("postgresql://u@h/db").drivername.startswith("postgresql")


def test_cli_extract_db_then_query(tmp_path, capsys):
    db = tmp_path / "agreements.sqlite"
    seeds = [str(SHARED / "seeds" / name) for name in ("003_2123e10fc70bab69.txt", "004_c23cc7413312ba25.txt")]
    args = ["extract", *seeds, "--db", str(db), "--gpu", "-1", "--quiet"]
    assert main(args) == 0
    out, err = capsys.readouterr()
    assert out == "" and "2 document(s) stored" in err
    with AgreementStore(db) as store:
        before = store.counts()
    jsonl = tmp_path / "docs.jsonl"
    assert main(args + ["--output", str(jsonl)]) == 0  # both the output file and the database
    err = capsys.readouterr().err
    assert "0 document(s) stored; 2 skipped as already stored (003_2123e10fc70bab69, 004_c23cc7413312ba25)" in err
    assert len(jsonl.read_text(encoding="utf-8").splitlines()) == 2
    with AgreementStore(db) as store:
        assert store.counts() == before
    assert main(["records", "query", "--db", str(db), "--party", "Gwangju", "--type", "sister_city"]) == 0
    (found,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {p["id"] for p in found["parties"]} == {"KR-gwangju", "CN-shandong-qingdao"}
    assert found["sources"][0]["doc_id"] == "004_c23cc7413312ba25"
    out_csv = tmp_path / "q.csv"
    assert main(["records", "query", "--db", str(db), "--country", "CN", "--format", "csv", "-o", str(out_csv)]) == 0
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text(encoding="utf-8"))))
    assert rows and all("CN" in r["countries"] for r in rows)
    assert list(rows[0]) == ["agreement_id", "type", "date", "parties", "countries", "signatories", "confidence",
                             "n_sources", "doc_ids", "evidence"]


def test_cli_failed_documents_are_counted_not_stored(tmp_path, capsys):
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "ok", "text": "Seoul Mayor Oh Se-hoon met Beijing Mayor Yin Yong.",
                                               "date": "2024-08-01"},
                                              {"id": "bad", "text": "x", "date": "22/10/2024"}])
    db = tmp_path / "a.sqlite"
    assert main(["extract", str(src), "--db", str(db), "--skip-errors", "--gpu", "-1", "--quiet"]) == 0
    assert "1 document(s) stored; 1 failed and not stored" in capsys.readouterr().err
    with AgreementStore(db) as store:
        assert store.document_ids() == ["ok"]


def test_cli_refusals(tmp_path, capsys):
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": "x"}])
    assert main(["extract", str(src), "--db", str(tmp_path / "a.sqlite"), "--engine", "dask", "-o",
                 str(tmp_path / "o.jsonl")]) == 2
    assert "--db works with --engine local" in capsys.readouterr().err
    assert main(["records", "query", "--db", str(tmp_path / "missing.sqlite")]) == 2
    assert "no such database file" in capsys.readouterr().err
    assert main(["records", "query"]) == 2
    assert main(["records", "merge"]) == 2
    with AgreementStore(tmp_path / "a.sqlite"):
        pass
    assert main(["records", "query", "--db", str(tmp_path / "a.sqlite"), "--since", "soon"]) == 2
    assert "is not a date" in capsys.readouterr().err


POSTGRES = os.environ.get("KCX_TEST_POSTGRES_URL")


@pytest.mark.skipif(not POSTGRES or importlib.util.find_spec("psycopg") is None,
                    reason="set KCX_TEST_POSTGRES_URL (postgresql://user@host/db, a database to drop tables in) "
                           "and install psycopg to run the PostgreSQL test")
def test_postgresql(seeds):
    from kcx_nlp.agreements.store import metadata

    docs, found = seeds
    store = AgreementStore(POSTGRES)
    try:
        metadata.drop_all(store.engine)
        store = AgreementStore(POSTGRES)
        store.add(docs, found)
        before = store.counts()
        assert store.add(docs, found).skipped == [d["id"] for d in docs] and store.counts() == before
        assert _json(store.query()) == _json(merge_records(found))
        assert store.query(party="kr-gwangju")
    finally:
        metadata.drop_all(store.engine)
        store.close()


def test_database_benchmark_writes_its_figures(tmp_path):
    from kcx_nlp.benchmark.database import main as benchmark

    out, md = tmp_path / "database.json", tmp_path / "DATABASE.md"
    assert benchmark(["--documents", "20", "--twice", "8", "--repeats", "1", "--output", str(out), "--markdown", str(md)]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    twice, speed = result["twice"], result["throughput"]
    assert twice["documents"] == 8 and twice["counts_after_first"]["documents"] == 8
    assert twice["counts_after_first"] == twice["counts_after_second"] and twice["equal"]
    assert "8 skipped as already stored" in twice["second_run"]["stderr"]
    assert speed["documents"] == 20 and speed["jsonl"]["output_lines"] == 20 and speed["db"]["counts"]["documents"] == 20
    assert speed["db"]["stdout_bytes"] == 0 and speed["ratio"] > 0 and {"target", "met"} <= set(speed)
    assert "ingested twice" in md.read_text(encoding="utf-8")
