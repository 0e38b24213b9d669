"""Gazetteers shipped in ``kcx_nlp/data``: jurisdictions, titles and agreement types.

They are facts, used three ways: as features inside the NER model
(:mod:`kcx_nlp.ml.gazetteer_features`), for mention-replacement augmentation
(:mod:`kcx_nlp.training.augment`), and for normalisation. They never override the model.
"""
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

from .schema import AGREEMENT, JURISDICTION, TITLE

DATA_DIR = Path(__file__).resolve().parent / "data"
SCRIPTS = ("en", "ko", "zh", "ja")
SPACE_RE = re.compile(r"\s+")

#: Common surnames, romanised (Korean, Chinese, Vietnamese, Japanese): a feature for OFFICIAL.
SURNAMES = frozenset(
    "Kim Lee Yi Rhee Park Pak Bak Choi Choe Jung Jeong Chung Kang Cho Jo Yoon Yun Jang Chang Lim Im Han Oh "
    "Seo Suh Shin Sin Kwon Hwang Ahn An Song Yoo Yu Ryu Hong Ko Go Moon Mun Yang Son Bae Baek Paik Heo Hur "
    "Nam Sim Shim Noh Roh Ha Kwak Sung Seong Cha Joo Ju Woo Min Na Jin Ji Eom Um Chae Won Cheon Bang Gong "
    "Hyun Ham Byun Yeom Yeo Chu Do So Seok Seol Ma Gil Yeon Pyo Myung Ban Wang Ok Yuk In Tak Kook Guk "
    "Li Zhang Liu Chen Zhao Huang Zhou Wu Xu Sun Hu Zhu Gao Lin He Guo Luo Liang Zheng Xie Tang Feng Dong "
    "Xiao Cheng Cao Yuan Deng Fu Shen Zeng Peng Lu Su Jiang Cai Jia Ding Wei Xue Ye Yan Pan Du Dai Xia "
    "Zhong Tian Ren Fan Fang Shi Yao Tan Liao Zou Xiong Hao Kong Bai Cui Mao Qiu Qin Gu Hou Shao Meng Long "
    "Wan Duan Lei Qian Yin Qiao Lai Wen Jiao Xing Tu Nguyen Tran Le Pham Hoang Phan Vu Vo Dang Bui Ngo "
    "Tanaka Suzuki Sato Takahashi Watanabe Ito Yamamoto Nakamura Kobayashi Kato Yoshida Yamada Sasaki "
    "Matsumoto Inoue Kimura Hayashi Shimizu Yamaguchi Mori Abe Ikeda Hashimoto Ishikawa Ogawa Okada".split()
)
#: Hangul syllables of common Korean surnames (first syllable of a three-syllable name).
HANGUL_SURNAMES = frozenset("김이박최정강조윤장임한오서신권황안송류유홍고문양손배백허남심노하곽성차주우민나진지엄채원천방공현함변염여추도소석설마길연표명반왕옥육인탁국")


def normalize_surface(text: str) -> str:
    """The lookup key of a surface form: whitespace collapsed, Latin lower-cased."""
    return SPACE_RE.sub(" ", text.strip()).lower()


def _read_jsonl(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as e:
                    raise ValueError(f"{path}:{n}: invalid JSON in gazetteer: {e.msg}") from None


@dataclass(eq=False)
class Gazetteer:
    """Surface forms per label, each pointing at its gazetteer entry (hashed by identity)."""

    jurisdictions: List[dict] = field(default_factory=list)
    titles: List[dict] = field(default_factory=list)
    agreements: List[dict] = field(default_factory=list)

    @classmethod
    def from_dir(cls, path: Optional[Path] = None) -> "Gazetteer":
        """Read ``jurisdictions_*.jsonl``, ``titles.jsonl`` and ``agreement_types.jsonl``."""
        path = Path(path) if path is not None else DATA_DIR
        gaz = cls()
        for file in sorted(path.glob("jurisdictions_*.jsonl")):
            gaz.jurisdictions.extend(_read_jsonl(file))
        if (path / "titles.jsonl").exists():
            gaz.titles.extend(_read_jsonl(path / "titles.jsonl"))
        if (path / "agreement_types.jsonl").exists():
            gaz.agreements.extend(_read_jsonl(path / "agreement_types.jsonl"))
        return gaz

    def entries(self, label: str) -> List[dict]:
        """The entries behind one entity label."""
        return {JURISDICTION: self.jurisdictions, TITLE: self.titles, AGREEMENT: self.agreements}[label]

    def surfaces(self, label: str, script: Optional[str] = None) -> List[Tuple[str, dict]]:
        """All ``(surface, entry)`` pairs of a label, optionally of one script (en/ko/zh/ja)."""
        out = []
        for entry in self.entries(label):
            for key in (script,) if script else SCRIPTS:
                for surface in entry.get(key) or ():
                    out.append((surface, entry))
        return out

    def table(self) -> Dict[str, str]:
        """``normalize_surface(surface) -> label`` for every surface; first label wins on clashes."""
        table: Dict[str, str] = {}
        for label in (JURISDICTION, TITLE, AGREEMENT):
            for surface, _ in self.surfaces(label):
                table.setdefault(normalize_surface(surface), label)
        return table


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The gazetteer shipped with the package (read once per process)."""
    return Gazetteer.from_dir()
