"""JURISDICTION → canonical ``{id, name, level, country, parent}`` (guidelines v1.4).

Every surface form in the gazetteer (``kcx_nlp/data/jurisdictions_*.jsonl``) is indexed four
ways, tried in order until one matches: as written (case and spacing folded); with diacritics,
apostrophes, dots and hyphens folded (``Kyŏngsang-bukto`` = ``Kyongsangbukto``, ``N. Gyeongsang`` =
``North Gyeongsang``); without unit words (``Qingdao City`` = ``青岛市`` base ``qingdao``/``青岛``,
``Gyeongsangbuk-do`` = ``gyeongsangbuk``); and, for Latin script, as a romanisation skeleton that
merges the spellings systems disagree on (``Pusan``/``Busan``, ``Kwangju``/``Gwangju``,
``Chollanam``/``Jeollanam``). Several entries on one key: a unit word in the text picks the level
it names (``Jilin City``), else the higher-level entry wins (guidelines: ``광주`` → the metropolitan city).
"""
import re
import unicodedata
from functools import lru_cache
from typing import Dict, List, Optional, Tuple

from ..gazetteer import Gazetteer, default_gazetteer, normalize_surface

#: Higher levels first: the rank that settles an ambiguous surface.
LEVEL_RANK = {level: i for i, level in enumerate((
    "country", "province", "state", "autonomous_region", "special_self_governing_province", "region",
    "municipality", "special_administrative_region", "metropolitan_city", "special_self_governing_city",
    "prefecture", "sub_provincial_city", "prefecture_level_city", "city", "county_level_city", "county",
    "district", "other",
))}
CITY_LEVELS = {"municipality", "metropolitan_city", "special_self_governing_city", "sub_provincial_city",
               "prefecture_level_city", "city", "county_level_city"}
PROVINCE_LEVELS = {"province", "state", "autonomous_region", "special_self_governing_province", "region", "prefecture"}

#: Unit words (Latin, lower case) → the level class they name; longest first when stripping.
LATIN_UNITS = {
    "special self-governing province": "province", "special self governing province": "province",
    "special autonomous province": "province", "self-governing province": "province",
    "special self-governing city": "city", "special self governing city": "city",
    "metropolitan city": "city", "special metropolitan city": "city", "special city": "city",
    "metropolitan government": None, "autonomous region": "province", "autonomous prefecture": "province",
    "municipality": "city", "prefecture": "province", "province": "province", "provincial": "province",
    "state": "province", "city": "city", "county": "county", "district": "district", "region": "province",
    "shi": "city", "sheng": "province", "ken": "province", "fu": "province", "to": "province", "si": "city",
    "do": "province", "gun": "county", "gu": "district", "xian": "county", "qu": "district",
}
#: Unit suffixes in Hangul/Hanzi/kana → level class; stripped only when two or more characters remain.
CJK_UNITS = {
    "특별자치도": "province", "특별자치시": "city", "특별시": "city", "광역시": "city", "자치구": "district",
    "자치주": "province", "자치현": "county", "자치구역": "province", "시": "city", "도": "province",
    "군": "county", "구": "district", "성": "province", "현": "province", "부": "province", "주": "province",
    "특별행정구": "province", "市": "city", "省": "province", "県": "province", "县": "county", "縣": "county",
    "区": "district", "區": "district", "府": "province", "都": "province", "道": "province", "州": "province",
    "自治区": "province", "自治區": "province", "自治州": "province", "特别市": "city", "特別市": "city",
    "広域市": "city", "廣域市": "city", "广域市": "city",
}
_LATIN_UNIT_RE = re.compile(
    r"(?:^(?:the\s+)?(?:city|province|prefecture|state|county|district)\s+of\s+)|"
    r"(?:[\s-](?:" + "|".join(re.escape(u) for u in sorted(LATIN_UNITS, key=len, reverse=True)) + r"))+$"
)
_CJK_UNIT_RE = re.compile("(?:" + "|".join(re.escape(u) for u in sorted(CJK_UNITS, key=len, reverse=True)) + ")$")
_PAREN_RE = re.compile(r"\s*[(（][^)）]*[)）]\s*")
_LATIN_RE = re.compile(r"[A-Za-z]")
#: Spelling differences between Korean romanisations (McCune-Reischauer, older and Revised) and
#: common pinyin/Wade-Giles pairs, merged into one skeleton (applied in order).
_SKELETON_STEPS = [
    (re.compile(r"eo|oe|ǒ"), "o"), (re.compile(r"eu|ǔ"), "u"), (re.compile(r"ae"), "e"),
    (re.compile(r"kk|gg"), "k"), (re.compile(r"tt|dd"), "t"), (re.compile(r"pp|bb"), "p"),
    (re.compile(r"ch|j"), "c"), (re.compile(r"k|g"), "k"), (re.compile(r"t|d"), "t"), (re.compile(r"p|b"), "p"),
    (re.compile(r"sh"), "s"), (re.compile(r"r|l"), "l"), (re.compile(r"wo"), "o"), (re.compile(r"yu"), "u"),
    (re.compile(r"ee"), "i"), (re.compile(r"oo"), "u"), (re.compile(r"(.)\1"), r"\1"),
]


def fold(text: str) -> str:
    """Case, diacritics, apostrophes, dots and hyphens folded; ``N.``/``S.`` spelled out."""
    unbracketed = _PAREN_RE.sub("", text)
    text = unbracketed if unbracketed.strip() else text
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"\b(n|no)\.\s*", "north ", text)
    text = re.sub(r"\b(s|so)\.\s*", "south ", text)
    text = re.sub(r"[’'`‘ʼ.,]", "", text)
    text = re.sub(r"[-_–/]+", " ", text)
    text = re.sub(r"^the\s+", "", text)
    return re.sub(r"\s+", " ", text).strip()


def strip_unit(folded: str) -> Tuple[str, Optional[str]]:
    """``(base, level class)`` of a folded surface without its unit word(s)."""
    if _LATIN_RE.search(folded):
        m = _LATIN_UNIT_RE.search(folded)
        if m and folded[:m.start()].strip() + folded[m.end():].strip():
            unit = m.group().strip(" -").split()[-1] if m.start() > 0 else m.group().split()[-2]
            base = (folded[:m.start()] + folded[m.end():]).strip()
            return base, LATIN_UNITS.get(m.group().strip(" -"), LATIN_UNITS.get(unit))
        return folded, None
    compact = folded.replace(" ", "")
    m = _CJK_UNIT_RE.search(compact)
    if m and len(compact) - len(m.group()) >= 2:
        return compact[:m.start()], CJK_UNITS[m.group()]
    return compact, None


def skeleton(base: str) -> str:
    """The romanisation skeleton of a Latin base name (see the module docstring)."""
    key = base.replace(" ", "")
    for pattern, repl in _SKELETON_STEPS:
        key = pattern.sub(repl, key)
    return key


def _level_class(level: Optional[str]) -> Optional[str]:
    if level in CITY_LEVELS:
        return "city"
    if level in PROVINCE_LEVELS:
        return "province"
    return level


class JurisdictionIndex:
    """Lookup of gazetteer jurisdictions by any surface form (see the module docstring)."""

    def __init__(self, gazetteer: Gazetteer):
        self.by_id: Dict[str, dict] = {e["id"]: e for e in gazetteer.jurisdictions}
        self._cache: Dict[str, Dict[str, Optional[str]]] = {}
        self.tiers: List[Dict[str, List[dict]]] = [{}, {}, {}, {}]
        for entry in gazetteer.jurisdictions:
            surfaces = [entry["name"]] + [s for key in ("en", "ko", "zh", "ja") for s in entry.get(key) or ()]
            for surface in surfaces:
                for tier, key in enumerate(self._keys(surface)[0]):
                    if key:
                        bucket = self.tiers[tier].setdefault(key, [])
                        if entry not in bucket:
                            bucket.append(entry)

    @staticmethod
    def _keys(surface: str) -> Tuple[Tuple[str, str, str, str], Optional[str]]:
        """The four lookup keys of a surface (see the module docstring) and the level class its unit word names."""
        folded = fold(surface)
        base, unit_class = strip_unit(folded)
        latin = bool(_LATIN_RE.search(base))
        keys = (normalize_surface(surface), folded.replace(" ", ""), base.replace(" ", ""),
                skeleton(base) if latin and len(base) >= 4 else "")
        return keys, unit_class

    def lookup(self, text: str) -> Optional[dict]:
        """The gazetteer entry ``text`` names, or ``None``."""
        keys, unit_class = self._keys(text)
        for tier, key in enumerate(keys):
            entries = self.tiers[tier].get(key) if key else None
            if entries:
                return self._choose(entries, unit_class)
        return None

    @staticmethod
    def _choose(entries: List[dict], unit_class: Optional[str]) -> dict:
        if unit_class and len(entries) > 1:
            fitting = [e for e in entries if _level_class(e["level"]) == unit_class]
            entries = fitting or entries
        return min(entries, key=lambda e: LEVEL_RANK.get(e["level"], len(LEVEL_RANK)))

    def norm(self, text: str) -> Dict[str, Optional[str]]:
        """The canonical record of ``text`` (the surface itself with ``level: null`` if unknown)."""
        if text not in self._cache:
            if len(self._cache) > 100_000:
                self._cache.clear()
            self._cache[text] = self._norm(text)
        return dict(self._cache[text])

    def _norm(self, text: str) -> Dict[str, Optional[str]]:
        entry = self.lookup(text)
        if entry is None:
            return {"id": None, "name": text.strip(), "level": None, "country": None, "parent": None}
        parent = self.by_id.get(entry.get("parent") or "")
        return {"id": entry["id"], "name": entry["name"], "level": entry["level"], "country": entry["country"],
                "parent": parent["name"] if parent else None}


@lru_cache(maxsize=1)
def default_index() -> JurisdictionIndex:
    """The index of the shipped gazetteer (built once per process)."""
    return JurisdictionIndex(default_gazetteer())


def normalize_jurisdiction(text: str, index: Optional[JurisdictionIndex] = None) -> Dict[str, Optional[str]]:
    """Canonical ``{id, name, level, country, parent}`` of a JURISDICTION surface form."""
    return (index or default_index()).norm(text)
