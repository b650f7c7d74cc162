"""Dates read from the articles themselves, for collections whose metadata has none.

A folder of scraped ``.txt`` articles carries no metadata, yet a news article almost always says
when it was written: a dateline or publication stamp in the page's header or footer ("Thứ Hai,
12/11/2024 14:30 (GMT+7)", "12/11/2024 - 08:15", "Cập nhật: 12-11-2024", "Nov 12, 2024"), and a
lead that names the day of the event ("Sáng 12/11, ...", "Ngày 12/11/2024, ..."). The story
stage's time window (:func:`mekong.stories`, :func:`mekong.story_neighbours`) only needs the
day to within a few days, so either serves.

:func:`publication_date` reads one article; :func:`text_dates` reads a collection and also dates
the articles that give a day and month but no year. The rules, in order:

1. *stamp*: a full date (with its year) on a line that looks like a publication stamp: a weekday
   ("Thứ Hai", "Chủ nhật", "Monday"), a clock time ("14:30"), a time zone ("GMT+7"), a word
   such as "Cập nhật", "Đăng", "Published", "Update(d)", or nothing else on the line (also the
   English sites' "Update: October, 05/2026 - 20:15"). The first
   stamp of the article wins (the header comes before related-article lists in the footer).
   A site's own clock ("Hôm nay: Thứ Hai, 30/11/2026", "Today: ...") is the day the page was
   read, not a stamp, and is not read at all; so is a full date in a header bar, a line (of at most
   200 characters) of "|" cells that also holds a temperature ("Hà Nội 24°C", "31℃") or account and
   contact links ("Đăng nhập", "Đăng ký", "Liên hệ", "Hotline", "Login", "Sign up"). A stamp line
   with "|" cells and neither ("Thời sự | Thứ Ba, 12/11/2024 - 08:15") stays a stamp.
2. else the first date in the article's first ``HEAD_CHARS`` characters (the headline and lead)
   that is not a deadline or a plan: the lead of a news story names its day, while later dates are
   often deadlines and forecasts ("hoàn thành trước 30/6/2027", "rét đến hết ngày 2/1") or other
   articles' headlines in the footer, and a date after "trước", "hết", "chậm nhất", "hạn (chót)",
   "dự kiến", "until", "before", "by" is one even in the lead ("điểm chuẩn công bố trước ngày 1/7"
   dated an article of 25/6 six days late). It is *full* when it has its year ("Ngày 12/11/2024,
   ...", "ngày 12 tháng 11 năm 2024"); *day-month* when it is a day and month given with a time
   word ("sáng 8/5", "ngày 8/5", "hôm nay (05/7)", "8 tháng 5", "chiều 21.5" as several papers
   write it, "phiên 12/1" of a trading session, the news agency's dateline "(TTXVN 15/9)"; not "tới
   7-10 ngày", a range): its year is then taken from the article's own full dates (the year that
   puts it closest to the first), else from the collection: the year that puts it within
   ``NEAR_DAYS`` (2) of another article's date (the other versions of its event, dated by a stamp,
   a full date or a day and month whose year their own text gives), else the year closest to the
   median of the dates found in the other articles (of the median's year and the years before and
   after it, among those that do not put the day more than ``FUTURE_DAYS`` (2) after
   ``reference``, the day the collection is read: a collection of late December read on 24
   December puts "sáng 5/1" in the January just past, not the next; the closest of the three when
   every one does); else from ``reference`` (the most recent such day on or before it; by default
   today). Without any year in the whole collection, two articles'
   days are then right relative to each other unless they lie on both sides of ``reference``'s day
   a year earlier, or more than a year apart.
3. else none: the article gets no date, and the time window does not constrain it (the stories
   stage's documented fallback for unknown dates).

Numbers are read day first (Vietnamese order: 12/11/2024 is 12 November); a date whose second
number cannot be a month (11/25/2024) is read month first. Two-digit years are 2000-2069 and
1970-1999. Dates that do not exist (31/02/2024, 00/05/2024) or lie outside 1970-2100 are
rejected. Relative words ("hôm qua", "yesterday") are not used: they only move a day already known
by one or two, less than the window.

Only the first ``HEAD_CHARS`` and the last ``TAIL_CHARS`` characters of an article are read, so
the work per article is bounded whatever its length (a 100 MB file or a run of a million digits
costs the same as a news article), and every pattern is a bounded regular expression without
nested repetition (linear in the characters read).
"""

from __future__ import annotations

import datetime as _dt
import re
from bisect import bisect_left
from dataclasses import dataclass
from statistics import median_low

#: Characters read at the start of an article (header, headline, lead) and at its end (footer).
HEAD_CHARS = 4000
TAIL_CHARS = 1500
#: Years accepted at all; anything outside is not a news date ("1/1/9999", ids, phone numbers).
MIN_YEAR, MAX_YEAR = 1970, 2100

_MONTHS = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))

# One scan for every form, each led by a digit (so the scan skips text between numbers):
#   ISO and URL paths "2024-11-12", "/2026/02/10/"; numbers "12/11/2024", "12-11-24", "12.11.2024",
#   "12 - 11 - 2024", "12/11"; Vietnamese "12 tháng 11 năm 2024", "12 tháng 11"; English
#   "12 Nov 2024", "12th November, 2024", and "12, 2024" of "Nov 12, 2024" and "05/2026" of
#   "October, 05/2026" (an English site's stamp; the month word before them is checked by the
#   caller). Bounded repetitions only; no nested quantifiers.
_DATE = re.compile(
    r"(?:"
    r"(?P<y1>(?:19|20|21)[0-9]{2})(?P<s1>[-/.])(?P<m1>[0-9]{1,2})(?P=s1)(?P<d1>[0-9]{1,2})"
    r"|(?P<a>[0-9]{1,2}) ?(?P<s2>[-/.]) ?(?P<b>[0-9]{1,2})(?: ?(?P=s2) ?(?P<y2>[0-9]{4}|[0-9]{2}))?"
    r"|(?P<vd>[0-9]{1,2})\s{1,3}[tT][hH][áÁ][nN][gG]\s{1,3}(?P<vm>[0-9]{1,2})"
    r"(?:(?:\s{1,3}[nN][ăĂ][mM]|\s{0,2},)\s{1,3}(?P<vy>[0-9]{4}))?"
    r"|(?P<ed>[0-9]{1,2})(?:st|nd|rd|th)?(?:\s{1,3}(?P<emon>[A-Za-z]{3,9})\.?,?\s{1,3}|,?\s{1,3})(?P<ey>[0-9]{4})"
    r"|(?P<xd>[0-9]{1,2})/(?P<xy>(?:19|20|21)[0-9]{2})"
    r")(?![0-9]|[-/.][0-9])"
)
# A cheap scan for where _DATE may match (a superset of its starts): _DATE's alternatives are tried
# only there, which reads an article about four times faster than scanning with _DATE itself.
_CANDIDATE = re.compile(
    r"[0-9]{1,4}(?:(?: ?[-/.] ?[0-9]{1,2}){1,2}|\s{1,3}[tT][hH][áÁ][nN][gG]\s{1,3}[0-9]"
    r"|(?:st|nd|rd|th)?,?\s{1,3}(?:[A-Za-z]{3,9}\.?,?\s{1,3})?[0-9]{4})"
)
_MONTH_BEFORE = re.compile(rf"\b({_MONTH_RE})\.?,?\s{{1,3}}$", re.IGNORECASE)
# Words that make a line a publication stamp rather than a sentence.
_STAMP_WORDS = re.compile(
    r"thứ\s{1,3}(?:hai|ba|tư|năm|sáu|bảy|2|3|4|5|6|7)\b|chủ\s{1,3}nhật|\bcn\b|cập\s{1,3}nhật|ngày\s{1,3}đăng|"
    r"\bđăng\b|xuất\s{1,3}bản|\bgmt|\butc\b|\bict\b|[0-9]{1,2}:[0-9]{2}|\b(?:published|updated?|posted)\b|"
    r"\b(?:mon|tue|wed|thu|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?\b",
    re.IGNORECASE,
)
# Time words before a day and month that make "8/5" a date rather than a ratio or a score; also a
# trading session ("phiên 12/1") and the news agency's dateline ("Hà Nội (TTXVN 15/9) - ...").
_TIME_WORDS = r"ngày|sáng|trưa|chiều|tối|đêm|khuya|hôm|sớm|phiên"
_DAY_CUE = re.compile(
    rf"(?:{_TIME_WORDS}|rạng\s{{1,3}}sáng|ttxvn|nay|qua|mai|từ|đến|tới)\s{{0,2}}\(?\s{{0,2}}$",
    re.IGNORECASE,
)
# "8.5" with a dot is a day and month only after a time word itself ("sáng 8.5", "ngày 15.7": several
# Vietnamese papers write dates so, and Vietnamese writes decimals with a comma), not after "từ",
# "đến" or "nay", which also stand before quantities.
_DOT_DAY_CUE = re.compile(rf"\b(?:{_TIME_WORDS})\s{{0,2}}\(?\s{{0,2}}$", re.IGNORECASE)
# A unit after "7-10" makes it a range of a quantity ("kéo dài tới 7-10 ngày"), not a day and month.
_UNIT_AFTER = re.compile(r"\s{0,2}(?:ngày|tuần|tháng|giờ|phút|người|lần|km|%)", re.IGNORECASE)
# Words before a date that make it a deadline or a plan, not the day the article tells of
# ("công bố trước ngày 1/7", "nghỉ học đến hết ngày 19/11", "chậm nhất ngày 30/6", "by October 5").
_DEADLINE = re.compile(
    r"\b(?:trước|hết|chậm\s{1,3}nhất(?:\s{1,3}là)?|hạn\s{1,3}chót(?:\s{1,3}là)?|thời\s{1,3}hạn|hạn|"
    r"dự\s{1,3}kiến(?:\s{1,3}(?:vào|đến))?|until|before|by|deadline)\s{1,3}"
    r"(?:(?:ngày|hôm|sáng|trưa|chiều|tối|đêm)\s{1,3})?$",
    re.IGNORECASE,
)
# A site's own clock in its header ("Hôm nay: Thứ Hai, 30/11/2026 | Đăng nhập"): the day the page
# was read, not when the article was written. A label with a colon, unlike a lead's "Hôm nay (5/7)".
_SITE_CLOCK = re.compile(r"^(?:hôm\s{1,3}nay|today|bây\s{1,3}giờ|now)\s{0,3}(?:là\s{0,3})?:", re.IGNORECASE)
# A site's header bar: "|"-separated cells with the weather ("Hà Nội 24°C") or the account and contact
# links ("Đăng nhập", "Đăng ký", "Liên hệ", "Login", "Hotline"). A full date in such a bar is the day the
# page was read too, whatever its label.
_HEADER_BAR = re.compile(
    r"[0-9]\s{0,2}(?:[°º]\s{0,2}[CF]|℃|℉)|\bđăng\s{1,3}(?:nhập|ký|kí|xuất)\b|\bliên\s{1,3}hệ\b|\bhotline\b|"
    r"\blog\s{0,1}(?:in|out)\b|\bsign\s{0,1}(?:in|up)\b|\bregister\b|\bcontact\b",
    re.IGNORECASE,
)
#: Longest header bar: a line longer than this is body text, whatever words it holds.
_HEADER_LINE = 200
#: Longest stamp line: a sentence longer than this is body text even with a clock time in it.
_STAMP_LINE = 100


@dataclass(frozen=True)
class DateMention:
    """A date found in an article: ``date`` (None when the year is unknown), ``day`` and ``month``,
    ``kind`` ("stamp", "full" or "day-month"), the character offset ``start`` in the text, and
    ``deadline``: True when a word before it makes it a deadline or a plan ("trước ngày 1/7"),
    which the lead rule passes over."""

    date: _dt.date | None
    day: int
    month: int
    kind: str
    start: int
    deadline: bool = False


def _valid(year, month, day):
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    try:
        return _dt.date(year, month, day)
    except ValueError:  # 31/02, 29/02 of a common year
        return None


def _year(text):
    y = int(text)
    if len(text) == 2:
        y += 2000 if y < 70 else 1900
    return y


def _line_around(text, start, end):
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", end)
    return a, (len(text) if b < 0 else b)


def _is_site_clock(text, start, end, full=False):
    """A site's clock: a labelled "Hôm nay: ..." line, or (``full``: a date with its year) a header
    bar of "|" cells with a temperature or account/contact links."""
    a, b = _line_around(text, start, end)
    if b - a <= _STAMP_LINE and _SITE_CLOCK.match(text[a:start].strip()) is not None:
        return True
    if not full or b - a > _HEADER_LINE:
        return False
    line = text[a:b]
    return "|" in line and _HEADER_BAR.search(line) is not None


def _is_stamp(text, start, end):
    a, b = _line_around(text, start, end)
    line = text[a:b].strip()
    if len(line) > _STAMP_LINE:
        return False
    rest = (text[a:start] + " " + text[end:b]).strip(" \t\r|-–,:()[]")
    if len(rest) <= 3:  # the date alone on its line: a dateline
        return True
    return _STAMP_WORDS.search(rest) is not None


def _read(part, m, dayfirst):
    """(date or None, day, month) of a match of _DATE, or None when it is no date."""
    if m.group("y1"):
        d = _valid(int(m.group("y1")), int(m.group("m1")), int(m.group("d1")))
        return None if d is None else (d, d.day, d.month)
    if m.group("a"):
        a, b = int(m.group("a")), int(m.group("b"))
        day, month = (a, b) if dayfirst else (b, a)
        if month > 12 and day <= 12:  # 11/25/2024: the second number cannot be a month
            day, month = month, day
        if m.group("y2"):
            if m.group("s2") == "." and len(m.group("y2")) == 2:
                return None  # "1.12.34" is a number, not a date
            d = _valid(_year(m.group("y2")), month, day)
            return None if d is None else (d, day, month)
        return _day_month(part, m, day, month, dot=m.group("s2") == ".")
    if m.group("vd"):
        day, month = int(m.group("vd")), int(m.group("vm"))
        if m.group("vy"):
            d = _valid(int(m.group("vy")), month, day)
            return None if d is None else (d, day, month)
        return None if _valid(2000, month, day) is None else (None, day, month)  # 2000: a leap year
    if m.group("xd"):  # "October, 05/2026": only after a month word
        before = _MONTH_BEFORE.search(part, max(0, m.start() - 12), m.start())
        d = _valid(int(m.group("xy")), _MONTHS[before.group(1).lower()], int(m.group("xd"))) if before else None
        return None if d is None else (d, d.day, d.month)
    day, year = int(m.group("ed")), int(m.group("ey"))
    if m.group("emon"):
        month = _MONTHS.get(m.group("emon").lower())
    else:  # "Nov 12, 2024": the month is the word before
        before = _MONTH_BEFORE.search(part, max(0, m.start() - 12), m.start())
        month = _MONTHS[before.group(1).lower()] if before else None
    d = _valid(year, month, day) if month else None
    return None if d is None else (d, day, month)


def _day_month(part, m, day, month, dot=False):
    """A day and month without a year: a date only after a time word ("sáng 8/5", "sáng 8.5"), and
    not when a unit follows ("7-10 ngày")."""
    cue = _DOT_DAY_CUE if dot else _DAY_CUE
    if _valid(2000, month, day) is None or not cue.search(part, max(0, m.start() - 16), m.start()):
        return None
    if _UNIT_AFTER.match(part, m.end()):
        return None
    return None, day, month


def find_dates(text, *, dayfirst=True):
    """Every date mention in the first ``HEAD_CHARS`` and last ``TAIL_CHARS`` characters of
    ``text``, in order, as :class:`DateMention`. Full dates are "stamp" (on a publication-stamp
    line) or "full"; days and months without a year are "day-month", kept only after a time word
    ("sáng 8/5", "ngày 8/5", "hôm nay (05/7)") or as "8 tháng 5".

    >>> [(m.date.isoformat(), m.kind) for m in find_dates("Thứ Hai, 12/11/2024 14:30 (GMT+7)\\n\\nSáng 11/11, ...")
    ...  if m.date]
    [('2024-11-12', 'stamp')]
    >>> [(m.day, m.month, m.kind) for m in find_dates("Sáng 8/5, tỷ số 2/1.")]
    [(8, 5, 'day-month')]
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str; got {type(text).__name__}")
    parts = [(0, text[:HEAD_CHARS])]
    if len(text) > HEAD_CHARS:
        start = max(HEAD_CHARS, len(text) - TAIL_CHARS)
        parts.append((start, text[start:]))
    out = []
    for offset, part in parts:
        pos = 0
        while True:
            c = _CANDIDATE.search(part, pos)
            if c is None:
                break
            start = c.start()
            pos = start + 1  # a date may start inside a candidate that is none
            if start and "0" <= part[start - 1] <= "9":
                continue  # the tail of a longer number
            m = _DATE.match(part, start)
            got = None if m is None else _read(part, m, dayfirst)
            if got is None:
                continue
            pos = m.end()
            date, day, month = got
            if _is_site_clock(part, m.start(), m.end(), full=date is not None):
                continue
            if date is None:
                kind = "day-month"
            else:
                kind = "stamp" if _is_stamp(part, m.start(), m.end()) else "full"
            deadline = _DEADLINE.search(part, max(0, m.start() - 24), m.start()) is not None
            out.append(DateMention(date, day, month, kind, offset + m.start(), deadline))
    return out


def _closest(day, month, anchor):
    """The date of ``day``/``month`` nearest to ``anchor`` (the year before, of or after it)."""
    best = None
    for y in (anchor.year - 1, anchor.year, anchor.year + 1):
        d = _valid(y, month, day)
        if d is not None and (best is None or abs((d - anchor).days) < abs((best - anchor).days)):
            best = d
    return best


#: A day and month dated from the collection's median is not put more than this many days after the
#: reading day (``reference``): an article is not written in the future of the day it is read.
FUTURE_DAYS = 2


def _closest_not_after(day, month, anchor, bound):
    """The date of ``day``/``month`` nearest to ``anchor`` among the year before, of and after it
    that are not more than ``FUTURE_DAYS`` after ``bound``; :func:`_closest` when none is."""
    best = None
    for y in (anchor.year - 1, anchor.year, anchor.year + 1):
        d = _valid(y, month, day)
        if d is None or (d - bound).days > FUTURE_DAYS:
            continue
        if best is None or abs((d - anchor).days) < abs((best - anchor).days):
            best = d
    return best if best is not None else _closest(day, month, anchor)


def _latest_on_or_before(day, month, reference):
    for y in (reference.year, reference.year - 1, reference.year - 2, reference.year - 3, reference.year - 4):
        d = _valid(y, month, day)  # 29/02 needs a leap year: up to four years back
        if d is not None and d <= reference:
            return d
    return None


def _pick(mentions):
    """(date or None, kind, day-month mention or None) by the rules of the module docstring."""
    for m in mentions:
        if m.kind == "stamp":
            return m.date, "stamp", None
    for m in mentions:
        if m.start < HEAD_CHARS and not m.deadline:  # the lead's first day (not a deadline), with or without its year
            return (m.date, "full", None) if m.date is not None else (None, "day-month", m)
    return None, None, None


def publication_date(text, *, reference=None, dayfirst=True):
    """The day an article was published (or its event happened), read from its text, or None.

    Returns ``(date, how)``: ``how`` is "stamp", "full", "day-month" (the year from the article's
    own full dates, else the most recent such day on or before ``reference``, by default today)
    or None when the text names no day. See the module docstring for the rules;
    :func:`text_dates` dates a whole collection and takes the year of a day and month from the
    other articles.

    >>> import datetime
    >>> publication_date("Cập nhật: 12-11-2024 08:15\\nBão số 3 ...")
    (datetime.date(2024, 11, 12), 'stamp')
    >>> publication_date("Tin mới\\n\\nSáng 8/5, ...", reference=datetime.date(2026, 6, 1))
    (datetime.date(2026, 5, 8), 'day-month')
    """
    mentions = find_dates(text, dayfirst=dayfirst)
    date, how, partial = _pick(mentions)
    if partial is not None:
        date = _resolve(partial, mentions, None, reference)
    return date, how


#: A day and month without a year takes the year of a dated article of the collection this close to it
#: (in days), when there is one: the other outlets' versions of its event, published within a day or
#: two. Kept this small because a collection spanning years holds, near any day of the year, some
#: unrelated article of another year (a week let one in the bundled sample).
NEAR_DAYS = 2


def _near_dated(day, month, dated, years):
    """The date of ``day``/``month`` in one of ``years`` that lies within ``NEAR_DAYS`` of a date in
    ``dated`` (sorted ordinals), the nearest such; None when none is that close."""
    best, gap = None, NEAR_DAYS + 1
    for y in years:
        d = _valid(y, month, day)
        if d is None:
            continue
        o = d.toordinal()
        i = bisect_left(dated, o)
        for j in (i - 1, i):
            if 0 <= j < len(dated) and abs(dated[j] - o) < gap:
                best, gap = d, abs(dated[j] - o)
    return best


def _resolve(partial, mentions, corpus_anchor, reference, dated=()):
    own = [m.date for m in mentions if m.date is not None]
    if own:
        return _closest(partial.day, partial.month, own[0])
    ref = reference if reference is not None else _dt.date.today()
    if isinstance(ref, _dt.datetime):
        ref = ref.date()
    if corpus_anchor is None:
        return _latest_on_or_before(partial.day, partial.month, ref)
    # The median's year: the nearest to the median, but not one that puts the day in the future of
    # the reading day (a collection of late December read on 3 January: "sáng 2/1" is this January,
    # not next year's).
    median_year = _closest_not_after(partial.day, partial.month, corpus_anchor, ref)
    # (None for 29/2 when none of the three years is a leap year: no year near the median.)
    if dated and median_year is not None:
        # A collection spanning the turn of a year: the dated articles of the same days (other
        # versions of its event) say which year it is, where the median alone put some a year off.
        # The median's year unless only another year has a dated article this close.
        y = corpus_anchor.year
        if _near_dated(partial.day, partial.month, dated, (median_year.year,)) is None:
            near = _near_dated(partial.day, partial.month, dated, (y - 1, y, y + 1))
            if near is not None:
                return near
    return median_year


def text_dates(texts, *, reference=None, dayfirst=True):
    """Each article's date read from its text (see :func:`publication_date`), for a collection.

    A day and month without a year ("sáng 8/5") takes its year from the article's own full dates,
    else from the collection: the year that puts it within ``NEAR_DAYS`` of another article's date,
    else the year that puts it nearest the median of the full dates found in the other articles
    but not more than ``FUTURE_DAYS`` after ``reference`` (when one of the median's year and the
    years either side does not);
    else the most recent such day on or before ``reference`` (a date, the day the collection is
    read; by default today).

    Returns ``(dates, how)``: two lists with one entry per text, ``datetime.date`` or None, and
    "stamp", "full", "day-month" or None (see the module docstring).

    >>> dates, how = text_dates(["Thứ Ba, 12/11/2024 - 08:15\\nBão ...", "Sáng 13/11, bão ...", "Không có ngày"])
    >>> [d and d.isoformat() for d in dates], how
    (['2024-11-12', '2024-11-13', None], ['stamp', 'day-month', None])
    """
    return _text_dates(texts, reference=reference, dayfirst=dayfirst)


def _text_dates(texts, *, reference=None, dayfirst=True, known=()):
    """text_dates, with ``known`` dates (from metadata) counted in the collection's median."""
    if isinstance(texts, str):
        raise TypeError("texts must be a list of strings, not one string")
    picks = []
    full = [d.toordinal() for d in known if d is not None]
    for text in texts:
        mentions = find_dates(text, dayfirst=dayfirst)
        date, how, partial = _pick(mentions)
        picks.append((date, how, partial, mentions))
        if date is not None:
            full.append(date.toordinal())
    anchor = _dt.date.fromordinal(median_low(full)) if full else None
    # Days and months whose year the article itself gives ("Sáng 20/8, ... ngày 20/8/2026") date
    # the collection's days as surely as full dates do.
    dated = sorted(
        full
        + [
            _resolve(partial, mentions, None, reference).toordinal()
            for _, _, partial, mentions in picks
            if partial is not None and any(m.date is not None for m in mentions)
        ]
    )
    dates, hows = [], []
    for date, how, partial, mentions in picks:
        if partial is not None:
            date = _resolve(partial, mentions, anchor, reference, dated)
        dates.append(date)
        hows.append(how if date is not None else None)
    return dates, hows


__all__ = ["DateMention", "find_dates", "publication_date", "text_dates"]
