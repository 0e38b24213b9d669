"""The README's examples cannot drift: every fenced block is executed here (or, for the install
commands, by ``.ci/run``), and every output it shows is checked.

- ```` ```pycon ```` blocks run as doctests (the shown output must match);
- ```` ```ini ```` blocks are spaCy config snippets: a pipeline is built from each;
- ```` ```bash ```` blocks run line by line in a sandbox copy of the repository's data, in README
  order. A command that would take long or overwrite committed files runs with the extra arguments
  declared in :data:`ADAPT` (tiny training data, outputs kept in the sandbox); its results are then
  checked by :data:`CHECKS`. A README command that this file does not know fails the test.
"""
import csv
import doctest
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SHARED, TINY_CNN, _record_fixture, tiny_corpus, write_jsonl

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCK_RE = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)
BLOCKS = [(lang, body) for lang, body in BLOCK_RE.findall(README)]
CI_PREFIX = "pip install torch==2.13.0 "

#: Commands known to this test: a regex on the command, and the arguments appended when it runs here.
ADAPT = [
    (r"^python -m kcx_nlp\.train ", lambda box: ["--train", str(box / "tiny_train.jsonl"), "--dev", str(box / "tiny_dev.jsonl"),
                                                 "--gpu", "-1"] + [a for k, v in TINY_CNN.items()
                                                                   for a in ("--set", f"{k}={json.dumps(v)}")]),
    (r"^python -m kcx_nlp\.benchmark\.accuracy ", lambda box: ["--out", str(box / "ACCURACY.md"),
                                                               "--test", str(box / "annotations" / "dev" / "v2.jsonl")]),
    (r"^python -m kcx_nlp\.package ", None),
    (r"^python -m kcx_nlp\.corpus ", None),
    (r"^python -m kcx_nlp ", None),
]


def _commands(body):
    for line in body.splitlines():
        command = re.sub(r"\s+#.*$", "", line).strip()
        if command and not command.startswith("#"):
            yield command


def _adapt(command, box):
    for pattern, extra in ADAPT:
        if re.search(pattern, command):
            return command + "".join(f" '{a}'" for a in (extra(box) if extra else []))
    raise AssertionError(f"README command not covered by tests/test_readme.py: {command}")


def test_every_block_is_known():
    langs = {lang for lang, _ in BLOCKS}
    assert langs <= {"bash", "pycon", "ini"}, f"README blocks of an unchecked kind: {langs - {'bash', 'pycon', 'ini'}}"
    for lang, body in BLOCKS:
        if lang == "bash":
            for command in _commands(body):
                if not command.startswith(CI_PREFIX):
                    _adapt(command, Path("."))


def test_ci_runs_the_readme_install_commands_as_written():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    installs = [c for lang, body in BLOCKS if lang == "bash" for c in _commands(body) if c.startswith(CI_PREFIX)]
    assert 'pip install torch==2.13.0 && pip install -e ".[test]" && python -m pytest' in installs
    assert any("python -m kcx_nlp extract" in c for c in installs)  # the quick start
    assert "grep -E '^pip install torch==2\\.13\\.0 ' README.md" in ci and "--upgrade pip" not in ci
    lines = [line for line in README.splitlines() if line.startswith(CI_PREFIX)]
    assert lines == installs  # .ci/run reads exactly these lines


def test_python_examples(monkeypatch):
    """The pycon blocks, in order, as one session (later blocks use the names of earlier ones)."""
    monkeypatch.chdir(ROOT)
    globs, failures, tries = {}, 0, 0
    for match in BLOCK_RE.finditer(README):
        if match.group(1) != "pycon":
            continue
        line = README[:match.start(2)].count("\n")
        test = doctest.DocTestParser().get_doctest(match.group(2), globs, f"README.md line {line + 1}", "README.md", line)
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        runner.run(test, out=sys.stdout.write, clear_globs=False)
        globs = test.globs  # a DocTest works on a copy: carry its names over to the next block
        failures, tries = failures + runner.failures, tries + runner.tries
    assert failures == 0, f"{failures} README example(s) do not give the output shown (see the captured output)"
    assert tries > 0


@pytest.mark.parametrize("index", [i for i, (lang, _) in enumerate(BLOCKS) if lang == "ini"])
def test_config_snippets(index):
    from spacy.util import load_model_from_config
    from thinc.api import Config

    nlp = load_model_from_config(Config().from_str(BLOCKS[index][1]), auto_fill=True)
    assert [t.text for t in nlp("광주시는 Seoul")] == ["광주시", "는", "Seoul"]


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    """A working folder like a clone's: articles/, more.jsonl, a copy of annotations/, training/,
    an empty models/, and ../shared."""
    base = tmp_path_factory.mktemp("readme")
    box = base / "main"
    box.mkdir()
    (box / "articles").mkdir()
    seeds = sorted((SHARED / "seeds").glob("*.txt"))[-2:]
    for path in seeds:
        shutil.copy(path, box / "articles" / path.name)
    write_jsonl(box / "articles" / "wire.jsonl", [{"id": "wire-1", "text": "광주시는 지난 21일 칭다오시와 자매결연 협정을 맺었다고 22일 밝혔다.",
                                                 "date": "2024-10-22"}])
    write_jsonl(box / "more.jsonl", [{"id": "more-1", "text": "Seoul Mayor Oh Se-hoon met Beijing Mayor Yin Yong on Tuesday."}])
    shutil.copytree(ROOT / "annotations", box / "annotations")
    (box / "training").symlink_to(ROOT / "training")
    (box / "models").mkdir()
    if SHARED.exists():
        (base / "shared").symlink_to(SHARED)
    rec = _record_fixture()
    train, dev = tiny_corpus(box, rec["en"], rec["ko"])
    train.rename(box / "tiny_train.jsonl")
    dev.rename(box / "tiny_dev.jsonl")
    return box


def _run(command, box):
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
               OMP_NUM_THREADS="1")
    done = subprocess.run(["bash", "-c", command], cwd=box, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"README command failed: {command}\n{done.stderr[-3000:]}"
    return done


def _jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _check_documents(box):
    records = _jsonl(box / "records.jsonl")
    assert [r["id"] for r in records] == sorted(p.stem for p in (box / "articles").glob("*.txt")) + ["wire-1", "more-1"]
    assert all(set(rel) >= {"head_text", "tail_text", "head_label", "tail_label"} for r in records for rel in r["relations"])
    documented = re.search(r"long format, columns `([^`]+)`", README).group(1).split(", ")
    with open(box / "records.csv", encoding="utf-8") as f:
        assert next(csv.reader(f)) == documented
    assert len(list((box / "pages").glob("*.html"))) == 3


def _check_agreements(box):
    with open(box / "agreements.csv", encoding="utf-8") as f:
        header = next(csv.reader(f))
    shown = re.search(r"readable columns: (.*?)\.\n", README, re.S).group(1)
    assert set(re.findall(r"`(\w+)`", shown)) <= set(header)
    rows = _jsonl(box / "agreements.jsonl")
    assert any({p["name"] for p in r["parties"]} >= {"Gwangju", "Qingdao"} for r in rows)


def _check_training(box):
    assert (box / "models" / "kcx_core" / "meta.json").exists()
    assert (box / "ACCURACY.md").exists()
    assert list((box / "models").glob("xx_kcx_core-*.whl"))
    for split in ("train", "dev", "test"):  # `corpus build` makes exactly the committed corpus
        for path in (ROOT / "annotations" / split).glob("*.jsonl"):
            assert (box / "annotations" / split / path.name).read_bytes() == path.read_bytes(), path


def _check_database(box):
    from kcx_nlp.agreements.store import AgreementStore

    with AgreementStore(str(box / "agreements.sqlite")) as store:
        counts = store.counts()
    assert counts["documents"] == 3
    with open(box / "gwangju.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows and all("Gwangju" in row["parties"] for row in rows)


CHECKS = {"agreements.sqlite": _check_database, "records.jsonl": _check_documents, "agreements.csv": _check_agreements, "models/kcx_core": _check_training}


@pytest.mark.parametrize("index", [i for i, (lang, _) in enumerate(BLOCKS) if lang == "bash"])
def test_shell_examples(index, sandbox):
    body = BLOCKS[index][1]
    commands = [c for c in _commands(body) if not c.startswith(CI_PREFIX)]
    for command in commands:
        _run(_adapt(command, sandbox), sandbox)
    for marker, check in CHECKS.items():
        if any(marker in c for c in commands):
            check(sandbox)
