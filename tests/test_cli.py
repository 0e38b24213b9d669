import csv
import io
import json
import zipfile

from kcx_nlp.__main__ import main


def test_extract_txt_and_jsonl_in_input_order(tiny_model, tmp_path, capsys):
    model, _ = tiny_model
    (tmp_path / "a.txt").write_text("Seoul Mayor Oh Se-hoon met Beijing Mayor Yin Yong.", encoding="utf-8")
    jl = tmp_path / "b.jsonl"
    jl.write_text(json.dumps({"id": "x1", "text": "광주시는 칭다오시와 자매결연을 맺었다.", "date": "2024-10-22"},
                             ensure_ascii=False) + "\n" + json.dumps({"id": "x2", "text": ""}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(tmp_path / "a.txt"), str(jl), "--model", str(model), "--gpu", "-1",
                 "--date", "2024-08-01", "-o", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a", "x1", "x2"]
    assert [r["date"] for r in rows] == ["2024-08-01", "2024-10-22", "2024-08-01"]
    assert [r["lang"] for r in rows] == ["en", "ko", "en"]
    assert rows[2]["entities"] == []


def test_extract_csv_has_a_row_per_document_entity_and_relation(tiny_model, tmp_path, capsys):
    from kcx_nlp.output import DOCUMENT_COLUMNS

    model, _ = tiny_model
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Seoul Mayor Oh met Beijing Mayor Yin.", encoding="utf-8")
    (tmp_path / "in" / "b.txt").write_text("", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert main(["extract", str(tmp_path / "in"), "--model", str(model), "--gpu", "-1", "-o", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["a", "b"]
    assert main(["extract", str(tmp_path / "in"), "--model", str(model), "--gpu", "-1", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert list(rows[0]) == DOCUMENT_COLUMNS
    for record in records:  # nothing dropped: every document, entity and relation has its row
        mine = [r for r in rows if r["id"] == record["id"]]
        assert [r["row"] for r in mine].count("document") == 1
        assert [r["text"] for r in mine if r["row"] == "entity"] == [e["text"] for e in record["entities"]]
        relations = [r for r in mine if r["row"] == "relation"]
        assert len(relations) == len(record["relations"])
        for row, rel in zip(relations, record["relations"]):
            assert (row["label"], row["head_text"], row["tail_text"]) == (rel["label"], rel["head_text"], rel["tail_text"])
            assert row["head_text"] == record["entities"][rel["head"]]["text"]
    assert any(r["row"] == "entity" for r in rows)


def test_extract_missing_input_is_a_clean_error(tmp_path, capsys):
    assert main(["extract", str(tmp_path / "missing.txt")]) == 2
    assert "missing.txt: no such file or folder" in capsys.readouterr().err


def test_package_builds_a_wheel(tiny_model, tmp_path):
    from kcx_nlp.package import build_wheel

    model, _ = tiny_model
    wheel = build_wheel(model, tmp_path)
    assert wheel.name.startswith("xx_kcx_core-") and wheel.suffix == ".whl"
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        meta = next(n for n in names if n.endswith("METADATA"))
        requires = zf.read(meta).decode()
    assert any(n.endswith("tokenizer") for n in names) and any("/ner/" in n for n in names)
    assert "Requires-Dist: kiwipiepy" in requires and "Requires-Dist: kcx-nlp" in requires


def test_extract_writes_html(tiny_model, tmp_path):
    model, _ = tiny_model
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a b.txt").write_text("Seoul Mayor Oh met Beijing Mayor Yin.", encoding="utf-8")
    out = tmp_path / "html"
    assert main(["extract", str(tmp_path / "in"), "--model", str(model), "--gpu", "-1", "--html", str(out),
                 "-o", str(tmp_path / "o.jsonl")]) == 0
    page = (out / "a_b.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Entities" in page and "Relations" in page


def _run(tiny_model, *args):
    model, _ = tiny_model
    return main(["extract", *map(str, args), "--model", str(model), "--gpu", "-1", "--quiet"])


def test_bad_inputs_give_one_line_errors(tiny_model, tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert _run(tiny_model, empty) == 2
    assert capsys.readouterr().err.strip() == f"error: {empty}: folder contains no .txt or .jsonl files"
    bad_utf8 = tmp_path / "bad.txt"
    bad_utf8.write_bytes("서울".encode() + b"\xff\xfe rest")
    assert _run(tiny_model, bad_utf8) == 2
    assert capsys.readouterr().err.strip() == (
        f"error: {bad_utf8}: invalid utf-8 at byte 6 (use --encoding or --errors replace)")
    jl = tmp_path / "b.jsonl"
    jl.write_text('{"id": "a", "text": "Seoul"}\n{broken\n{"id": "c"}\n', encoding="utf-8")
    assert _run(tiny_model, jl) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"error: {jl}:2: not valid JSON") and "Traceback" not in err
    no_text = tmp_path / "c.jsonl"
    no_text.write_text('{"id": "a", "text": "Seoul"}\n{"id": "c", "body": "x"}\n', encoding="utf-8")
    assert _run(tiny_model, no_text) == 2
    assert capsys.readouterr().err.strip() == f"error: {no_text}:2: expected an object with a string 'text'"


def test_skip_errors_keeps_one_output_line_per_input(tiny_model, tmp_path):
    jl = tmp_path / "b.jsonl"
    jl.write_bytes(b'{"id": "a", "text": "Seoul"}\n{broken\n{"id": "c"}\n{"id": "d", "text": "\xff"}\n'
                   b'{"id": "e", "text": "Busan"}\n')
    out = tmp_path / "o.jsonl"
    assert _run(tiny_model, jl, "--skip-errors", "-o", out) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a", "b:2", "b:3", "b:4", "e"]
    assert "not valid JSON" in rows[1]["error"] and "string 'text'" in rows[2]["error"]
    assert "invalid utf-8 at byte" in rows[3]["error"] and "entities" in rows[4]


def test_errors_replace_decodes_bad_bytes(tiny_model, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"Seoul \xff Mayor")
    out = tmp_path / "o.jsonl"
    assert _run(tiny_model, bad, "--errors", "replace", "-o", out) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["text"] == "Seoul \ufffd Mayor"


def test_output_is_atomic_and_resume_skips_done(tiny_model, tmp_path):
    jl = tmp_path / "in.jsonl"
    jl.write_text("".join(json.dumps({"id": f"d{i}", "text": f"Seoul Mayor {i}"}) + "\n" for i in range(4)))
    out = tmp_path / "o.jsonl"
    out.write_text(json.dumps({"id": "d0", "text": "kept", "entities": [], "relations": []}) + "\n")
    assert _run(tiny_model, jl, "--resume", "-o", out) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["d0", "d1", "d2", "d3"] and rows[0]["text"] == "kept"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "o.jsonl"]  # no temporary file left


def test_document_rows_name_both_ends_of_every_relation(record):
    from kcx_nlp.output import DOCUMENT_COLUMNS, document_rows

    for e in record["entities"]:
        e["text"] = record["text"][e["start"]:e["end"]]
    rows = document_rows(record)
    assert all(set(row) <= set(DOCUMENT_COLUMNS) for row in rows)
    assert [r["row"] for r in rows] == ["document"] + ["entity"] * 7 + ["relation"] * 4
    assert rows[0]["index"] == 7
    rel = rows[8]
    assert (rel["head_text"], rel["label"], rel["tail_text"], rel["head_label"], rel["tail_label"]) == \
        ("Oh Se-hoon", "HAS_TITLE", "Mayor", "OFFICIAL", "TITLE")
    assert document_rows({"id": "x", "error": "bad"}) == [{"id": "x", "lang": "", "date": "", "date_source": "",
                                                             "row": "document", "error": "bad"}]
