"""Scoring: agreement-level rates, normalised agreement records and the gazetteer split."""
import copy

from kcx_nlp.evaluate import (has_world_counterpart, score_agreement_records, score_agreements,
                              score_entities_by_gazetteer)


def _levels(gold, pred):
    s = score_agreements([gold], [pred])
    return [s[level] for level in ("agreements", "found", "parties", "parties_date", "parties_date_signatories")]


def test_agreement_levels_are_strict_and_cumulative(ko_record):
    # ko_record: 광주시, 칭다오시 PARTY_TO 자매결연 협정, SIGNED_ON 지난 21일; no signatory
    assert _levels(ko_record, ko_record) == [1, 1, 1, 1, 1]
    one_party = copy.deepcopy(ko_record)
    one_party["relations"] = [r for r in one_party["relations"] if not (r["label"] == "PARTY_TO" and r["head"] == 3)]
    assert _levels(ko_record, one_party) == [1, 1, 0, 0, 0]
    extra_party = copy.deepcopy(ko_record)
    extra_party["relations"].append({"head": 2, "tail": 4, "label": "PARTY_TO"})  # 중국 only locates Qingdao
    assert _levels(ko_record, extra_party) == [1, 1, 0, 0, 0]
    no_date = copy.deepcopy(ko_record)
    no_date["relations"] = [r for r in no_date["relations"] if r["label"] != "SIGNED_ON"]
    assert _levels(ko_record, no_date) == [1, 1, 1, 0, 0]
    signer = copy.deepcopy(ko_record)
    signer["relations"].append({"head": 5, "tail": 4, "label": "SIGNATORY"})
    assert _levels(ko_record, signer) == [1, 1, 1, 1, 0]
    shifted = copy.deepcopy(ko_record)
    shifted["entities"][4] = dict(shifted["entities"][4], end=25)  # "자매결연" only
    assert _levels(ko_record, shifted) == [1, 0, 0, 0, 0]
    relabelled = copy.deepcopy(ko_record)
    relabelled["entities"][4] = dict(relabelled["entities"][4], label="TITLE")
    assert _levels(ko_record, relabelled) == [1, 0, 0, 0, 0]
    s = score_agreements([ko_record, no_date], [no_date, no_date])
    assert s["agreements"] == 2 and s["parties_date_rate"] == 0.5 and s["per_lang"]["ko"]["agreements"] == 2


def test_agreements_without_a_party_are_not_scored(record, ko_record):
    no_parties = copy.deepcopy(ko_record)
    no_parties["relations"] = [r for r in no_parties["relations"] if r["label"] != "PARTY_TO"]
    assert score_agreements([no_parties, record], [no_parties, record])["agreements"] == 0


def test_normalised_records_compare_type_parties_and_date(ko_record):
    s = score_agreement_records([ko_record], [ko_record])
    assert (s["gold_records"], s["type_parties"], s["type_parties_date"], s["spurious"]) == (1, 1, 1, 0)
    no_date = copy.deepcopy(ko_record)
    no_date["relations"] = [r for r in no_date["relations"] if r["label"] != "SIGNED_ON"]
    s = score_agreement_records([ko_record], [no_date])
    assert (s["type_parties"], s["type_parties_date"]) == (1, 0)
    one_party = copy.deepcopy(ko_record)
    one_party["relations"] = [r for r in one_party["relations"] if not (r["label"] == "PARTY_TO" and r["head"] == 0)]
    s = score_agreement_records([ko_record], [one_party])
    assert (s["type_parties"], s["spurious"]) == (0, 1)


def test_gazetteer_split_puts_each_mention_by_its_surface(record):
    pred = copy.deepcopy(record)
    pred["entities"] = [e for e in pred["entities"] if e["label"] != "OFFICIAL"]  # both officials missed
    s = score_entities_by_gazetteer([record], [pred])
    inside, outside = s["in_gazetteer"]["micro"], s["out_of_gazetteer"]["micro"]
    assert (inside["tp"], inside["fn"]) == (4, 0)  # Seoul, Mayor, Beijing, Mayor
    assert (outside["tp"], outside["fn"]) == (1, 2)  # Tuesday found; Oh Se-hoon, Yin Yong missed


def test_world_counterparts_are_those_in_relations(record, ko_record):
    assert not has_world_counterpart(record) and not has_world_counterpart(ko_record)
    text = "Busan and Kivuru signed an MOU. Rwanda welcomed it."
    rec = {"id": "w", "lang": "en", "text": text, "date": None,
           "entities": [{"start": 0, "end": 5, "label": "JURISDICTION"}, {"start": 10, "end": 16, "label": "JURISDICTION"},
                        {"start": 27, "end": 30, "label": "AGREEMENT"}, {"start": 32, "end": 38, "label": "JURISDICTION"}],
           "relations": [{"head": 0, "tail": 2, "label": "PARTY_TO"}, {"head": 1, "tail": 2, "label": "PARTY_TO"}]}
    assert has_world_counterpart(rec)  # Kivuru (invented) is not in the gazetteer; Rwanda is a country elsewhere
    rec["entities"][3] = {"start": 32, "end": 38, "label": "DATE"}
    assert not has_world_counterpart(rec)


def test_record_calibration_bins_count_exact_records(ko_record):
    s = score_agreement_records([ko_record, ko_record], [ko_record, ko_record])
    bins = {b["confidence"]: (b["records"], b["exact_parties"]) for b in s["calibration"]}
    assert bins["[0.9, 1.0]"] == (2, 1.0)  # gold relations have score 1.0
    low = copy.deepcopy(ko_record)
    for r in low["relations"]:
        r["score"] = 0.6
    low["relations"] = [r for r in low["relations"] if not (r["label"] == "PARTY_TO" and r["head"] == 0)]
    bins = {b["confidence"]: (b["records"], b["exact_parties"]) for b in score_agreement_records([ko_record], [low])["calibration"]}
    assert bins["[0.5, 0.7)"] == (1, 0.0) and bins["[0.9, 1.0]"] == (0, None)
