"""Property tests: whatever the input, offsets stay valid and results are deterministic."""
import pickle

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kcx_nlp

PIECES = ["Seoul", "Mayor", "Oh Se-hoon", "signed", "an MOU", "with", "Beijing", "on", "Nov. 26", ",", ".", "\n",
          "서울시장", "오세훈은", "칭다오시와", "자매결연을", "맺었다", "지난 21일", "陈吉宁", "(", ")", "<p>", "&amp;",
          "\u200b", "\ufeff", "😀", "e\u0301", "ＡＢＣ", "\x00", "\r\n", "  "]
texts = st.one_of(st.lists(st.sampled_from(PIECES), max_size=30).map(" ".join), st.text(max_size=80))


def check_record(rec, text):
    assert rec["text"] == text
    ents = rec["entities"]
    for e in ents:
        assert 0 <= e["start"] < e["end"] <= len(text) and text[e["start"]:e["end"]] == e["text"]
    assert [(e["start"], e["end"]) for e in ents] == sorted((e["start"], e["end"]) for e in ents)
    assert all(a["end"] <= b["start"] for a, b in zip(ents, ents[1:]))
    for r in rec["relations"]:
        assert 0 <= r["head"] < len(ents) and 0 <= r["tail"] < len(ents) and r["head"] != r["tail"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=texts)
def test_extract_offsets_are_valid_and_deterministic(tiny_nlp, text):
    nlp = tiny_nlp
    first = kcx_nlp.extract(text, nlp=nlp)
    check_record(first, text)
    assert kcx_nlp.extract(text, nlp=nlp) == first


def test_same_results_across_n_process(tiny_nlp):
    nlp = tiny_nlp
    data = [f"Seoul Mayor Oh met Beijing Mayor Yin on Nov. {i}. 서울시장 오세훈은 {i}일 칭다오시와 협약을 맺었다." for i in range(12)]
    one = [d.to_json() for d in nlp.pipe(data, batch_size=4)]
    two = [d.to_json() for d in nlp.pipe(data, batch_size=4, n_process=2)]
    assert one == two


def test_pipeline_pickles(tiny_nlp):
    nlp = tiny_nlp
    clone = pickle.loads(pickle.dumps(nlp))
    text = "서울시장 오세훈은 Seoul Mayor Oh met Gov. Woo."
    assert [(e.text, e.label_) for e in clone(text).ents] == [(e.text, e.label_) for e in nlp(text).ents]


def test_shipped_pipeline_multiprocess_does_not_hang():
    """Regression: forked workers used to deadlock in torch after the parent had run the model."""
    import subprocess
    import sys

    from conftest import ROOT

    model = ROOT / "models" / "kcx_core"
    if not model.is_dir():
        import pytest

        pytest.skip("no bundled model")
    code = ("import spacy, kcx_nlp\n"
            f"nlp = spacy.load({str(model)!r})\n"
            "texts = ['Seoul Mayor Oh met Beijing Mayor Yin on Nov. 3 and signed an MOU. 서울시장 오세훈은 협약을 맺었다.'] * 40\n"
            "one = [d.to_json() for d in nlp.pipe(texts)]\n"
            "two = [d.to_json() for d in nlp.pipe(texts, n_process=2, batch_size=8)]\n"
            "assert one == two\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=300)
