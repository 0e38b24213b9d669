"""A rules-only baseline: gazetteers and patterns, no statistical model.

Built from spaCy's ``EntityRuler`` on the kcx tokenizer: phrase patterns for every gazetteer
surface (JURISDICTION, TITLE, AGREEMENT), token patterns for dates (English months, weekdays,
deictics; Korean 년/월/일 and 지난/오는/올해...), and officials (capitalised words right after a title,
a three-syllable Hangul word next to a title). Relations link, within a sentence, each entity to
the nearest entity whose label fits a relation signature.
"""
from typing import List

from spacy.language import Language
from spacy.tokens import Doc

from ..extensions import Relation
from ..gazetteer import default_gazetteer
from ..ml.relation_model import sentence_spans
from ..schema import AGREEMENT, DATE, JURISDICTION, OFFICIAL, RELATIONS, TITLE

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December", "Jan.", "Feb.", "Mar.", "Apr.", "Jun.", "Jul.", "Aug.", "Sept.", "Sep.", "Oct.",
          "Nov.", "Dec."]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _patterns() -> List[dict]:
    gaz = default_gazetteer()
    patterns = []
    for label in (JURISDICTION, TITLE, AGREEMENT):
        for surface, _ in gaz.surfaces(label):
            patterns.append({"label": label, "pattern": surface})
    num = {"IS_DIGIT": True}
    patterns += [
        {"label": DATE, "pattern": [{"TEXT": {"IN": MONTHS}}, num, {"TEXT": ","}, {"SHAPE": "dddd"}]},
        {"label": DATE, "pattern": [{"TEXT": {"IN": MONTHS}}, num]},
        {"label": DATE, "pattern": [{"TEXT": {"IN": MONTHS}}, {"SHAPE": "dddd"}]},
        {"label": DATE, "pattern": [{"TEXT": {"IN": WEEKDAYS}}]},
        {"label": DATE, "pattern": [{"LOWER": {"IN": ["this", "last", "next"]}}, {"LOWER": {"IN": ["year", "month", "week"]}}]},
        {"label": DATE, "pattern": [{"LOWER": "the"}, {"TEXT": {"REGEX": r"^\d{1,2}(st|nd|rd|th)$"}}]},
        {"label": DATE, "pattern": [{"SHAPE": "dddd", "TEXT": {"REGEX": "^(19|20)\\d\\d$"}}]},
        {"label": DATE, "pattern": [{"TEXT": {"IN": ["지난", "오는"]}, "OP": "?"}, num, {"TEXT": "년"}, num, {"TEXT": "월"},
                                    num, {"TEXT": "일"}]},
        {"label": DATE, "pattern": [{"TEXT": {"IN": ["지난", "오는"]}, "OP": "?"}, num, {"TEXT": "년"}, num, {"TEXT": "월"}]},
        {"label": DATE, "pattern": [{"TEXT": {"IN": ["지난", "오는"]}, "OP": "?"}, num, {"TEXT": {"IN": ["년", "월", "일"]}}]},
        {"label": DATE, "pattern": [{"TEXT": {"IN": ["올해", "지난해", "내년", "작년"]}}]},
    ]
    return patterns


class _OfficialRule:
    """Officials next to titles: "Mayor Oh Se-hoon", "Oh Se-hoon, mayor of", "오세훈 시장", "서울시장 오세훈"."""

    def __call__(self, doc: Doc) -> Doc:
        ents = list(doc.ents)
        taken = {i for e in ents for i in range(e.start, e.end)}
        new = []
        for e in ents:
            if e.label_ != TITLE:
                continue
            i = e.end  # after the title
            j = i
            while j < len(doc) and j - i < 3 and doc[j].text[:1].isupper() and doc[j].is_alpha and j not in taken:
                j += 1
            if j > i:
                new.append(doc[i:j])
                continue
            if i < len(doc) and i not in taken and len(doc[i].text) == 3 and "\uac00" <= doc[i].text[0] <= "\ud7a3":
                new.append(doc[i:i + 1])
                continue
            k = e.start - 1  # before the title
            if k >= 0 and k not in taken and len(doc[k].text) == 3 and "\uac00" <= doc[k].text[0] <= "\ud7a3":
                new.append(doc[k:k + 1])
        spans = [doc[s.start:s.end] for s in new]
        for s in spans:
            s.label_ = OFFICIAL
        from spacy.util import filter_spans

        doc.ents = filter_spans(ents + [doc.char_span(s.start_char, s.end_char, label=OFFICIAL) for s in spans])
        return doc


class _NearestRelations:
    """Relations by proximity within a sentence."""

    def __call__(self, doc: Doc) -> Doc:
        rels = []
        for start, end in sentence_spans(doc):
            inside = [e for e in doc.ents if start <= e.start and e.end <= end]
            for label, (head_label, tail_label) in RELATIONS.items():
                heads = [e for e in inside if e.label_ == head_label]
                tails = [e for e in inside if e.label_ == tail_label]
                for h in heads:
                    if tails:
                        t = min(tails, key=lambda t: abs(t.start - h.start))
                        rels.append(Relation(h, t, label, 1.0))
        doc._.relations = rels
        return doc


@Language.factory("kcx_rules_officials")
def _make_official_rule(nlp: Language, name: str):
    return _OfficialRule()


@Language.factory("kcx_rules_relations")
def _make_relations(nlp: Language, name: str):
    return _NearestRelations()


def rules_pipeline() -> Language:
    """The rules-only baseline as a spaCy pipeline on the kcx tokenizer."""
    from .. import blank

    nlp = blank()
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True})
    ruler.add_patterns(_patterns())
    nlp.add_pipe("kcx_rules_officials")
    nlp.add_pipe("kcx_rules_relations")
    return nlp
