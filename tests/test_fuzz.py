from kcx_nlp.benchmark import fuzz


def test_fuzz_sample_has_no_crash_and_no_lost_document(tiny_nlp):
    result = fuzz.run(tiny_nlp, n=150, seed=1)
    assert result["crashes"] == 0 and result["lost_documents"] == 0, result["examples"][:3]
