"""Sentence boundaries for bilingual news (used by ``kcx_sentencizer`` and the relation candidates).

A sentence ends after ``.``, ``!``, ``?``, ``。``, ``…`` (and closing quotes or brackets right
after them) when whitespace follows, and at every line break: headlines, captions and list items
are their own sentences. Abbreviations (``Gov.``, ``Nov.``, ``S.``) are single tokens, so they do
not end sentences. Relations are only extracted within one sentence.
"""
from typing import List

from spacy.tokens import Doc, Span

END_PUNCT = {".", "!", "?", "。", "！", "？", "…", "..."}
CLOSERS = {"\"", "'", "”", "’", ")", "]", "」", "』", "》"}


def sentence_starts(doc: Doc) -> List[bool]:
    """``is_sent_start`` for every token of ``doc`` under the rules above."""
    starts = [False] * len(doc)
    if not len(doc):
        return starts
    starts[0] = True
    boundary = False
    for i, token in enumerate(doc):
        if boundary and not token.is_space and token.text not in CLOSERS:
            starts[i] = True
            boundary = False
        if "\n" in token.text or "\n" in token.whitespace_:
            boundary = True
        elif token.text in END_PUNCT and (token.whitespace_ or (i + 1 < len(doc) and doc[i + 1].is_space)):
            boundary = True
        elif token.text in END_PUNCT and i + 1 < len(doc) and doc[i + 1].text in CLOSERS:
            boundary = True
    return starts


def sentence_spans(doc: Doc) -> List[Span]:
    """The sentences of ``doc``: its own boundaries when set (``kcx_sentencizer``), else the rules above."""
    if doc.has_annotation("SENT_START"):
        return list(doc.sents)
    starts = [i for i, s in enumerate(sentence_starts(doc)) if s] + [len(doc)]
    return [doc[a:b] for a, b in zip(starts, starts[1:])]
