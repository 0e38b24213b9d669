"""displaCy rendering of a document's entities and relations as one HTML page.

The page shows the whole text with entities highlighted (displaCy ``ent`` style), then every
sentence that holds a relation as an arc diagram (displaCy ``dep`` style, manual mode): each
entity is one box labelled with its entity label, and each relation an arc from head to tail
labelled with the relation and its score.
"""
import html
from typing import Dict, List

from spacy import displacy
from spacy.tokens import Doc

from .schema import LABELS

COLORS = {"OFFICIAL": "#f4a582", "TITLE": "#fddbc7", "JURISDICTION": "#92c5de", "DATE": "#d1e5f0",
          "AGREEMENT": "#b8e186"}


def _sentence_arcs(doc: Doc) -> List[Dict]:
    """One displaCy manual ``dep`` structure per sentence that has relations."""
    from .ml.relation_model import sentence_spans

    relations = doc._.relations
    out = []
    for start, end in sentence_spans(doc):
        rels = [r for r in relations if start <= r.head.start < end]
        if not rels:
            continue
        words, index = [], {}
        i = start
        ents = {e.start: e for e in doc.ents if start <= e.start < end}
        while i < end:
            if i in ents:
                ent = ents[i]
                index[(ent.start, ent.end)] = len(words)
                words.append({"text": ent.text, "tag": ent.label_})
                i = ent.end
            else:
                if not doc[i].is_space:
                    words.append({"text": doc[i].text, "tag": ""})
                i += 1
        arcs = []
        for r in rels:
            h, t = index.get((r.head.start, r.head.end)), index.get((r.tail.start, r.tail.end))
            if h is None or t is None:
                continue
            arcs.append({"start": min(h, t), "end": max(h, t), "label": f"{r.label} {r.score:.2f}",
                         "dir": "right" if h < t else "left"})
        out.append({"words": words, "arcs": arcs})
    return out


def render_html(doc: Doc, title: str = "") -> str:
    """A standalone HTML page with the entities and relations of ``doc``."""
    ents_html = displacy.render(doc, style="ent", page=False, jupyter=False,
                                options={"ents": list(LABELS), "colors": COLORS})
    parts = [f"<h2>{html.escape(title)}</h2>" if title else "", "<h3>Entities</h3>", ents_html]
    sentences = _sentence_arcs(doc)
    parts.append(f"<h3>Relations ({len(doc._.relations)})</h3>")
    for sent in sentences:
        parts.append(displacy.render(sent, style="dep", manual=True, page=False, jupyter=False,
                                     options={"compact": True, "distance": 120, "offset_x": 60}))
    body = "\n".join(parts)
    return ("<!DOCTYPE html>\n<html lang=\"mul\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title or 'kcx_nlp')}</title></head>\n"
            f"<body style=\"font-family: sans-serif; margin: 2em\">\n{body}\n</body></html>\n")
