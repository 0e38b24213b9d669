"""The publication date an article states (kcx_nlp.normalize.pubdate) and its use by the pipeline."""
import pytest

import kcx_nlp
from kcx_nlp.normalize import PublicationDate, find_publication_date
from kcx_nlp.pipeline import _Context, pipe_records

BODY = "\n".join(f"Paragraph {k} of the article says nothing about dates." for k in range(12))


def found(text, lang=None):
    result = find_publication_date(text, lang)
    assert result is None or text[result.start:result.end].strip(), "evidence span is empty"
    return result


def test_english_posted_stamp_wins_over_updated():
    text = ("Mayors of Seoul and Beijing agree\n\nUpdated August. 02, 2024 09:00\n\n"
            "Posted August. 01, 2024 08:21,\n\nThe mayors met on Tuesday.\n" + BODY)
    result = found(text, "en")
    assert result == PublicationDate("2024-08-01", text.index("Posted"), text.index(",\n\nThe"), "stamp")


def test_updated_only_stamp_is_used():
    result = found("Weihai, Pyeongtaek sign memorandum\nUpdated: 2016-09-08 | By Sun Ruisheng | chinadaily.com.cn\n" + BODY)
    assert (result.date, result.kind) == ("2016-09-08", "stamp")


@pytest.mark.parametrize("stamp,expected", [
    ("입력 2024.10.22 14:30 | 수정 2024.10.23 09:10", "2024-10-22"),
    ("수정 2024.10.23 09:10\n입력 2024.10.22 14:30", "2024-10-22"),
    ("승인 2023.10.23 16:38", "2023-10-23"),
    ("기사입력 2019-03-04 11:02", "2019-03-04"),
    ("경기일보 이연우 기자 입력 2015. 11. 20 16:27", "2015-11-20"),
    ("기사입력 : 2018년10월11일 14:07", "2018-10-11"),
    ("보도자료 | 2019년 9월 3일(화) 배포", "2019-09-03"),
    ("발표시간: [ 2018-09-02 10:21:15 ]", "2018-09-02"),
])
def test_korean_stamps(stamp, expected):
    text = f"광주시, 칭다오시와 자매결연\n{stamp}\n광주시는 지난 21일 협약을 맺었다고 22일 밝혔다.\n" + BODY
    result = found(text, "ko")
    assert (result.date, result.kind) == (expected, "stamp")


@pytest.mark.parametrize("line,expected", [
    ("Source: Foreign Affairs Office | Date: 2014-05-22", "2014-05-22"),
    ("흑룡강신문 2019-09-24 15:08", "2019-09-24"),
    ("Friday, September 27, 2019 08:46 | SGGP", "2019-09-27"),
    ("18.11.2022", "2022-11-18"),
    ("10/16/2023 07:52 PM", "2023-10-16"),
    ("[중국망 한국어판 2020년 11월 20일] 흑룡강성 부성장이 화상회담을 가졌다.", "2020-11-20"),
])
def test_header_fields_and_lines(line, expected):
    result = found(f"Title of the article\n{line}\n" + BODY)
    assert (result.date, result.kind) == (expected, "header")


def test_stamp_in_the_tail():
    text = "(서울=연합뉴스) 김기자 = 서울시는 이날 협약을 맺었다.\n" + BODY + "\n입력 2024.10.22 14:30\n"
    assert found(text, "ko").date == "2024-10-22"


def test_yonhap_dateline_year_from_the_years_mentioned():
    text = ("Gwangju, Qingdao become sister cities\n"
            "SEOUL, Oct. 22 (Yonhap) -- Gwangju signed a sister-city agreement with Qingdao on Tuesday.\n"
            "The two cities have exchanged officials since 2019 and opened a direct flight in 2024.\n" + BODY)
    result = found(text, "en")
    assert result == PublicationDate("2024-10-22", text.index("SEOUL"), text.index(" Gwangju signed"), "dateline", True)


def test_yonhap_dateline_year_moved_to_match_the_weekday():
    # 2023 is the latest year mentioned, but Oct. 22, 2023 is a Sunday; the lead says Tuesday: 2024
    text = ("SEOUL, Oct. 22 (Yonhap) -- Gwangju signed a sister-city agreement with Qingdao on Tuesday.\n"
            "The two cities first met in 2023.\n" + BODY)
    assert found(text, "en").date == "2024-10-22"


def test_yearless_dateline_without_any_year_gives_nothing():
    text = "KUMASI, May 9 — The Kumasi Metropolitan Chief Executive signed an agreement on Monday.\n" + BODY
    assert found(text, "en") is None


def test_korean_yearless_dateline():
    text = "[인민망 한국어판 4월 17일] 장춘시 대표단이 독일을 방문했다.\n장춘의 합자기업은 2019년 설립되였다.\n" + BODY
    result = found(text, "ko")
    assert (result.date, result.kind, result.year_inferred) == ("2019-04-17", "dateline", True)


@pytest.mark.parametrize("text", [
    "",
    "Seoul and Beijing agree to strengthen cooperation.\n" + BODY,
    "(충주=연합뉴스) 김형우 기자 = 충주시가 뤄양시와 우호도시 협약을 맺었다고 14일 밝혔다.\n(끝)",
    # a full date in a sentence of the head is the event's date
    "Seoul and Beijing\nOn March 19, 2018, Seoul and Beijing held the 3rd general meeting.\n" + BODY,
    # a date (even a stamp-like one) in the body is not read
    "Title\n" + BODY + "\nDate: 2018-03-19\n" + BODY,
])
def test_nothing_found(text):
    assert found(text) is None


def test_non_text_is_refused():
    with pytest.raises(TypeError):
        find_publication_date(None)


# --- the pipeline: precedence and date_source (a blank pipeline: no model needed) ---------------

def _records(nlp, items, **kwargs):
    return [rec for rec, _ in pipe_records(nlp, items, **kwargs)]


def test_precedence_input_then_text_then_fallback(nlp):
    stamped, plain = "입력 2024.10.22 14:30\n광주시는 지난 21일 협약을 맺었다.", "광주시는 지난 21일 협약을 맺었다."
    recs = _records(nlp, [(stamped, _Context("a", "2024-09-30")), (stamped, _Context("b")), (plain, _Context("c"))])
    assert [(r["date"], r["date_source"]) for r in recs] == [("2024-09-30", "input"), ("2024-10-22", "text"), (None, None)]
    recs = _records(nlp, [(stamped, _Context("b")), (plain, _Context("c"))], fallback_date="2000-01-01")
    assert [(r["date"], r["date_source"]) for r in recs] == [("2024-10-22", "text"), ("2000-01-01", "input")]


def test_long_text_detected_once_and_every_chunk_gets_the_date(nlp):
    text = "입력 2024.10.22 14:30\n" + "광주시는 지난 21일 칭다오시와 협약을 맺었다.\n" * 40
    seen = []
    (rec,) = _records(nlp, [(text, _Context("long"))], chunk_chars=200, on_doc=lambda doc, ctx: seen.append(doc.user_data["kcx_date"]))
    assert len(seen) > 3 and set(seen) == {"2024-10-22"}
    assert (rec["date"], rec["date_source"], rec["text"]) == ("2024-10-22", "text", text)


def test_extract_anchors_relative_dates_on_the_stamp(shipped_nlp):
    text = "입력 2024.10.22 14:30\n광주시는 지난 21일 중국 칭다오시와 자매결연 협정을 맺었다."
    rec = kcx_nlp.extract(text, nlp=shipped_nlp)
    assert (rec["date"], rec["date_source"]) == ("2024-10-22", "text")
    assert {e["text"]: e["norm"] for e in rec["entities"] if e["label"] == "DATE"}["지난 21일"] == "2024-10-21"
    given = kcx_nlp.extract(text, date="2024-09-30", nlp=shipped_nlp)
    assert (given["date"], given["date_source"]) == ("2024-09-30", "input")
    assert {e["text"]: e["norm"] for e in given["entities"] if e["label"] == "DATE"}["지난 21일"] == "2024-09-21"


# --- the measurement on the real gold file ----------------------------------------------------

def test_measurement_on_the_gold_file():
    from kcx_nlp.benchmark.pubdate import measure

    counts = measure()["detection"]["counts"]
    assert counts["all"]["documents"] == 133 and counts["all"]["found_without_dateline"] == 0
    # Stamps, header fields and datelines that give the year: the 95 % target holds.
    assert counts["year stated"]["share_correct"] >= 0.95
    # Yearless datelines (SEOUL, Nov. 26 (Yonhap)) need an inferred year and miss the target:
    # a floor at the figure first measured (benchmarks/PUBDATE.md), so that it cannot fall.
    assert counts["all"]["share_correct"] >= 0.83
