"""The publication date an article states about itself: stamps, header fields and datelines.

Only the head (first :data:`HEAD_LINES` non-empty lines) and the tail (last :data:`TAIL_LINES`)
are read: bylines and stamps sit there, while a date in the body is usually the event's date.
Candidates, best first:

1. ``stamp``: a first-publication label before the date — ``Posted``, ``Published``,
   ``Released``, ``입력``, ``기사입력``, ``승인``, ``등록``, ``발행``, ``배포(일시)``, ``발표시간``,
   ``작성``, ``송고`` (``2019년 9월 3일(화) 배포``: ``배포`` may follow the date);
2. ``header``: a ``Date:`` / ``날짜`` field, or a head/tail line (or ``[...]`` bracket at a line's
   start) that is a full date with only an outlet, place, weekday or time beside it
   (``흑룡강신문 2019-09-24 15:08``, ``Friday, September 27, 2019 08:46 | SGGP``, ``18.11.2022``);
3. ``stamp`` with a later label — ``Updated``, ``Last updated``, ``Modified``, ``수정``, ``지면``:
   used only when nothing above is there (a correction or print date comes after publication);
4. ``dateline`` with a year: ``Reutlingen, 11 October 2019.``, ``Ulaanbaatar, September 5, 2023 /MONTSAME/``;
5. ``dateline`` without a year: ``SEOUL, Nov. 26 (Yonhap) --``, ``KUMASI, May 9 —``,
   ``[인민망 한국어판 4월 17일]``. The year is inferred (:func:`infer_year`): the latest year the
   article mentions (years after ``by``/``until``/``까지``/``목표`` or before ``project``/``plan``/
   ``계획`` look ahead and are skipped); when the article names weekdays and the dateline's day
   falls on none of them in that year, the first of the next three years in which it does. An
   article that mentions no year gets no date from a yearless dateline.

Ties go to the head before the tail, then to the earlier position. ``(서울=연합뉴스)`` and other
datelines without a day give nothing. Numeric dates: ``2024.10.22``, ``2024-10-22``,
``2015. 11. 20``, ``2018년10월11일``; ``18.11.2022`` is day.month.year and ``10/16/2023``
month/day/year (day/month when the first number is over 12).
"""
import re
from datetime import date
from typing import List, NamedTuple, Optional, Tuple

from .dates import MONTHS, WEEKDAYS_EN, WEEKDAYS_KO

HEAD_LINES = 8
TAIL_LINES = 4
#: Paragraphs after a yearless dateline whose weekdays check the inferred year.
LEAD_PARAGRAPHS = 2

#: The kinds of evidence, best first within a rank (see the module docstring).
KINDS = ("stamp", "header", "dateline")

_MON = r"(?P<mon>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")"
_YEAR = r"(?P<y>(?:19|20)\d\d)"
_WD_EN = r"(?:" + "|".join(sorted(WEEKDAYS_EN, key=len, reverse=True)) + r")\.?,?\s+"
#: Full dates (with a year). Named groups: y, m or mon, d.
_FULL_DATES = [
    re.compile(r"(?<!\d)" + _YEAR + r"\s*(?:[-./]|년)\s*(?P<m>\d{1,2})\s*(?:[-./]|월)\s*(?P<d>\d{1,2})(?:\s*일)?(?![\d])"),
    re.compile(r"\b(?:" + _WD_EN + r")?" + _MON + r"\b\.?\s*(?P<d>\d{1,2})(?:st|nd|rd|th)?\.?,?\s+" + _YEAR + r"(?!\d)",
               re.I),
    re.compile(r"(?<![\d.])(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MON + r"\b\.?,?\s+" + _YEAR + r"(?!\d)", re.I),
    re.compile(r"(?<![\d.])(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?:\s?)" + _YEAR + r"(?![\d])"),
    re.compile(r"(?<![\d/])(?P<m>\d{1,2})/(?P<d>\d{1,2})/" + _YEAR + r"(?!\d)"),
]
_FIRST_LABELS = (r"first published|date posted|posted|published|released|issued|기사\s*입력|입력|승인|등록|발행(?:일)?|"
                 r"배포\s*일시|배포일|배포|발표\s*시간|발표일|게재|작성(?:일)?|송고|보도일")
_LATER_LABELS = r"last updated|last modified|updated|modified|revised|최종\s*수정|수정|업데이트|지면"
_HEADER_LABELS = r"date|dated|날짜|일자"
_LABEL_BEFORE_RE = re.compile(r"(?:(?P<first>" + _FIRST_LABELS + r")|(?P<later>" + _LATER_LABELS + r")|(?P<header>"
                              + _HEADER_LABELS + r"))\s*(?:[:：]\s*)?(?:\[\s*)?$", re.I)
_LABEL_AFTER_RE = re.compile(r"^\s*(?:\(?[월화수목금토일]\)?\s*)?(?:\d{1,2}:\d{2}(?::\d{2})?\s*)?(?:배포|발행|송고|입력)")
#: What may stand beside a date on a header line: a time, a time zone, a weekday.
_TIME_RE = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*(?:GMT|UTC|KST)\s*[+-]?\d*)?|"
                      r"\(?[월화수목금토일]\)|(?:" + "|".join(WEEKDAYS_EN) + r")\b\.?|[ap]m\b", re.I)
_TRAILING_TIME_RE = re.compile(r"(?:\s*\(?[월화수목금토일]\))?(?:\s*[-,|]?\s*\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?)?", re.I)
_SEPARATORS_RE = re.compile(r"\s*(?:[|/—–·•,:\[\]()]|\s-\s)\s*")
_SENTENCE_END_RE = re.compile(r"(?:[.!?]|다\.?|[a-z]\.)\s*$")

_PLACE = r"[^\W\d_][^\W\d_ .'\-]*(?:[ .'\-]+[^\W\d_][^\W\d_.'\-]*){0,4}"
_EN_DATELINE_RE = re.compile(
    r"^\s*(?P<place>" + _PLACE + r")(?:,\s*" + _PLACE + r")?,\s+"
    r"(?:" + _MON + r"\b\.?\s*(?P<d>\d{1,2})(?:,\s*" + _YEAR + r")?|(?P<d2>\d{1,2})\s+(?P<mon2>"
    + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b\.?(?:\s+(?P<y2>(?:19|20)\d\d))?)"
    r"(?:\s*\((?P<agency>[^()\d]{2,30})\)\s*(?:--|—|–|-)?|\s*(?:--|—|–|-|/[A-Za-z]+/|\.(?=\s)))",
    re.I,
)
_KO_DATELINE_RE = re.compile(r"^\s*\[(?P<outlet>[^\]\d]{1,30}?)\s*(?:(?P<y>(?:19|20)\d\d)\s*년\s*)?(?P<m>\d{1,2})\s*월\s*"
                             r"(?P<d>\d{1,2})\s*일\s*\]")

_YEAR_RE = re.compile(r"(?<![\d.])((?:19[5-9]|20\d)\d)(?![\d])")
_AHEAD_BEFORE_RE = re.compile(r"(?:\b(?:by|until|till|through|target|will|plans?|vision|expo|to)\s+(?:the\s+)?(?:end\s+of\s+)?"
                              r"|목표)\W{0,3}$", re.I)
_AHEAD_AFTER_RE = re.compile(r"^\W{0,3}(?:project|plan|vision|target|goal|expo|olympics|world cup|games|"
                             r"(?:\s*[\w-]+){1,2}\s+(?:will|would|is to|are to|is set to)\b|년?\s*까지|년?\s*목표|년?\s*계획|비전)", re.I)
_WEEKDAY_EN_RE = re.compile(r"\b(" + "|".join(w for w in WEEKDAYS_EN if w.endswith("day")) + r")\b", re.I)
_WEEKDAY_KO_RE = re.compile(r"([월화수목금토일])요일|\(([월화수목금토일])\)")


class PublicationDate(NamedTuple):
    """A publication date found in an article, with the character offsets of its evidence."""

    date: str  # YYYY-MM-DD
    start: int
    end: int
    kind: str  # "stamp" | "header" | "dateline"
    year_inferred: bool = False


def _ymd(m: "re.Match") -> Optional[date]:
    g = m.groupdict()
    try:
        month = int(g["m"]) if g.get("m") else MONTHS[g["mon"].lower()]
        day, year = int(g["d"]), int(g["y"])
        if g.get("m") and "/" in m.group() and month > 12:  # 24/11/2015: day/month
            month, day = day, month
        return date(year, month, day)
    except (ValueError, KeyError, TypeError):
        return None


def _full_dates(line: str) -> List[Tuple[int, int, date]]:
    """``(start, end, date)`` of every full date in a line, left to right, without overlaps."""
    found: List[Tuple[int, int, date]] = []
    for pattern in _FULL_DATES:
        for m in pattern.finditer(line):
            d = _ymd(m)
            if d is not None and not any(s < m.end() and m.start() < e for s, e, _ in found):
                found.append((m.start(), m.end(), d))
    return sorted(found)


def _lines(text: str) -> List[Tuple[int, str]]:
    out, pos = [], 0
    for raw in text.splitlines(keepends=True):
        if raw.strip():
            out.append((pos, raw.rstrip("\r\n")))
        pos += len(raw)
    return out


def _header_like(line: str, start: int, end: int) -> bool:
    """Whether a date at ``line[start:end]`` stands alone (an outlet, place, time beside it)."""
    bracket = re.match(r"^\s*\[[^\]]*\]", line)
    if bracket and bracket.start() <= start and end <= bracket.end():
        return True
    if len(line.strip()) > 140 or _SENTENCE_END_RE.search(line) and not line.rstrip().endswith(line[start:end].rstrip()):
        return False
    rest = _TIME_RE.sub(" ", line[:start] + " | " + line[end:])
    pieces = [p for p in _SEPARATORS_RE.split(rest) if p.strip()]
    return all(len(p.split()) <= 10 and len(p) <= 80 for p in pieces)


def _weekdays_named(text: str) -> List[int]:
    """Weekdays ``text`` names, in order of first mention."""
    found = sorted([(m.start(), WEEKDAYS_EN[m.group(1).lower()]) for m in _WEEKDAY_EN_RE.finditer(text)] +
                   [(m.start(), WEEKDAYS_KO[m.group(1) or m.group(2)]) for m in _WEEKDAY_KO_RE.finditer(text)])
    return list(dict.fromkeys(w for _, w in found))


def infer_year(text: str, month: int, day: int, skip: Tuple[int, int] = (0, 0)) -> Optional[int]:
    """The year of a dateline that gives only ``month`` and ``day`` (see the module docstring);
    ``skip`` is the dateline's own span. ``None`` when the article mentions no usable year."""
    years = []
    for m in _YEAR_RE.finditer(text):
        if skip[0] <= m.start() < skip[1]:
            continue
        if _AHEAD_BEFORE_RE.search(text[max(0, m.start() - 25):m.start()]) or _AHEAD_AFTER_RE.search(text[m.end():m.end() + 40]):
            continue
        years.append(int(m.group(1)))
    if not years:
        return None
    base = max(years)
    lead = _weekdays_named("\n".join([p for p in text[skip[1]:].split("\n") if p.strip()][:LEAD_PARAGRAPHS]))
    if not lead:
        return base
    allowed = {w for w in lead} | {(w + 1) % 7 for w in lead}  # the dateline's day, or the day after a named one
    for y in range(base, base + 7):
        try:
            if date(y, month, day).weekday() in allowed:
                return y
        except ValueError:  # 29 February
            continue
    return base


def _candidates(text: str, lang: Optional[str]) -> List[Tuple[Tuple[int, int, int], PublicationDate]]:
    lines = _lines(text)
    head = lines[:HEAD_LINES]
    tail = lines[max(HEAD_LINES, len(lines) - TAIL_LINES):]
    out = []
    for zone, block in ((0, head), (1, tail)):
        for offset, line in block:
            for s, e, d in _full_dates(line):
                before = _LABEL_BEFORE_RE.search(line[max(0, s - 24):s])
                after = _LABEL_AFTER_RE.match(line[e:])
                if before and before.group("first") or after:
                    rank, kind = 0, "stamp"
                    s, e = (s - len(before.group()), e) if before else (s, e + after.end())
                elif before and before.group("header"):
                    rank, kind, s = 1, "header", s - len(before.group())
                elif before:
                    rank, kind, s = 2, "stamp", s - len(before.group())
                elif _header_like(line, s, e):
                    rank, kind = 1, "header"
                else:
                    continue
                if not after:  # the evidence takes in a weekday and time after the date
                    e += _TRAILING_TIME_RE.match(line[e:]).end()
                out.append(((rank, zone, offset + s), PublicationDate(d.isoformat(), offset + s, offset + e, kind)))
            if zone == 1:
                continue
            patterns = []
            if lang != "ko":
                patterns.append(_EN_DATELINE_RE)
            if lang != "en":
                patterns.append(_KO_DATELINE_RE)
            for pattern in patterns:
                m = pattern.match(line)
                if not m:
                    continue
                g = m.groupdict()
                month = int(g["m"]) if g.get("m") else MONTHS[(g.get("mon") or g["mon2"]).lower()]
                day = int(g.get("d") or g["d2"])
                year = g.get("y") or g.get("y2")
                start, end = offset + len(line) - len(line.lstrip()), offset + m.end()
                inferred = year is None
                y = int(year) if year else infer_year(text, month, day, (start, end))
                try:
                    d = date(y, month, day) if y else None
                except ValueError:
                    d = None
                if d is not None:
                    out.append(((3 + inferred, zone, start), PublicationDate(d.isoformat(), start, end, "dateline", inferred)))
    return out


def find_publication_date(text: str, lang: Optional[str] = None) -> Optional[PublicationDate]:
    """The publication date ``text`` states in its head or tail (see the module docstring), or
    ``None``. ``lang`` (``en``, ``ko``, ``mixed`` or ``None``) picks which dateline conventions
    are tried (``en``: ``SEOUL, Nov. 26 (Yonhap) --``; ``ko``: ``[인민망 한국어판 4월 17일]``;
    otherwise both); stamps and header fields of both languages are always read."""
    if not isinstance(text, str):
        raise TypeError(f"find_publication_date() expects str, got {type(text).__name__}")
    found = _candidates(text, lang)
    return min(found, key=lambda c: c[0])[1] if found else None
