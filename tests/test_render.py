from kcx_nlp.corpus import record_to_doc
from kcx_nlp.render import render_html


def test_render_shows_entities_and_relation_arcs(nlp, record):
    doc = record_to_doc(nlp, record)
    page = render_html(doc, title="t-1")
    assert "<title>t-1</title>" in page
    assert "Oh Se-hoon" in page and "JURISDICTION" in page
    assert page.count("HAS_TITLE") == 2 and page.count("OFFICIAL_OF") == 2
    assert "<svg" in page  # the arc diagram
