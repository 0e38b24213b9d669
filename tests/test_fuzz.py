import importlib.util

from conftest import ROOT

spec = importlib.util.spec_from_file_location("fuzz", ROOT / "benchmarks" / "fuzz.py")
fuzz = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fuzz)


def test_fuzz_sample_has_no_crash_and_no_lost_document(tiny_nlp):
    result = fuzz.run(tiny_nlp, n=150, seed=1)
    assert result["crashes"] == 0 and result["lost_documents"] == 0, result["examples"][:3]
