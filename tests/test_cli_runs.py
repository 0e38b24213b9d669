"""How a run ends: interrupted (exit 130, output kept for --resume), with skipped documents (a summary),
on binary input (refused as not text); output files get the umask's permissions."""
import json
import os
import stat

import pytest

from kcx_nlp.__main__ import main


def _lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_interrupt_keeps_complete_lines_and_resume_goes_on(tiny_model, tmp_path, capsys, monkeypatch):
    import kcx_nlp.pipeline as pipeline

    model, _ = tiny_model
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": f"d{i}", "text": f"Seoul Mayor Oh met Busan Mayor Park. {i}"}) + "\n"
                           for i in range(6)), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    real = pipeline.pipe_records

    def interrupted(*args, **kwargs):
        for n, item in enumerate(real(*args, **kwargs)):
            if n == 3:
                raise KeyboardInterrupt
            yield item
    monkeypatch.setattr(pipeline, "pipe_records", interrupted)
    code = main(["extract", str(src), "--model", str(model), "--gpu", "-1", "--quiet", "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 130 and "Traceback" not in err
    assert "interrupted after 3 document(s)" in err and "--resume" in err
    assert [r["id"] for r in _lines(out)] == ["d0", "d1", "d2"]
    monkeypatch.setattr(pipeline, "pipe_records", real)
    assert main(["extract", str(src), "--model", str(model), "--gpu", "-1", "--quiet", "-o", str(out), "--resume"]) == 0
    assert [r["id"] for r in _lines(out)] == [f"d{i}" for i in range(6)]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.jsonl.")]  # no temporary file left


def test_skip_errors_ends_with_a_summary(tiny_model, tmp_path, capsys):
    model, _ = tiny_model
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "ok", "text": "Seoul"}\nnot json\n{"id": "x"}\n', encoding="utf-8")
    assert main(["extract", str(src), "--model", str(model), "--gpu", "-1", "--quiet", "--skip-errors",
                 "-o", str(tmp_path / "o.jsonl")]) == 0
    err = capsys.readouterr().err
    assert "2 of 3 document(s) failed" in err and "not valid JSON" in err and "string 'text'" in err


@pytest.mark.parametrize("errors", ["strict", "replace"])
def test_binary_input_is_refused_as_not_text(tiny_model, tmp_path, capsys, errors):
    model, _ = tiny_model
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    (tmp_path / "noise.txt").write_bytes(bytes(range(128, 256)) * 40)
    for name in ("image.txt", "noise.txt"):
        code = main(["extract", str(tmp_path / name), "--model", str(model), "--gpu", "-1", "--quiet",
                     "--errors", errors, "-o", str(tmp_path / "o.jsonl")])
        err = capsys.readouterr().err
        assert code == 2, name
        assert "not a text file" in err or (errors == "strict" and "invalid utf-8" in err), err
    code = main(["extract", str(tmp_path / "image.txt"), "--model", str(model), "--gpu", "-1", "--quiet",
                 "--errors", errors, "--skip-errors", "-o", str(tmp_path / "o.jsonl")])
    assert code == 0 and "error" in _lines(tmp_path / "o.jsonl")[0]


def test_output_file_honours_the_umask(tiny_model, tmp_path):
    model, _ = tiny_model
    (tmp_path / "a.txt").write_text("Seoul", encoding="utf-8")
    old = os.umask(0o022)
    try:
        assert main(["extract", str(tmp_path / "a.txt"), "--model", str(model), "--gpu", "-1", "--quiet",
                     "-o", str(tmp_path / "o.jsonl")]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "o.jsonl").stat().st_mode) == 0o644
