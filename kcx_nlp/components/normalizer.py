"""``kcx_normalizer``: adds ``norm`` to every entity (see :mod:`kcx_nlp.normalize`).

It reads the publication date from ``doc.user_data["kcx_date"]`` (set it on the ``Doc`` before
the pipeline runs, as :func:`kcx_nlp.pipeline.pipe_records` does); ``span._.norm`` gives the value.
"""
from spacy.language import Language
from spacy.tokens import Doc

from ..normalize import normalize_doc


@Language.component("kcx_normalizer", requires=["doc.ents"], assigns=["span._.norm"])
def kcx_normalizer(doc: Doc) -> Doc:
    """Normalise every entity of ``doc``."""
    normalize_doc(doc)
    return doc
