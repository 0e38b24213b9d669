"""Long documents cost time linear in their length, in chunks of bounded size."""
import time

from kcx_nlp.benchmark.long_documents import articles, build_text
from kcx_nlp.benchmark.scaling import sentences
from kcx_nlp.pipeline import _Context, detect_lang, pipe_records


def _seconds(nlp, text, repeats=3):
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        ((record, _),) = pipe_records(nlp, [(text, _Context("long", "2024-01-01", None))])
        best = min(best, time.perf_counter() - start)
    return best, record


def test_eight_times_the_text_costs_at_most_twelve_times_the_time(shipped_nlp):
    pool = [p for p in sentences() if detect_lang(p) == "ko"]
    one, eight = build_text(pool, 20_000), build_text(pool, 160_000)
    shipped_nlp("warm up " + one[:500])
    t1, r1 = _seconds(shipped_nlp, one)
    t8, r8 = _seconds(shipped_nlp, eight)
    assert len(r8["entities"]) > 6 * len(r1["entities"]) and len(r8["relations"]) > 6 * len(r1["relations"])
    assert t8 <= 12 * t1, f"1x: {t1:.2f} s, 8x: {t8:.2f} s"


def test_sentencizer_is_linear_on_one_unchunked_document(nlp):
    """The components see whole chunks; the sentencizer once re-checked the whole document per token."""
    from kcx_nlp.components.sentencizer import kcx_sentencizer

    pool = [p for p in sentences() if detect_lang(p) == "ko"]
    one, eight = nlp(build_text(pool, 40_000)), nlp(build_text(pool, 320_000))

    def seconds(doc):
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            kcx_sentencizer(doc)
            best = min(best, time.perf_counter() - start)
        return best
    t1, t8 = seconds(one), seconds(eight)
    assert len(list(eight.sents)) > 6 * len(list(one.sents))
    assert t8 <= 12 * t1, f"1x: {t1:.3f} s, 8x: {t8:.3f} s"


def test_articles_cut_at_paragraphs_and_keep_the_text():
    text = build_text(["첫 문단입니다." * 30, "Second paragraph here." * 20], 20_000)
    pieces = articles(text, 1_000)
    assert "\n\n".join(pieces) == text and all(len(p) < 3_000 for p in pieces)
