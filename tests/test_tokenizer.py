import pickle

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

import kcx_nlp
from kcx_nlp.tokenizer import BilingualTokenizer, mask_syllables


PROPERTY_NLP = kcx_nlp.blank()


def words(nlp, text):
    return [t.text for t in nlp(text)]


def assert_partition(doc, text):
    assert doc.text == text
    pos = 0
    for token in doc:
        assert token.idx == pos, f"token {token.text!r} overlaps or leaves a gap"
        pos += len(token.text) + len(token.whitespace_)
    assert pos == len(text)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("광주시는", ["광주시", "는"]),
        ("서울시장 오세훈", ["서울", "시장", "오세훈"]),
        ("경북도지사", ["경북", "도지사"]),
        ("광주시 행정부시장", ["광주시", "행정", "부시장"]),
    ],
)
def test_korean_morphemes(nlp, text, expected):
    assert words(nlp, text) == expected


def test_particles_and_endings_come_off(nlp):
    toks = words(nlp, "칭다오시와 자매결연을 맺었다.")
    assert "와" in toks and "을" in toks and toks[-1] == "."
    assert "자매결연" in toks


def test_contractions_merge_into_one_token(nlp):
    # Kiwi returns 하+었 at the same offset for 했; 지나+ㄴ overlap in 지난.
    doc = nlp("체결했다. 지난 21일")
    assert_partition(doc, "체결했다. 지난 21일")
    assert "했" in [t.text for t in doc]
    assert "지난" in [t.text for t in doc]


@pytest.mark.parametrize(
    "compound,left,right",
    [("경상북도지사", "경상북도", "지사"), ("대전광역시장", "대전", "광역시장"), ("하이난성장", "하이난", "성장"),
     ("충남지사", "충남", "지사")],
)
def test_guideline_title_splits_fall_on_token_boundaries(nlp, compound, left, right):
    doc = nlp(compound)
    assert doc.char_span(0, len(left)) is not None
    assert doc.char_span(len(left), len(compound)) is not None


def test_english_rules(nlp):
    toks = words(nlp, "Seoul's Mayor Park Won-soon met Jeju Gov. Woo on Nov. 26 in S. Korea.")
    assert toks[:2] == ["Seoul", "'s"]
    assert "Won-soon" in toks and "Gov." in toks and "Nov." in toks and "S." in toks
    assert toks[-1] == "."


def test_hyphen_splits_before_capital(nlp):
    assert words(nlp, "Korea-China relations") == ["Korea", "-", "China", "relations"]
    assert words(nlp, "Gyeongsangbuk-do") == ["Gyeongsangbuk-do"]


def test_hanzi_one_token_per_character(nlp):
    assert words(nlp, "陈吉宁") == ["陈", "吉", "宁"]
    assert words(nlp, "둥잉시(东营市)") == ["둥잉시", "(", "东", "营", "市", ")"]


@pytest.mark.parametrize(
    "text",
    ["", " ", "\n\n", "  Seoul  \n 서울\t\t부산 ", "a\u200bb 한\u200b국 😀 e\u0301 ＡＢＣ\r\n", "\x00\x01광주\ufeff",
     "(대구=연합뉴스) 홍길동 기자 = 지난 21일 Seoul-Beijing 「Joint」 후난(湖南)성"],
)
def test_text_roundtrip_and_partition(nlp, text):
    assert_partition(nlp(text), text)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("서울시장광주는 을했다 abc-Z.'\n\t陈吉(东)😀\u200b,0123")), max_size=60)
       | st.text(max_size=40))
def test_property_text_is_preserved(text):
    assert_partition(PROPERTY_NLP(text), text)


def test_deterministic_and_context_free(nlp):
    a = [t.text for t in nlp("광주시는 칭다오시와")]
    b = [t.text for t in nlp("어제 광주시는 칭다오시와")][1:]
    assert a == b


def test_rejects_non_str(nlp):
    with pytest.raises(TypeError, match="bytes"):
        nlp.tokenizer(b"bytes")


def test_registered_in_config(nlp):
    assert nlp.config["nlp"]["tokenizer"]["@tokenizers"] == "kcx.BilingualTokenizer.v1"
    assert isinstance(nlp.tokenizer, BilingualTokenizer)


def test_serialization_roundtrip(nlp, tmp_path):
    nlp2 = kcx_nlp.blank()
    nlp2.tokenizer.split_suffixes = ("지사",)
    data = nlp2.tokenizer.to_bytes()
    fresh = kcx_nlp.blank()
    fresh.tokenizer.from_bytes(data)
    assert fresh.tokenizer.split_suffixes == ("지사",)
    nlp.to_disk(tmp_path / "pipe")
    loaded = spacy.load(tmp_path / "pipe")
    assert isinstance(loaded.tokenizer, BilingualTokenizer)
    text = "서울시장 오세훈은 Seoul Mayor Oh met 陈吉宁."
    assert words(loaded, text) == words(nlp, text)
    restored = pickle.loads(pickle.dumps(nlp.tokenizer.to_bytes()))
    assert kcx_nlp.blank().tokenizer.from_bytes(restored).split_suffixes == nlp.tokenizer.split_suffixes


def test_lone_surrogates_become_replacement_characters(nlp):
    doc = nlp("Seoul \ud800 서울\udfff")
    assert doc.text == "Seoul \ufffd 서울\ufffd" and len(doc.text) == len("Seoul \ud800 서울\udfff")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("광주시는칭 . ,-'\"()/:SeoulMAYOR1.5km陈\n")), max_size=40))
def test_masking_hangul_keeps_spacys_splits(nlp, text):
    tok = nlp.tokenizer
    masked = [(t.idx, len(t)) for t in tok._latin(mask_syllables(text))]
    assert masked == [(t.idx, len(t)) for t in tok._latin(text)]


def test_keep_names_keeps_three_syllable_names_whole():
    from spacy.vocab import Vocab

    from kcx_nlp.tokenizer import BilingualTokenizer

    text = "김진곤 부시장과 최영일은 인천서 만났다. 이번에 정부와"
    plain = [t.text for t in BilingualTokenizer(Vocab())(text)]
    kept = [t.text for t in BilingualTokenizer(Vocab(), keep_names=True)(text)]
    assert plain[:2] == ["김진", "곤"]  # Kiwi cuts the name after two syllables
    assert kept == ["김진곤", "부시장", "과", "최영일", "은", "인천", "서", "만났", "다", ".", "이번", "에", "정부", "와"]


def test_keep_names_is_saved_with_the_tokenizer(tmp_path):
    from spacy.vocab import Vocab

    from kcx_nlp.tokenizer import BilingualTokenizer

    BilingualTokenizer(Vocab(), keep_names=True).to_disk(tmp_path / "tok")
    assert BilingualTokenizer(Vocab()).from_disk(tmp_path / "tok").keep_names is True


def test_tokens_carry_kiwi_part_of_speech_tags(nlp):
    doc = nlp("광주시는 Seoul Mayor, 2024년 西安")
    assert [(t.text, t.tag_) for t in doc] == [("광주시", "NNP"), ("는", "JX"), ("Seoul", "SL"), ("Mayor", "SL"), (",", "SP"),
                                               ("2024", "SN"), ("년", "NNB"), ("西", "SH"), ("安", "SH")]


def test_split_at_gazetteer_gives_glued_names_their_own_token():
    from spacy.vocab import Vocab

    from kcx_nlp.tokenizer import BilingualTokenizer

    plain, split = BilingualTokenizer(Vocab()), BilingualTokenizer(Vocab(), split_at_gazetteer=True)
    # a gazetteer name glued to a particle or a following noun gets a boundary where it ends ...
    assert [t.text for t in plain("톈진시위원회")] == ["톈진시위원회"]
    assert [t.text for t in split("톈진시위원회")] == ["톈진시", "위원회"]
    assert [t.text for t in split("할빈과")] == ["할빈", "과"]
    # ... and nothing else changes: names already on a boundary, title words split off on purpose
    for text in ("광주시는 전주시장과 경주시위원회", "서울시청에서 바이에른주지사가", "이번에 정부와 만났다"):
        assert [t.text for t in split(text)] == [t.text for t in plain(text)]
