"""Quality floor of the shipped model: a retrain that loses accuracy on held-out data fails CI.

The committed ``models/kcx_core/metrics.json`` holds the figures of ``python -m kcx_nlp.benchmark.accuracy``
on the frozen test split and the seed articles; the shipped model must still reach each of them minus 0.02.
"""
import json

import pytest

from kcx_nlp.benchmark.accuracy import evaluate_held_out, headline, load_parts
from conftest import ROOT

MODEL = ROOT / "models" / "kcx_core"
MARGIN = 0.02
FLOORED = ("entity_f", "relation_f", "agreement_parties")


@pytest.fixture(scope="module")
def measured(shipped_nlp):
    return evaluate_held_out(shipped_nlp, load_parts())


@pytest.mark.parametrize("part", ["test", "seeds"])
def test_shipped_model_keeps_its_committed_held_out_figures(measured, part):
    committed = json.loads((MODEL / "metrics.json").read_text(encoding="utf-8"))["headline"][part]
    now = headline(measured[part])
    assert now.keys() == committed.keys()
    for lang, row in committed.items():
        for key in (k for k in FLOORED if k in row):  # a language with no agreement has no agreement rate
            assert now[lang][key] >= row[key] - MARGIN, (part, lang, key, now[lang][key], row[key])


def test_committed_metrics_are_the_held_out_evaluation(measured):
    metrics = json.loads((MODEL / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["test"]["documents"] == measured["test"]["documents"] >= 100
    assert metrics["seeds"]["documents"] == measured["seeds"]["documents"] == 5
    assert "dev_tuning" in metrics and "dev" not in metrics
