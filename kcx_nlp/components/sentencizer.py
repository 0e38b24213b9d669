"""``kcx_sentencizer``: sets sentence boundaries with the rules of :mod:`kcx_nlp.sentences`."""
from spacy.language import Language
from spacy.tokens import Doc

from ..sentences import sentence_starts


@Language.component("kcx_sentencizer")
def kcx_sentencizer(doc: Doc) -> Doc:
    """Set sentence boundaries (see the module docstring)."""
    for token, start in zip(doc, sentence_starts(doc)):
        token.is_sent_start = start
    return doc
