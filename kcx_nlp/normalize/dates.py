"""DATE → ISO 8601, resolved against the publication date (guidelines v1.4, "DATE → norm").

``dateparser`` was checked first (see ``annotations/GUIDELINES.md``): it reads full English and
Korean dates with a year well, but misreads the forms Korean news uses most (``지난 21일`` → none,
``30일`` → "30 days ago", ``지난해`` → none, ``24.7.30`` → 2030-07-24), has no ranges, and does not
say which parts the text stated, which the closest-date rule needs. So this module parses the
news forms into parts itself (year, month, day, weekday, relative word, direction) and resolves
them; any other English expression with an explicit four-digit year falls back to ``dateparser``.
"""
import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from typing import Dict, Optional, Tuple, Union

DateNorm = Union[None, str, Dict[str, str]]

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
WEEKDAYS_EN = {"mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "wednesday": 2,
               "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4, "sat": 5,
               "saturday": 5, "sun": 6, "sunday": 6}
WEEKDAYS_KO = {"월": 0, "화": 1, "수": 2, "목": 3, "금": 4, "토": 5, "일": 6}

PAST, FUTURE = "past", "future"
_MONTH_RE = r"(?P<mname>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY_RE = r"(?P<wname>" + "|".join(sorted(WEEKDAYS_EN, key=len, reverse=True)) + r")\.?"
_ORD = r"(?:st|nd|rd|th)?"

#: Words around a date that are not part of it.
_NOISE_RE = re.compile(
    r"\((?:local time|현지 ?시간|현지시각|KST|한국 ?시간)\)|\b(?:posted|updated|published|on|in|since|of|dated)\b|"
    r"\b\d{1,2}:\d{2}(?::\d{2})?\s*(?:a\.?m\.?|p\.?m\.?)?|\b(?:a\.m\.|p\.m\.)|"
    r"(?:오전|오후|새벽|저녁|밤)\s*\d{1,2}\s*시(?:\s*\d{1,2}\s*분)?|(?:오전|오후)|[,()\[\]]",
    re.I,
)
_DIRECTION_WORDS = (
    (re.compile(r"^(?:지난|past|last|previous)\s*", re.I), PAST),
    (re.compile(r"^(?:오는|다가오는|next|coming|upcoming|this coming)\s*", re.I), FUTURE),
)
#: A sentence that looks ahead (for weekdays: guidelines v1.4).
LOOKAHEAD_RE = re.compile(
    r"\b(?:will|'ll|shall|is to|are to|is set to|are set to|plans? to|planning to|scheduled|expected to|"
    r"upcoming|next|coming|to be held|is due to|are due to)\b|예정|계획|방침|오는|다음 ?주|할 것|하기로",
    re.I,
)



@lru_cache(maxsize=256)
def looks_ahead(sentence: str) -> bool:
    """Whether a sentence speaks of the future (cached: the entities of a sentence share it)."""
    return bool(LOOKAHEAD_RE.search(sentence))


_RELATIVE: Dict[str, Tuple[str, int]] = {}
for _words, _value in (
    (("today", "오늘", "금일", "this day"), ("day", 0)),
    (("yesterday", "어제", "어제일"), ("day", -1)),
    (("tomorrow", "내일"), ("day", 1)),
    (("this year", "올해", "금년", "올", "이번 해", "현재"), ("year", 0)),
    (("last year", "지난해", "작년", "지난 해", "전년", "past year"), ("year", -1)),
    (("next year", "내년", "다음 해", "이듬해", "명년", "coming year"), ("year", 1)),
    (("this month", "이달", "이번 달", "이번달", "금월", "당월"), ("month", 0)),
    (("last month", "지난달", "지난 달", "전월", "past month"), ("month", -1)),
    (("next month", "다음 달", "다음달", "내달", "coming month"), ("month", 1)),
    (("this week", "이번 주", "이번주", "금주"), ("week", 0)),
    (("last week", "지난주", "지난 주", "past week"), ("week", -1)),
    (("next week", "다음 주", "다음주", "내주", "coming week"), ("week", 1)),
):
    for _w in _words:
        _RELATIVE[_w] = _value
_RELATIVE_LONGEST_FIRST = sorted(_RELATIVE.items(), key=lambda kv: -len(kv[0]))
#: Relative words that a direction word must not be split from (지난해 is not 지난 + 해).
_RELATIVE_PREFIXES = tuple(w for w in _RELATIVE if not w.isascii() or " " in w)
_ANAPHORS = {"이날": 0, "당일": 0, "the same day": 0, "same day": 0, "that day": 0, "that same day": 0,
             "전날": -1, "the previous day": -1, "the day before": -1, "previous day": -1, "그 전날": -1,
             "다음날": 1, "다음 날": 1, "이튿날": 1, "the next day": 1, "the following day": 1}
#: Anaphors that fall back to the publication day when no earlier date is known.
_PUB_DAY_ANAPHORS = {"이날", "당일", "that day"}

_PATTERNS = [
    # ISO / dotted / slashed numbers: 2018-11-26, 2024.7.30, 2024. 7. 30., 24.7.30, 2018/11/26
    re.compile(r"^(?P<year>\d{4}|\d{2})\s*[-./]\s*(?P<month>\d{1,2})\s*[-./]\s*(?P<day>\d{1,2})\.?$"),
    re.compile(r"^(?P<year>\d{4})\s*[-./]\s*(?P<month>\d{1,2})\.?$"),
    # US numeric 11/26/2018
    re.compile(r"^(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4})$"),
    # Korean / Hanzi: 2024년 7월 30일, 7월 30일, 30일, 2024年7月30日, 7月, 2024년
    re.compile(r"^(?:(?P<year>\d{4}|\d{2})\s*[년年]\s*)?(?:(?P<month>\d{1,2})\s*[월月]\s*)?"
               r"(?:(?P<day>\d{1,2})\s*[일日号號])?(?:\s*\(?(?P<kwd>[월화수목금토일])\)?)?$"),
    # Korean weekday: 월요일, (월)
    re.compile(r"^(?P<kwd>[월화수목금토일])\s*요일$"),
    # English: Nov. 26, 2018 / November 26th / Nov 26 / Nov. 2018 / June
    re.compile(r"^(?:" + _WEEKDAY_RE + r"\s+)?" + _MONTH_RE + r"(?:\s+(?P<day>\d{1,2})" + _ORD + r")?"
               r"(?:\s+(?P<year>\d{4}|'\d{2}))?$", re.I),
    # English: 26 November 2018 / 26th of November
    re.compile(r"^(?:" + _WEEKDAY_RE + r"\s+)?(?:the\s+)?(?P<day>\d{1,2})" + _ORD + r"(?:\s+of)?\s+" + _MONTH_RE +
               r"(?:\s+(?P<year>\d{4}))?$", re.I),
    # English: the 21st
    re.compile(r"^(?:the\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)$", re.I),
    # English weekday / year
    re.compile(r"^" + _WEEKDAY_RE + r"$", re.I),
    re.compile(r"^(?:the\s+year\s+)?(?P<year>\d{4})$", re.I),
]


@dataclass(frozen=True)
class DateParts:
    """What a date expression states."""

    year: Optional[int] = None
    month: Optional[int] = None
    day: Optional[int] = None
    weekday: Optional[int] = None
    relative: Optional[Tuple[str, int]] = None  # ("day"|"week"|"month"|"year", offset)
    year_offset: Optional[int] = None  # 지난해 7월: year relative to publication
    direction: Optional[str] = None  # PAST / FUTURE from the expression itself
    bare_number: Optional[int] = None  # "28" in "28~29일": a number whose unit comes from the other end

    @property
    def empty(self) -> bool:
        return self == DateParts()


def _clean(text: str) -> str:
    text = _NOISE_RE.sub(" ", text)
    text = text.replace("\u00a0", " ").strip(" .·")
    return re.sub(r"\s+", " ", text)


def parse_parts(text: str) -> Optional[DateParts]:
    """The parts one (non-range) date expression states, or ``None`` if it is not understood."""
    text = _clean(text)
    lowered = text.lower()
    direction = None
    if lowered in _RELATIVE:
        return DateParts(relative=_RELATIVE[lowered])
    if not lowered.startswith(_RELATIVE_PREFIXES):
        for pattern, value in _DIRECTION_WORDS:
            m = pattern.match(lowered)
            if m and lowered[m.end():]:
                direction, lowered, text = value, lowered[m.end():], text[m.end():]
                break
    # 지난해 7월, 올해 3월, 내년 1월, 다음 주 월요일, 지난주 금요일
    for word, (unit, offset) in _RELATIVE_LONGEST_FIRST:
        if lowered.startswith(word + " ") or (lowered.startswith(word) and not word.isascii()
                                               and len(lowered) > len(word) and not lowered[len(word)].isalpha()
                                               or lowered.startswith(word) and word.endswith("주") and len(lowered) > len(word)):
            rest = parse_parts(text[len(word):])
            if rest is None or rest.year is not None:
                return None
            if unit == "year" and rest.month is not None:
                return replace(rest, year_offset=offset, direction=direction)
            if unit == "week" and rest.weekday is not None and rest.month is None and rest.day is None:
                return replace(rest, relative=("week", offset), direction=direction)
            return None
    if re.fullmatch(r"\d{1,2}", lowered):
        return DateParts(bare_number=int(lowered), direction=direction)
    for pattern in _PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        g = m.groupdict()
        if not any(g.get(k) for k in ("year", "month", "day", "mname", "wname", "kwd")):
            continue
        year = g.get("year")
        if year:
            year = int(year.lstrip("'"))
            year = year + 2000 if year < 100 else year
        month = int(g["month"]) if g.get("month") else (MONTHS[g["mname"].lower()] if g.get("mname") else None)
        day = int(g["day"]) if g.get("day") else None
        weekday = None
        if g.get("wname"):
            weekday = WEEKDAYS_EN[g["wname"].lower()]
        elif g.get("kwd") and ("요일" in text or "(" in text or month or day):
            weekday = WEEKDAYS_KO[g["kwd"]]
        if month is not None and not 1 <= month <= 12 or day is not None and not 1 <= day <= 31:
            return None
        return DateParts(year=year, month=month, day=day, weekday=weekday, direction=direction)
    return None


def _valid(y: int, m: int, d: int) -> Optional[date]:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _add_months(y: int, m: int, offset: int) -> Tuple[int, int]:
    k = y * 12 + (m - 1) + offset
    return k // 12, k % 12 + 1


def _pick(candidates, pub: date, direction: Optional[str], key) -> Optional[object]:
    """The candidate closest to ``pub`` (ties to the past), or the latest on/before / earliest
    on/after it when ``direction`` says so. ``key(c)`` gives the candidate's comparison date(s)."""
    best = None
    for c in candidates:
        first, last = key(c)
        if direction == PAST and first > pub:
            continue
        if direction == FUTURE and last < pub:
            continue
        dist = 0 if first <= pub <= last else min(abs((first - pub).days), abs((last - pub).days))
        rank = (dist, 0 if last <= pub else 1)
        if best is None or rank < best[0]:
            best = (rank, c)
    return best[1] if best else None


def _month_span(y: int, m: int) -> Tuple[date, date]:
    return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])


def resolve(parts: DateParts, pub: Optional[date], lookahead: bool = False) -> Optional[Tuple[str, date, date]]:
    """``(precision, first day, last day)`` of ``parts`` anchored on ``pub``; ``None`` if it
    cannot be pinned down (a relative expression without a publication date)."""
    if parts.relative is not None and parts.weekday is None:
        unit, offset = parts.relative
        if pub is None:
            return None
        if unit == "day":
            d = pub + timedelta(days=offset)
            return "day", d, d
        if unit == "week":
            monday = pub - timedelta(days=pub.weekday()) + timedelta(weeks=offset)
            return "week", monday, monday + timedelta(days=6)
        if unit == "month":
            y, m = _add_months(pub.year, pub.month, offset)
            return ("month",) + _month_span(y, m)
        return "year", date(pub.year + offset, 1, 1), date(pub.year + offset, 12, 31)
    if parts.year is not None or parts.year_offset is not None:
        if parts.year is not None:
            y = parts.year
        elif pub is not None:
            y = pub.year + parts.year_offset
        else:
            return None
        if parts.month is None:
            return "year", date(y, 1, 1), date(y, 12, 31)
        if parts.day is None:
            return ("month",) + _month_span(y, parts.month)
        d = _valid(y, parts.month, parts.day)
        return ("day", d, d) if d else None
    if pub is None:
        return None
    if parts.month is not None:
        if parts.day is None:
            c = _pick(range(pub.year - 1, pub.year + 2), pub, parts.direction, lambda y: _month_span(y, parts.month))
            return ("month",) + _month_span(c, parts.month) if c else None
        days = [d for d in (_valid(y, parts.month, parts.day) for y in range(pub.year - 1, pub.year + 2)) if d]
        d = _pick(days, pub, parts.direction, lambda d: (d, d))
        return ("day", d, d) if d else None
    if parts.day is not None:
        days = [d for d in (_valid(*_add_months(pub.year, pub.month, k), parts.day) for k in (-1, 0, 1)) if d]
        d = _pick(days, pub, parts.direction, lambda d: (d, d))
        return ("day", d, d) if d else None
    if parts.weekday is not None:
        if parts.relative is not None:  # 지난주 금요일: that weekday of that week
            monday = pub - timedelta(days=pub.weekday()) + timedelta(weeks=parts.relative[1])
            d = monday + timedelta(days=parts.weekday)
            return "day", d, d
        delta = (pub.weekday() - parts.weekday) % 7
        if parts.direction == PAST:
            d = pub - timedelta(days=delta or 7)
        elif parts.direction == FUTURE:
            d = pub + timedelta(days=(parts.weekday - pub.weekday()) % 7 or 7)
        elif lookahead:
            d = pub + timedelta(days=(parts.weekday - pub.weekday()) % 7)
        else:
            d = pub - timedelta(days=delta)
        return "day", d, d
    return None


def _iso(precision: str, first: date, last: date) -> DateNorm:
    if precision == "day":
        return first.isoformat()
    if precision == "month":
        return first.isoformat()[:7]
    if precision == "year":
        return str(first.year)
    return {"start": first.isoformat(), "end": last.isoformat()}


_RANGE_RES = [
    re.compile(r"^(?:from\s+)?(?P<a>.+?)\s*(?:[-–—~∼〜]|\bto\b|\bthrough\b|\btill\b|\buntil\b)\s*(?P<b>.+)$", re.I),
    re.compile(r"^(?:between\s+)?(?P<a>.+?)\s+and\s+(?P<b>.+)$", re.I),
    re.compile(r"^(?P<a>.+?)\s*부터\s*(?P<b>.+?)\s*(?:까지)?$"),
]


def _merge_end(start: DateParts, end: DateParts) -> Tuple[DateParts, DateParts]:
    """Share units between the two ends of a range: ``28~29일``, ``Dec. 6-7``, ``7월 28일~8월 2일``."""
    if start.bare_number is not None:
        n = start.bare_number
        if end.day is not None:
            start = DateParts(year=end.year, month=end.month, day=n, direction=end.direction)
        elif end.month is not None:
            start = DateParts(year=end.year, month=n, direction=end.direction)
        else:
            return start, end
    if end.bare_number is not None:
        n = end.bare_number
        end = DateParts(year=start.year, month=start.month, day=n) if start.day is not None else \
            DateParts(year=start.year, month=n)
    if end.day is not None and end.month is None and start.month is not None:
        end = replace(end, month=start.month)
    if end.year is None and start.year is not None and end.month is not None:
        end = replace(end, year=start.year)
    if start.year is None and end.year is not None and start.month is not None:
        start = replace(start, year=end.year if (start.month, start.day or 1) <= (end.month, end.day or 1) else end.year - 1)
    if start.year_offset is not None and end.year is None and end.year_offset is None:
        end = replace(end, year_offset=start.year_offset)
    return start, end


def _parse_range(text: str) -> Optional[Tuple[DateParts, DateParts]]:
    cleaned = _clean(text)
    if re.fullmatch(r"\d{4}\s*[-./]\s*\d{1,2}(?:\s*[-./]\s*\d{1,2})?\.?", cleaned) or \
            re.fullmatch(r"\d{2}\.\d{1,2}\.\d{1,2}", cleaned):
        return None  # an ISO or dotted date, not a range
    for pattern in _RANGE_RES:
        m = pattern.match(cleaned)
        if not m:
            continue
        a, b = parse_parts(m.group("a")), parse_parts(m.group("b"))
        unit = re.search(r"[일日월月]$", m.group("b"))
        if a is None and unit and re.search(r"\d$", m.group("a")):  # 2019년 12월 6~7일
            a = parse_parts(m.group("a") + unit.group())
        if a is None or b is None or a.relative or b.relative:
            continue
        return _merge_end(a, b)
    return None


def _resolve_end(end: DateParts, first: Tuple[str, date, date], pub: Optional[date], lookahead: bool):
    """The end of a range: parts it lacks come from the resolved start, and it never precedes it."""
    if end.year is not None or end.year_offset is not None or end.relative is not None:
        return resolve(end, pub, lookahead)
    start = first[1]
    if end.month is not None:
        last = resolve(replace(end, year=start.year, direction=None), pub, lookahead)
        if last is not None and last[2] < start:
            last = resolve(replace(end, year=start.year + 1, direction=None), pub, lookahead)
        return last
    if end.day is not None:
        for k in (0, 1):
            y, m = _add_months(start.year, start.month, k)
            d = _valid(y, m, end.day)
            if d is not None and d >= start:
                return "day", d, d
        return None
    return resolve(end, pub, lookahead)


def _dateparser_fallback(text: str) -> DateNorm:
    """Any other English expression with an explicit four-digit year, read by ``dateparser``."""
    if not re.search(r"\b\d{4}\b", text) or re.search(r"[\uac00-\ud7a3]", text):
        return None
    import dateparser

    parsed = dateparser.parse(text, languages=["en"], settings={"STRICT_PARSING": True, "PREFER_DAY_OF_MONTH": "first"})
    return parsed.date().isoformat() if parsed else None


def normalize_date(
    text: str, pub_date: Union[None, str, date] = None, sentence: str = "", previous: Optional[date] = None,
) -> DateNorm:
    """ISO 8601 value of a DATE expression (guidelines v1.4).

    ``pub_date`` is the article's publication date (``YYYY-MM-DD``); ``sentence`` the sentence the
    expression is in (it decides whether a bare weekday looks back or ahead); ``previous`` the
    closest earlier day-precision date of the document, for anaphors (``이날``, ``the same day``).
    Returns ``None`` for what cannot be pinned down.
    """
    pub = date.fromisoformat(pub_date) if isinstance(pub_date, str) else pub_date
    key = _clean(text).lower()
    if key in _ANAPHORS:
        anchor = previous or (pub if key in _PUB_DAY_ANAPHORS else None)
        return (anchor + timedelta(days=_ANAPHORS[key])).isoformat() if anchor else None
    lookahead = looks_ahead(sentence or "")
    rng = _parse_range(text)
    if rng is not None:
        a, b = rng
        first, last = resolve(a, pub, lookahead), None
        if first is not None:
            last = _resolve_end(b, first, pub, lookahead)
        if first is None or last is None:
            return None
        if first[0] == last[0] == "day" or first[0] != last[0]:
            return {"start": first[1].isoformat(), "end": last[2].isoformat()}
        return {"start": _iso(first[0], first[1], first[2]), "end": _iso(last[0], last[1], last[2])}
    parts = parse_parts(text)
    if parts is None:
        return _dateparser_fallback(_clean(text))
    resolved = resolve(parts, pub, lookahead)
    return _iso(*resolved) if resolved else None


def dates_overlap(a: DateNorm, b: DateNorm) -> bool:
    """Whether two normalised values can be the same date: their days overlap, or one is unknown."""
    da, db = norm_days(a), norm_days(b)
    return da is None or db is None or (da[0] <= db[1] and db[0] <= da[1])


def norm_days(norm: DateNorm) -> Optional[Tuple[date, date]]:
    """The first and last day a normalised value covers (``None`` for ``None``)."""
    if norm is None:
        return None
    if isinstance(norm, dict):
        a, b = norm_days(norm["start"]), norm_days(norm["end"])
        return (a[0], b[1]) if a and b else None
    parts = [int(p) for p in norm.split("-")]
    if len(parts) == 3:
        d = date(*parts)
        return d, d
    if len(parts) == 2:
        return _month_span(*parts)
    return date(parts[0], 1, 1), date(parts[0], 12, 31)
