"""Mention-replacement augmentation: swap annotated spans for others of the same label and script.

Registered as ``kcx.MentionReplace.v1`` for ``[corpora.train.augmenter]``. Each training
example is yielded unchanged; with probability ``level`` a variant follows in which each
JURISDICTION/TITLE/AGREEMENT span is replaced (with probability ``replace_prob``) by a surface
of the same label and script from the gazetteer, and each OFFICIAL by another official's name
seen earlier in training. Offsets of entities and relations are recomputed; a Korean particle
right after a replaced span is switched to the allomorph that fits the new final syllable
(은/는, 이/가, 을/를, 과/와). With probability ``chrome``, the variant is also wrapped in lines of
web-page chrome (menus, share buttons, comment counters, copyright lines), which carry no entities:
articles taken from web pages come with them, and a capitalised menu word is not an official.
"""
import random
from typing import Callable, Dict, Iterator, List, Tuple

from spacy.language import Language
from spacy.training import Example
from spacy.util import registry

from ..extensions import USER_DATA_KEY
from ..gazetteer import default_gazetteer
from ..pipeline import HANGUL_RE, LATIN_RE
from ..schema import AGREEMENT, JURISDICTION, OFFICIAL, TITLE

PARTICLES = {"은": "는", "는": "은", "이": "가", "가": "이", "을": "를", "를": "을", "과": "와", "와": "과"}
AFTER_CONSONANT = set("은이을과")


def _script(text: str) -> str:
    if HANGUL_RE.search(text):
        return "ko"
    return "en" if LATIN_RE.search(text) else "other"


def _has_final_consonant(text: str) -> bool:
    ch = text[-1]
    return "\uac00" <= ch <= "\ud7a3" and (ord(ch) - 0xAC00) % 28 != 0


def _fix_particle(new_surface: str, following: str) -> str:
    if not following or following[0] not in PARTICLES or not HANGUL_RE.search(new_surface[-1:]):
        return following
    want_consonant_form = _has_final_consonant(new_surface)
    particle = following[0]
    if (particle in AFTER_CONSONANT) != want_consonant_form:
        particle = PARTICLES[particle]
    return particle + following[1:]


#: Lines of web-page furniture, written for the project (no entity in any of them).
PAGE_CHROME = (
    "Skip to main content", "Go to top", "Back to Top", "Menu", "Search", "Share", "Print", "Email this article",
    "Font size", "A+ A-", "Subscribe", "Log in", "Sign up", "Follow us", "Most Read", "Most viewed",
    "Related Articles", "Advertisement", "Previous article", "Next article", "Comments (0)", "Leave a comment",
    "Copy link", "Listen to this article", "Latest News", "Trending", "Top", "Home", "News", "Politics", "Society",
    "Reporter's other articles", "All rights reserved.", "Copyright (c) All rights reserved.",
    "Unauthorized reproduction and redistribution prohibited.", "Terms of Use | Privacy Policy",
    "Photo enlarge", "Close", "Toggle navigation", "Join the conversation", "Write a comment (0/300 characters)",
    "본문 바로가기", "메뉴 바로가기", "전체메뉴", "검색", "공유하기", "글자크기 조절", "인쇄하기", "스크랩", "구독",
    "댓글 0", "댓글 쓰기 (0/300자)", "많이 본 뉴스", "이 기사를 공유합니다", "기자의 다른 기사", "이전 기사", "다음 기사",
    "무단전재 및 재배포 금지", "저작권자 © 무단 전재-재배포, AI 학습 및 활용 금지", "닫기", "사진 확대", "맨위로",
    "페이스북", "트위터", "카카오톡", "URL 복사", "좋아요 0", "관련기사", "최신기사", "홈 > 뉴스 > 지역",
)


def add_page_chrome(rng: random.Random) -> Tuple[str, str]:
    """A prefix and a suffix of chrome lines (either may be empty) to put around an article."""
    def lines() -> str:
        return "\n".join(rng.sample(PAGE_CHROME, rng.randint(1, 4)))

    where = rng.random()
    prefix = lines() + "\n\n" if where < 0.7 else ""
    suffix = "\n\n" + lines() if where > 0.4 else ""
    return prefix, suffix


def replace_mentions(text: str, ents: List[Tuple[int, int, str]], choose: Callable[[str, str], str]):
    """Rebuild ``text`` with some entities replaced.

    ``choose(label, surface)`` returns the replacement (or the surface itself). Returns the new
    text and ``{(old_start, old_end): (new_start, new_end)}`` for every entity.
    """
    pieces: List[str] = []
    mapping: Dict[Tuple[int, int], Tuple[int, int]] = {}
    pos, length = 0, 0
    pending_fix = False
    for start, end, label in sorted(ents):
        between = text[pos:start]
        if pending_fix:
            between = _fix_particle(pieces[-1], between)
        pieces.append(between)
        length += len(between)
        surface = text[start:end]
        new = choose(label, surface)
        pending_fix = new != surface
        pieces.append(new)
        mapping[(start, end)] = (length, length + len(new))
        length += len(new)
        pos = end
    rest = text[pos:]
    if pending_fix:
        rest = _fix_particle(pieces[-1], rest)
    pieces.append(rest)
    return "".join(pieces), mapping


@registry.augmenters("kcx.MentionReplace.v1")
def create_mention_replace(
    level: float = 0.3, replace_prob: float = 0.5, seed: int = 0, chrome: float = 0.0
) -> Callable[[Language, Example], Iterator[Example]]:
    """Registry entry of the augmenter (deterministic for a given seed and example order)."""
    rng = random.Random(seed)
    pools: Dict[Tuple[str, str], List[str]] = {}
    gaz = default_gazetteer()
    for label in (JURISDICTION, TITLE, AGREEMENT):
        for surface, entry in gaz.surfaces(label):
            # Forms that are names only in some contexts would teach wrong labels.
            if surface in entry.get("ambiguous", ()) or surface in entry.get("context_dependent", ()):
                continue
            if surface.isupper() and len(surface) > 3:  # dateline capitals (SUWON)
                continue
            pools.setdefault((label, _script(surface)), []).append(surface)
    names: Dict[str, List[str]] = {}
    seen_names = set()

    def choose(label: str, surface: str) -> str:
        script = _script(surface)
        pool = names.get(script, []) if label == OFFICIAL else pools.get((label, script), [])
        if not pool or rng.random() >= replace_prob:
            return surface
        return rng.choice(pool)

    def augment(nlp: Language, example: Example) -> Iterator[Example]:
        yield example
        ref = example.reference
        for ent in ref.ents:
            if ent.label_ == OFFICIAL and ent.text not in seen_names:
                seen_names.add(ent.text)
                names.setdefault(_script(ent.text), []).append(ent.text)
        if not ref.ents or rng.random() >= level:
            return
        ents = [(e.start_char, e.end_char, e.label_) for e in ref.ents]
        text, mapping = replace_mentions(ref.text, ents, choose)
        if chrome and rng.random() < chrome:
            prefix, suffix = add_page_chrome(rng)
            text = prefix + text + suffix
            mapping = {old: (start + len(prefix), end + len(prefix)) for old, (start, end) in mapping.items()}
        if text == ref.text:
            return
        doc = nlp.make_doc(text)
        spans = []
        for start, end, label in ents:
            span = doc.char_span(*mapping[(start, end)], label=label)
            if span is None:
                return  # a replacement broke token alignment: skip the variant rather than lose a label
            spans.append(span)
        doc.ents = spans
        doc.user_data[USER_DATA_KEY] = [
            (*mapping[(hs, he)], *mapping[(ts, te)], label, score)
            for hs, he, ts, te, label, score in ref.user_data.get(USER_DATA_KEY, [])
            if (hs, he) in mapping and (ts, te) in mapping
        ]
        yield Example(nlp.make_doc(text), doc)

    return augment
