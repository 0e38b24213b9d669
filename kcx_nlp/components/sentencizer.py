"""``kcx_sentencizer``: sets sentence boundaries with the rules of :mod:`kcx_nlp.sentences`."""
import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from ..sentences import sentence_starts


@Language.component("kcx_sentencizer")
def kcx_sentencizer(doc: Doc) -> Doc:
    """Set sentence boundaries (see the module docstring), all at once: setting ``token.is_sent_start``
    token by token checks the whole document each time, which is quadratic in its length."""
    if len(doc):
        starts = numpy.array([[1 if start else -1] for start in sentence_starts(doc)], dtype="int32")
        doc.from_array([SENT_START], starts.astype("uint64"))
    return doc
