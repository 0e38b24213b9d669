"""Normalisers: dates, jurisdictions, agreement types, titles, and ``span._.norm``."""
import json
from datetime import date

import pytest

import kcx_nlp
from kcx_nlp.benchmark.normalization import date_accuracy, jurisdiction_accuracy
from kcx_nlp.corpus.convert import record_to_doc
from kcx_nlp.normalize import (normalize_agreement, normalize_date, normalize_doc, normalize_jurisdiction,
                               normalize_record, normalize_title)

from conftest import ANNOTATIONS


def _read(name):
    return [json.loads(line) for line in (ANNOTATIONS / "norm" / name).read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("text,pub,sentence,expected", [
    ("Monday", "2018-11-27", "They met on Monday.", "2018-11-26"),  # guidelines' example
    ("지난 21일", "2024-11-22", "", "2024-11-21"),
    ("Tuesday", "2018-11-26", "The conference, set to open in Beijing on Tuesday, will ...", "2018-11-27"),
    ("Tuesday", "2018-11-26", "The mayors met on Tuesday.", "2018-11-20"),
    ("Nov. 26", "2024-11-22", "", "2024-11-26"),
    ("Dec. 28", "2024-01-03", "", "2023-12-28"),  # the closest year, across the year boundary
    ("the 21st", "2024-10-22", "", "2024-10-21"),
    ("30일", "2024-11-02", "", "2024-10-30"),
    ("오는 12월", "2024-11-22", "", "2024-12"),
    ("지난 7월", "2024-11-22", "", "2024-07"),
    ("지난해 7월", "2024-11-22", "", "2023-07"),
    ("올해", "2024-11-22", "", "2024"),
    ("지난해", "2024-11-22", "", "2023"),
    ("내년", "2024-11-22", "", "2025"),
    ("this year", "2018-11-26", "", "2018"),
    ("last month", "2024-01-15", "", "2023-12"),
    ("this week", "2024-11-22", "", {"start": "2024-11-18", "end": "2024-11-24"}),
    ("Dec. 6-7", "2018-11-26", "", {"start": "2018-12-06", "end": "2018-12-07"}),
    ("Dec. 30 to Jan. 2", "2024-11-22", "", {"start": "2024-12-30", "end": "2025-01-02"}),
    ("28~29일", "2024-11-22", "", {"start": "2024-11-28", "end": "2024-11-29"}),
    ("28일부터 30일까지", "2024-11-22", "", {"start": "2024-11-28", "end": "2024-11-30"}),
    ("2019년 12월 6~7일", None, "", {"start": "2019-12-06", "end": "2019-12-07"}),
    ("2024년 7월 30일", None, "", "2024-07-30"),
    ("2024年7月30日", None, "", "2024-07-30"),
    ("24.7.30", None, "", "2024-07-30"),
    ("Posted August. 01, 2024", None, "", "2024-08-01"),
    ("June 2016", None, "", "2016-06"),
    ("Thursday, November 26th, 2018", None, "", "2018-11-26"),  # dateparser fallback
])
def test_dates(text, pub, sentence, expected):
    assert normalize_date(text, pub, sentence) == expected


@pytest.mark.parametrize("text", ["지난 21일", "Monday", "this year", "30일", "Nov. 26", "the same day", "내년"])
def test_relative_dates_without_publication_date_are_null(text):
    assert normalize_date(text, None) is None


def test_anaphors_take_the_previous_date():
    assert normalize_date("이날", "2024-11-22", previous=date(2024, 11, 20)) == "2024-11-20"
    assert normalize_date("전날", "2024-11-22", previous=date(2024, 11, 20)) == "2024-11-19"
    assert normalize_date("이날", "2024-11-22") == "2024-11-22"
    assert normalize_date("the previous day", "2024-11-22") is None


def test_date_test_set_meets_the_issue_figure():
    items = _read("dates.jsonl")
    assert len(items) >= 150 and {it["lang"] for it in items} == {"en", "ko"}
    texts = " ".join(it["text"] for it in items)
    for form in ("지난", "오는", "올해", "지난해", "내년", "the ", "this year", "last month", "Monday", "일"):
        assert form in texts
    assert date_accuracy(items)["accuracy"]["all"]["accuracy"] >= 0.97


@pytest.mark.parametrize("surface,name,level,country", [
    ("서울", "Seoul", "metropolitan_city", "KR"), ("서울특별시", "Seoul", "metropolitan_city", "KR"),
    ("Seoul Metropolitan City", "Seoul", "metropolitan_city", "KR"), ("청도", "Qingdao", "sub_provincial_city", "CN"),
    ("青岛", "Qingdao", "sub_provincial_city", "CN"), ("Qingdao City", "Qingdao", "sub_provincial_city", "CN"),
    ("경북", "North Gyeongsang Province", "province", "KR"), ("Gyeongsangbuk-do", "North Gyeongsang Province", "province", "KR"),
    ("Kyŏngsang-bukto", "North Gyeongsang Province", "province", "KR"), ("N. Gyeongsang", "North Gyeongsang Province", "province", "KR"),
    ("Pusan", "Busan", "metropolitan_city", "KR"), ("광주", "Gwangju", "metropolitan_city", "KR"),
    ("Jilin", "Jilin", "province", "CN"), ("Jilin City", "Jilin", "prefecture_level_city", "CN"),
])
def test_jurisdictions(surface, name, level, country):
    norm = normalize_jurisdiction(surface)
    assert (norm["name"], norm["level"], norm["country"]) == (name, level, country)


def test_unknown_jurisdiction_keeps_its_surface():
    assert normalize_jurisdiction("Springfield") == {"id": None, "name": "Springfield", "level": None,
                                                      "country": None, "parent": None}


def test_jurisdiction_parent_is_a_canonical_name():
    assert normalize_jurisdiction("칭다오시")["parent"] == "Shandong"
    assert normalize_jurisdiction("중국")["parent"] is None


def test_jurisdiction_test_set_meets_the_issue_figure():
    items = _read("jurisdictions.jsonl")
    assert len(items) >= 200 and {"hangul", "hanzi", "latin"} <= {it["script"] for it in items}
    assert jurisdiction_accuracy(items)["accuracy"]["all"]["accuracy"] >= 0.98


@pytest.mark.parametrize("text,kind", [
    ("sisterhood agreement", "sister_city"), ("Sister City Cooperation Agreement", "sister_city"),
    ("자매결연 협정", "sister_city"), ("friendship agreement", "friendship"), ("우호교류 의향서", "friendship"),
    ("memorandum of understanding", "mou"), ("MOU", "mou"), ("업무협약", "mou"), ("investment contract", "investment"),
    ("투자협약", "investment"), ("exchange agreement", "exchange"), ("economic cooperation pact", "cooperation"),
    ("treaty", "other"),
])
def test_agreement_types(text, kind):
    assert normalize_agreement(text) == {"type": kind}


@pytest.mark.parametrize("text,rank", [
    ("시장", "mayor"), ("행정부시장", "executive deputy mayor"), ("도지사", "governor"), ("성장", "governor"),
    ("당서기", "party secretary"), ("Gov.", "governor"), ("Deputy Mayor", "deputy mayor"),
    ("provincial governors", "governor"), ("충남도지사", "governor"), ("former Mayor", "mayor"),
])
def test_titles(text, rank):
    assert normalize_title(text) == {"rank": rank}


def test_unknown_title_is_marked():
    assert normalize_title("Grand Poobah") == {"rank": "grand poobah", "known": False}


def test_normalize_record_keeps_entity_order(ko_record):
    ko_record["entities"] = ko_record["entities"][::-1]
    out = normalize_record(ko_record)
    assert [e["start"] for e in out["entities"]] == [e["start"] for e in ko_record["entities"]]
    norms = {e["text"]: e["norm"] for e in out["entities"]}
    assert norms["지난 21일"] == "2024-10-21" and norms["칭다오시"]["name"] == "Qingdao"
    assert norms["자매결연 협정"] == {"type": "sister_city"} and norms["행정부시장"] == {"rank": "executive deputy mayor"}
    assert norms["고광완"] == {"name": "고광완"}


def test_span_norm_follows_the_publication_date(nlp, ko_record):
    doc = record_to_doc(nlp, ko_record)
    date_span = [e for e in doc.ents if e.label_ == "DATE"][0]
    assert date_span._.norm == "2024-10-21"
    doc.user_data["kcx_date"] = None  # recomputed, not a stale value
    assert date_span._.norm is None


def test_a_bad_publication_date_names_the_document(nlp, ko_record):
    doc = record_to_doc(nlp, dict(ko_record, date="2024-13-40"))
    with pytest.raises(ValueError, match="document 't-ko'"):
        normalize_doc(doc)


def test_pipeline_component_sees_the_date(tiny_nlp, ko_record):
    assert "normalizer" in tiny_nlp.pipe_names
    doc = tiny_nlp.make_doc(ko_record["text"])
    doc.user_data["kcx_date"] = "2024-10-22"
    doc = tiny_nlp(doc)
    assert doc.user_data["kcx_norms"]["date"] == "2024-10-22"
    assert len(doc.user_data["kcx_norms"]["norms"]) == len(doc.ents)


def test_extract_output_carries_norm(tiny_nlp):
    rec = kcx_nlp.extract("Seoul Mayor Oh Se-hoon met Beijing Mayor Yin Yong on Tuesday.", date="2024-08-01", nlp=tiny_nlp)
    assert all("norm" in e for e in rec["entities"])
