from kcx_nlp.gazetteer import Gazetteer, default_gazetteer, normalize_surface
from kcx_nlp.ml.gazetteer_features import FEATURES, _table, doc_features
from kcx_nlp.schema import AGREEMENT, JURISDICTION, TITLE


def test_gazetteer_files_are_consistent():
    gaz = default_gazetteer()
    ids = [e["id"] for e in gaz.jurisdictions]
    assert len(ids) == len(set(ids)) and len(ids) > 1000
    known = set(ids)
    assert all(e.get("parent") in known for e in gaz.jurisdictions if e.get("parent")), "parent ids must exist"
    assert {e["country"] for e in gaz.jurisdictions} >= {"KR", "CN", "JP", "VN", "US"}
    assert {e["type"] for e in gaz.agreements} == {"sister_city", "friendship", "mou", "cooperation", "exchange",
                                                   "investment", "other"}
    assert {"mayor", "governor", "deputy mayor"} <= {e["rank"] for e in gaz.titles}


def test_every_korean_province_and_common_variants_are_known():
    table = Gazetteer.from_dir().table()
    for surface in ("서울특별시", "경북", "경상북도", "North Gyeongsang Province", "Gyeongsangbuk-do", "칭다오시", "青岛",
                    "Qingdao City", "Shandong Province", "후쿠오카현", "Ho Chi Minh City"):
        assert table.get(normalize_surface(surface)) == JURISDICTION, surface
    assert table[normalize_surface("행정부시장")] == TITLE
    assert table[normalize_surface("Sister City Cooperation Agreement")] == AGREEMENT


def test_doc_features_mark_longest_matches(nlp):
    doc = nlp("Seoul Metropolitan City Mayor Park signed an MOU on Nov. 26")
    f = doc_features(doc, _table(), 8, 60)
    col = {name: i for i, name in enumerate(FEATURES)}
    assert f[0, col["B-JURISDICTION"]] == 1 and f[1, col["I-JURISDICTION"]] == 1 and f[2, col["I-JURISDICTION"]] == 1
    assert f[3, col["B-TITLE"]] == 1 and f[4, col["SURNAME"]] == 1
    assert f[7, col["B-AGREEMENT"]] == 1 and f[9, col["MONTH"]] == 1
    assert f.shape == (len(doc), len(FEATURES))
