import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kcx_nlp
from kcx_nlp import pipeline
from kcx_nlp.pipeline import detect_lang, split_chunks


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .\n서울。 ")), max_size=300), st.integers(min_value=5, max_value=60))
def test_chunks_cover_text_and_respect_limit(text, limit):
    chunks = split_chunks(text, limit)
    assert "".join(c for _, c in chunks) == text
    assert all(len(c) <= limit for _, c in chunks)
    assert [o for o, _ in chunks] == [sum(len(c) for _, c in chunks[:i]) for i in range(len(chunks))]


def test_chunks_prefer_line_breaks():
    text = "first line here\nsecond line here\nthird"
    assert [c for _, c in split_chunks(text, 20)] == ["first line here\n", "second line here\n", "third"]


def test_detect_lang():
    assert detect_lang("Seoul Mayor") == "en" and detect_lang("") == "en"
    assert detect_lang("광주시는 칭다오시와 자매결연을 맺었다") == "ko"
    assert detect_lang("광주시 Gwangju Metropolitan City") == "mixed"


def test_long_text_is_chunked_with_offsets_into_the_whole_text(shipped_nlp, monkeypatch):
    nlp = shipped_nlp
    para = "Seoul Mayor Oh Se-hoon met Beijing Mayor Yin Yong on Tuesday.\n"
    text = para * 40
    whole = kcx_nlp.extract(text, nlp=nlp)
    monkeypatch.setattr(pipeline, "CHUNK_CHARS", 150)
    chunked = kcx_nlp.extract(text, nlp=nlp)
    assert chunked["text"] == text
    for ent in chunked["entities"]:
        assert text[ent["start"]:ent["end"]] == ent["text"]
    assert chunked["entities"] == whole["entities"]
    found = {(e["text"], e["label"]) for e in whole["entities"]}
    assert {("Seoul", "JURISDICTION"), ("Oh Se-hoon", "OFFICIAL"), ("Yin Yong", "OFFICIAL")} <= found
    assert sum(e["text"] == "Oh Se-hoon" for e in chunked["entities"]) == 40  # one per paragraph, none lost
    n = len(chunked["entities"])
    assert all(0 <= r["head"] < n and 0 <= r["tail"] < n for r in chunked["relations"])


@pytest.mark.parametrize("text", ["", "   \n\t ", "\x00\ufeff\u200b", "Seoul\r\nBusan 😀 e\u0301 ＡＢＣ 陈吉宁 <p>Gov.</p>"])
def test_odd_text_keeps_offsets_valid(tiny_nlp, text):
    rec = kcx_nlp.extract(text, nlp=tiny_nlp)
    assert rec["text"] == text
    for ent in rec["entities"]:
        assert 0 <= ent["start"] < ent["end"] <= len(text) and text[ent["start"]:ent["end"]] == ent["text"]
    if not text.strip():
        assert rec["entities"] == []
