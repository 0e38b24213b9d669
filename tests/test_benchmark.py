import json

from kcx_nlp.benchmark.__main__ import main
from conftest import write_jsonl


def test_benchmark_runs_end_to_end_on_a_tiny_model(tiny_model, tmp_path, record, ko_record):
    model, _ = tiny_model
    seeds = write_jsonl(tmp_path / "seeds.jsonl", [dict(record, id="s1", text=record["text"] + " More.")])
    dev = write_jsonl(tmp_path / "dev.jsonl", [record, ko_record])
    test = write_jsonl(tmp_path / "test.jsonl", [dict(ko_record, id="t-ko-2"), dict(record, id="t-en-2")])
    out = tmp_path / "bench"
    assert main(["--model", str(model), "--test", str(test), "--seeds", str(seeds), "--dev", str(dev), "--out", str(out),
                 "--quick"]) == 0
    report = (out / "REPORT.md").read_text(encoding="utf-8")
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    for section in ("## Headline: held-out accuracy", "## Accuracy: Test split", "## Accuracy: Seed articles",
                    "(used for checkpoint choice and threshold tuning", "rules-only baseline", "## Speed (CPU)", "## Cost", "## Scaling",
                    "## Reliability", "Machine:"):
        assert section in report
    assert list(results["accuracy"]) == ["test", "seeds", "dev"] and results["fuzz"]["crashes"] == 0
    test_acc = results["accuracy"]["test"]["kcx"]
    assert test_acc["documents"] == 2 and test_acc["agreements"]["agreements"] == 1  # the Korean MOU with 2 parties
    assert test_acc["agreements"]["per_lang"].keys() == {"ko"}
    assert "| test | ko | 1 |" in report
    assert "## Variants on the held-out data" in report and "| shipped, decode off | test | ko |" in report
    assert all((out / name).exists() for name in ("accuracy_seeds.png", "speed.png", "scaling.png"))


def test_normalization_benchmark_writes_its_report(tmp_path):
    from kcx_nlp.benchmark import normalization

    assert normalization.main(["--model", "none", "--out", str(tmp_path)]) == 0
    report = (tmp_path / "NORMALIZATION.md").read_text(encoding="utf-8")
    assert "## Dates" in report and "## Jurisdictions" in report and "Seeds 000 and 001 merged: **yes**" in report
    results = json.loads((tmp_path / "results" / "normalization.json").read_text(encoding="utf-8"))
    assert results["dates"]["accuracy"]["all"]["total"] >= 150
    assert results["seeds"]["gold relations"]["summary"]["found_with_type"] == 7
