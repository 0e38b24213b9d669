"""The bilingual tokenizer: Kiwi morphemes for Hangul, spaCy's English rules for Latin text.

Every kcx pipeline uses it (``[nlp.tokenizer] @tokenizers = "kcx.BilingualTokenizer.v1"``).

1. spaCy's English rules cut the text into tokens and handle whitespace, punctuation,
   abbreviations (``Gov.``, ``Nov.``) and the possessive ``'s``. Hyphens split only before a
   capital (``Korea-China`` -> ``Korea - China``), so romanised given names (``Won-soon``) stay whole.
2. Tokens containing Hangul are cut at Kiwi's morpheme boundaries (``광주시는`` -> ``광주시 | 는``).
   Morphemes that overlap (``했`` = 하 + 었) or are inserted with zero width are merged, so
   tokens never overlap. Each token is analysed on its own, so the result never depends on
   its neighbours: the same word always gets the same tokens (and a cache makes this fast).
3. Nouns that fuse a place and a title or unit (``경상북도지사``, ``대전광역시장``) are also cut
   before the title/unit words listed in ``split_suffixes``, so both the guidelines' span
   boundaries (``경상북도`` + ``지사``, ``대전`` + ``광역시장``) fall on token boundaries.
4. Hanzi, kana and other CJK characters become one token each, as spaCy does for Chinese.

``doc.text == text`` holds for every input, except that lone surrogates (which spaCy cannot
store) become U+FFFD; offsets stay the same.
"""
import re
from functools import lru_cache
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import srsly
from spacy.lang.en import English
from spacy.lang.char_classes import ALPHA, ALPHA_UPPER
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex, registry
from spacy.vocab import Vocab

#: Lone surrogates cannot be stored by spaCy (its strings are UTF-8); they become U+FFFD,
#: which keeps every offset (one code point for one).
SURROGATE_RE = re.compile("[\ud800-\udfff]")
HANGUL_RE = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
SYLLABLE_RE = re.compile(r"[\uac00-\ud7a3]")


def mask_syllables(text: str) -> str:
    """``text`` with every Hangul syllable replaced by ``가`` (same length, same splits by spaCy's rules)."""
    return SYLLABLE_RE.sub("가", text)

#: CJK ideographs, kana and CJK compatibility ideographs: one token per character.
CJK_CHAR_RE = re.compile(
    r"[\u3040-\u309f\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]"
)

#: Title, unit and organisation words cut off the end of a fused Korean noun
#: ("경상북도지사" -> "경상북도 | 지사", "경주시의회" -> "경주 | 시의회", "서울시청" -> "서울 | 시청").
DEFAULT_SPLIT_SUFFIXES: Tuple[str, ...] = (
    "행정부시장", "정무부시장", "경제부시장", "광역시장", "특별시장", "특별자치도지사", "특별자치시장",
    "부시장", "시장", "도지사", "부지사", "지사", "군수", "부군수", "구청장", "부구청장", "성장",
    "부성장", "주석", "당서기", "서기", "의장", "부의장", "총영사", "영사", "대사", "장관", "차관",
    "위원장", "현지사", "주지사", "청장", "시의장", "도의장",
    "광역시", "특별시", "특별자치도", "특별자치시",
    "시의회", "도의회", "구의회", "군의회", "현의회", "의회", "시청", "도청", "구청", "군청",
)


def _latin_tokenizer(vocab: Vocab) -> Tokenizer:
    """spaCy's English tokenizer, with hyphens splitting only before a capital letter."""
    defaults = English.Defaults
    infixes = [rule for rule in defaults.infixes if "(?:-|–|—" not in rule]
    infixes.append(r"(?<=[{a}0-9.])-(?=[{u}])".format(a=ALPHA, u=ALPHA_UPPER))
    infixes.append(r"(?<=[{a}0-9])(?:–|—|--|---|——|~)(?=[{a}])".format(a=ALPHA))
    return Tokenizer(
        vocab,
        rules=defaults.tokenizer_exceptions,
        prefix_search=compile_prefix_regex(defaults.prefixes).search,
        suffix_search=compile_suffix_regex(defaults.suffixes).search,
        infix_finditer=compile_infix_regex(infixes).finditer,
        token_match=defaults.token_match,
        url_match=defaults.url_match,
    )


def coarse_tag(text: str) -> str:
    """A tag from Kiwi's tag set for a token Kiwi does not analyse: ``SL`` (Latin letters), ``SN``
    (numbers), ``SH`` (Hanzi), ``SF``/``SP``/``SS``/``SO``/``SW`` (punctuation and symbols), ``_SP`` (space)."""
    if not text or text.isspace():
        return "_SP"
    if CJK_CHAR_RE.search(text):
        return "SH"
    if any(ch.isalpha() for ch in text):
        return "SL"
    if any(ch.isdigit() for ch in text):
        return "SN"
    if text in (".", "!", "?", "…", "...") or text.endswith(("?", "!")):
        return "SF"
    if text in (",", ";", ":", "/", "·", "・"):
        return "SP"
    if text in ("-", "~", "–", "—"):
        return "SO"
    if any(ch in "\"'“”‘’«»()[]{}<>「」『』《》〈〉【】" for ch in text):
        return "SS"
    return "SW"


@lru_cache(maxsize=1)
def _place_names() -> frozenset:
    """Every JURISDICTION surface of the gazetteers (normalised), read once per process."""
    from .gazetteer import default_gazetteer
    from .schema import JURISDICTION

    return frozenset(k for k, label in default_gazetteer().table().items() if label == JURISDICTION)


#: Particles that may follow a name inside one Hangul word (``할빈과``, ``로씨야와의``).
PARTICLES = frozenset(
    "이 가 은 는 을 를 과 와 의 에 도 만 로 으로 에서 에게 까지 부터 과의 와의 과는 와는 에는 에서는 으로는 로는 "
    "에서의 으로의 로의 이나 나 보다 처럼 측 측은 측과".split()
)


#: Nouns that follow a place name inside one Hangul word (besides the title and unit words).
PLACE_FOLLOWERS = ("위원회", "인민정부", "정부", "당위원회", "당위", "대표단", "당국")


def _gazetteer_end(word: str, cuts: Sequence[int], suffixes: frozenset) -> int:
    """Where to cut ``word`` so that the longest Korean jurisdiction name of the gazetteers that starts
    it gets its own token, when the analysis glued the name to what follows (``…성과`` read as 성과,
    ``…시위원회``, ``…주지사``, ``할빈과``): the name ends inside a piece that is not a title or unit word
    split off on purpose (``suffixes``), and the rest of that piece is a particle or starts with a title,
    unit or organisation word. 0 when there is no such name or it already ends on a boundary."""
    from .gazetteer import normalize_surface

    places = _place_names()
    bounds = (0,) + tuple(sorted(c for c in cuts if 0 < c < len(word))) + (len(word),)
    for end in range(len(word), 1, -1):
        if normalize_surface(word[:end]) not in places:
            continue
        piece = next(((a, b) for a, b in zip(bounds, bounds[1:]) if a < end < b), None)
        if piece is None or word[piece[0]:piece[1]] in suffixes:
            return 0  # the longest name already ends on a boundary, or a title/unit word was split off
        rest = word[end:piece[1]]
        if rest in PARTICLES or rest.startswith(tuple(suffixes) + PLACE_FOLLOWERS):
            return end
        return 0
    return 0


def _split_name(word: str, morphs: Sequence[Any]) -> bool:
    """Whether Kiwi cut a three-syllable personal name after its second syllable (김진|곤, 최영|일):
    a proper noun of two syllables starting with a common surname and not a place in the gazetteers
    (인천|서, 강원|서), one more noun syllable, then the end of the word or a particle."""
    from .gazetteer import HANGUL_SURNAMES, normalize_surface

    if len(morphs) < 2 or len(word) < 3 or word[0] not in HANGUL_SURNAMES:
        return False
    first, second = morphs[0], morphs[1]
    if (first.start, first.len, first.tag) != (0, 2, "NNP") or (second.start, second.len) != (2, 1):
        return False
    if not (second.tag.startswith("NN") or second.tag == "NR") or not SYLLABLE_RE.match(word[2]):
        return False
    if not (len(word) == 3 if len(morphs) == 2 else morphs[2].start == 3 and morphs[2].tag.startswith("J")):
        return False
    return normalize_surface(word[:2]) not in _place_names()


class BilingualTokenizer:
    """Korean/English tokenizer producing a spaCy ``Doc`` whose text equals the input."""

    def __init__(
        self,
        vocab: Vocab,
        *,
        kiwi_model_type: str = "cong",
        kiwi_default_dict: bool = False,
        kiwi_multi_dict: bool = False,
        split_suffixes: Sequence[str] = DEFAULT_SPLIT_SUFFIXES,
        cache_size: int = 200_000,
        keep_names: bool = False,
        split_at_gazetteer: bool = False,
    ) -> None:
        self.vocab = vocab
        self.kiwi_model_type = kiwi_model_type
        self.kiwi_default_dict = kiwi_default_dict
        self.kiwi_multi_dict = kiwi_multi_dict
        self.split_suffixes = tuple(sorted(set(split_suffixes), key=lambda x: (-len(x), x)))
        self.cache_size = cache_size
        self.keep_names = keep_names
        self.split_at_gazetteer = split_at_gazetteer
        self._latin = _latin_tokenizer(vocab)
        self._kiwi: Any = None
        self._setup_cache()

    # -- configuration -------------------------------------------------------------------
    def _setup_cache(self) -> None:
        self._cuts = lru_cache(maxsize=self.cache_size)(self._compute_cuts)
        self._suffix_set = frozenset(self.split_suffixes)
        self._suffix_lengths = sorted({len(x) for x in self.split_suffixes}, reverse=True)

    @property
    def kiwi(self) -> Any:
        """The Kiwi analyser, created on first use.

        Kiwi's optional extra dictionaries (Wikipedia headwords, multi-word expressions) are off
        by default: they cost ~250 MB of memory and a second of loading, and morpheme boundaries
        in news text do not need them.
        """
        if self._kiwi is None:
            import warnings

            from kiwipiepy import Kiwi

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                self._kiwi = Kiwi(
                    num_workers=-1,
                    model_type=self.kiwi_model_type,
                    load_typo_dict=False,
                    load_default_dict=self.kiwi_default_dict,
                    load_multi_dict=self.kiwi_multi_dict,
                )
        return self._kiwi

    def _settings(self) -> Dict[str, Any]:
        return {
            "kiwi_model_type": self.kiwi_model_type,
            "kiwi_default_dict": self.kiwi_default_dict,
            "kiwi_multi_dict": self.kiwi_multi_dict,
            "split_suffixes": list(self.split_suffixes),
            "cache_size": self.cache_size,
            "keep_names": self.keep_names,
            "split_at_gazetteer": self.split_at_gazetteer,
        }

    def _apply_settings(self, settings: Dict[str, Any]) -> None:
        self.kiwi_model_type = settings.get("kiwi_model_type", self.kiwi_model_type)
        self.kiwi_default_dict = settings.get("kiwi_default_dict", self.kiwi_default_dict)
        self.kiwi_multi_dict = settings.get("kiwi_multi_dict", self.kiwi_multi_dict)
        self.split_suffixes = tuple(sorted(set(settings.get("split_suffixes", self.split_suffixes)), key=lambda x: (-len(x), x)))
        self.cache_size = settings.get("cache_size", self.cache_size)
        self.keep_names = settings.get("keep_names", False)  # pipelines saved before the setting existed: off
        self.split_at_gazetteer = settings.get("split_at_gazetteer", False)
        self._kiwi = None
        self._setup_cache()

    # -- tokenization --------------------------------------------------------------------
    def _compute_cuts(self, word: str) -> Tuple[Tuple[int, ...], Tuple[str, ...]]:
        """Offsets inside ``word`` where it is cut into tokens (excluding 0 and len), and the
        part-of-speech tag of each piece (Kiwi's tag of the piece's first morpheme; ``SH`` for Hanzi)."""
        n = len(word)
        cuts = set()
        tag_at: Dict[int, str] = {}
        if HANGUL_RE.search(word):
            try:
                morphs = self.kiwi.tokenize(word)
            except Exception:  # Kiwi rejects some inputs; keep the word whole rather than fail.
                morphs = []
            for m in sorted(morphs, key=lambda t: (t.start, -t.len)):
                if m.len > 0:
                    tag_at.setdefault(m.start, m.tag)
            # Merge overlapping morphemes into units; zero-width morphemes add nothing.
            units: List[List[int]] = []
            for m in sorted(((t.start, t.start + t.len) for t in morphs if t.len > 0)):
                if units and m[0] < units[-1][1]:
                    units[-1][1] = max(units[-1][1], m[1])
                else:
                    units.append([m[0], m[1]])
            for start, end in units:
                cuts.add(start)
                cuts.add(end)
            if self.keep_names and _split_name(word, morphs):
                cuts.discard(2)
            for tok in morphs:
                if tok.len >= 3 and tok.tag.startswith("NN"):
                    end = tok.start + tok.len
                    for k in self._suffix_lengths:
                        if tok.len - k >= 2 and word[end - k:end] in self._suffix_set:
                            cuts.add(end - k)
                            tag_at.setdefault(end - k, "NNG")
            if self.split_at_gazetteer:
                end = _gazetteer_end(word, cuts, self._suffix_set)
                if end:
                    cuts.add(end)
                    tag_at.setdefault(end, self._first_tag(word[end:]))
        for m in CJK_CHAR_RE.finditer(word):
            cuts.add(m.start())
            cuts.add(m.end())
            tag_at[m.start()] = "SH"
        inner = tuple(sorted(c for c in cuts if 0 < c < n))
        tags = tuple(tag_at.get(start) or coarse_tag(word[start:stop])
                     for start, stop in zip((0,) + inner, inner + (n,)))
        return inner, tags

    def _first_tag(self, text: str) -> str:
        try:
            morphs = self.kiwi.tokenize(text)
        except Exception:
            morphs = []
        return morphs[0].tag if morphs else coarse_tag(text)

    def __call__(self, text: str) -> Doc:
        """Tokenize ``text`` into a ``Doc`` (``doc.text == text``); ``token.tag_`` is Kiwi's part of
        speech for Hangul tokens and a coarse tag of the same tag set for the others (:func:`coarse_tag`)."""
        if not isinstance(text, str):
            raise TypeError(f"BilingualTokenizer expects str, got {type(text).__name__}")
        if SURROGATE_RE.search(text):
            text = SURROGATE_RE.sub("\ufffd", text)
        # spaCy's rules see every Hangul syllable as "가" (one character class for all of them in its
        # regexes): the same splits, but a handful of distinct chunks, so its cache and vocab stay
        # small and no lexeme is made for a whole Hangul word that Kiwi cuts up next.
        base = self._latin(mask_syllables(text))
        words: List[str] = []
        spaces: List[bool] = []
        tags: List[str] = []
        for token in base:
            word = text[token.idx:token.idx + len(token)]
            if HANGUL_RE.search(word) or CJK_CHAR_RE.search(word):
                cuts, piece_tags = self._cuts(word)
            else:
                cuts, piece_tags = (), (coarse_tag(word),)
            bounds = (0,) + cuts + (len(word),)
            for i in range(len(bounds) - 1):
                words.append(word[bounds[i]:bounds[i + 1]])
                spaces.append(False)
            tags.extend(piece_tags)
            spaces[-1] = bool(token.whitespace_)
        return Doc(self.vocab, words=words, spaces=spaces, tags=tags)

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterable[Doc]:
        """Tokenize a stream of texts."""
        for text in texts:
            yield self(text)

    # -- serialization -------------------------------------------------------------------
    def __getstate__(self) -> Dict[str, Any]:
        # Kiwi and the cache are rebuilt in the receiving process (nlp.pipe(n_process=2)).
        return {"vocab": self.vocab, "settings": self._settings()}

    def __setstate__(self, state: Dict[str, Any]) -> None:
        self.vocab = state["vocab"]
        self._latin = _latin_tokenizer(self.vocab)
        self._kiwi = None
        self.kiwi_model_type, self.kiwi_default_dict, self.kiwi_multi_dict = "cong", False, False
        self.split_suffixes, self.cache_size = DEFAULT_SPLIT_SUFFIXES, 200_000
        self._apply_settings(state["settings"])

    def to_bytes(self, *, exclude: Iterable[str] = tuple()) -> bytes:
        """Serialize the tokenizer's settings."""
        return srsly.msgpack_dumps(self._settings())

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = tuple()) -> "BilingualTokenizer":
        """Load settings written by :meth:`to_bytes`."""
        self._apply_settings(srsly.msgpack_loads(data))
        return self

    def to_disk(self, path: Any, *, exclude: Iterable[str] = tuple()) -> None:
        """Write the settings to ``path`` (a file, as spaCy expects of tokenizers)."""
        from pathlib import Path

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path, self._settings())

    def from_disk(self, path: Any, *, exclude: Iterable[str] = tuple()) -> "BilingualTokenizer":
        """Read settings written by :meth:`to_disk`."""
        self._apply_settings(srsly.read_json(path))
        return self


@registry.tokenizers("kcx.BilingualTokenizer.v1")
def create_bilingual_tokenizer(
    kiwi_model_type: str = "cong",
    kiwi_default_dict: bool = False,
    kiwi_multi_dict: bool = False,
    split_suffixes: Optional[List[str]] = None,
    cache_size: int = 200_000,
    keep_names: bool = False,
    split_at_gazetteer: bool = False,
) -> Callable[[Any], BilingualTokenizer]:
    """Registry entry: build the :class:`BilingualTokenizer` for a pipeline's vocab. ``keep_names``
    keeps three-syllable Korean personal names that Kiwi cuts in two (김진|곤) as one token;
    ``split_at_gazetteer`` cuts a word where a Korean jurisdiction name of the gazetteers ends when
    Kiwi glued the name to what follows (랴오닝성|과 rather than 랴오닝|성과)."""

    def make(nlp: Any) -> BilingualTokenizer:
        return BilingualTokenizer(
            nlp.vocab,
            kiwi_model_type=kiwi_model_type,
            kiwi_default_dict=kiwi_default_dict,
            kiwi_multi_dict=kiwi_multi_dict,
            split_suffixes=DEFAULT_SPLIT_SUFFIXES if split_suffixes is None else split_suffixes,
            cache_size=cache_size,
            keep_names=keep_names,
            split_at_gazetteer=split_at_gazetteer,
        )

    return make
