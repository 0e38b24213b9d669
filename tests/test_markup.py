import pytest

from kcx_nlp.corpus import CorpusError, read_markup, record_problems, to_markup

SAMPLE = """%% comment
### id=m1 lang=ko date=2024-10-22
[[광주시|JUR|j1]]는 [[지난 21일|DATE|d1]] [[칭다오시|JUR|j2]]와 [[자매결연 협정|AGR|a1]]을 맺었다.
@ j1 PARTY_TO a1; j2 PARTY_TO a1
@ a1 SIGNED_ON d1

### id=m2 lang=en date=null
[[Jeju|JURISDICTION|j]] [[Gov.|TTL|t]] [[Woo Hee-ryong|OFF|p]] spoke.

Second paragraph.
@ p HAS_TITLE t; p OFFICIAL_OF j
"""


def test_markup_to_records(tmp_path, nlp):
    path = tmp_path / "a.md"
    path.write_text(SAMPLE, encoding="utf-8")
    m1, m2 = read_markup(path)
    assert m1["text"] == "광주시는 지난 21일 칭다오시와 자매결연 협정을 맺었다."
    assert [m1["text"][e["start"]:e["end"]] for e in m1["entities"]] == ["광주시", "지난 21일", "칭다오시", "자매결연 협정"]
    assert {(r["head"], r["tail"], r["label"]) for r in m1["relations"]} == {
        (0, 3, "PARTY_TO"), (2, 3, "PARTY_TO"), (3, 1, "SIGNED_ON")}
    assert m2["date"] is None and m2["text"].endswith("spoke.\n\nSecond paragraph.")
    assert record_problems(m1, nlp=nlp) == [] and record_problems(m2, nlp=nlp) == []


def test_to_markup_roundtrip(tmp_path, record):
    path = tmp_path / "b.md"
    path.write_text(to_markup(record), encoding="utf-8")
    (back,) = read_markup(path)
    assert back == record


@pytest.mark.parametrize(
    "body,message",
    [
        ("[[Seoul|PLACE]] x", "unknown label 'PLACE'"),
        ("[[Seoul|JUR|a]] [[Busan|JUR|a]]", "used twice"),
        ("[[Seoul|JUR|a]]\n@ a HAS_TITLE b", "unknown reference"),
        ("[[Seoul|JUR|a]]\n@ a HAS_TITLE", "must be 'HEAD LABEL TAIL'"),
        ("[[Seoul|JUR]\n", "malformed markup"),
        ("x\n@ \nmore text", "text after the relation lines"),
    ],
)
def test_markup_errors(tmp_path, body, message):
    path = tmp_path / "c.md"
    path.write_text(f"### id=e lang=en\n{body}\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=message):
        read_markup(path)


def test_source_must_match(tmp_path):
    (tmp_path / "src.txt").write_text("Seoul and Busan", encoding="utf-8")
    good = tmp_path / "g.md"
    good.write_text("### id=s lang=en source=src.txt\n[[Seoul|JUR]] and [[Busan|JUR]]\n", encoding="utf-8")
    assert read_markup(good, source_root=tmp_path)[0]["text"] == "Seoul and Busan"
    bad = tmp_path / "b.md"
    bad.write_text("### id=s lang=en source=src.txt\n[[Seoul|JUR]] and  [[Busan|JUR]]\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="differs from source 'src.txt' at offset 10"):
        read_markup(bad, source_root=tmp_path)


def test_header_requires_id_and_lang(tmp_path):
    path = tmp_path / "h.md"
    path.write_text("### lang=en\ntext\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="lacks id="):
        read_markup(path)
