"""When a document applies: its effective date, its expiry date and its application windows.

Read from the document's own words where it states them — “自2025年3月1日起施行”, “有效期至2026年12月31日”,
“自印发之日起施行，有效期5年”, a page header “失效日期：2024年10月15日”, “申报时间：2025年10月10日至11月10日”,
“每年4月1日至4月30日申报” — with dates in Arabic or Chinese numerals (二〇二五年三月一日). Front matter overrides
what the text says. Pure functions over text and dates: no store, no I/O.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Protocol

_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN = "〇零○Ｏ一二两三四五六七八九十"
_NUM = rf"[0-9０-９]+|[{_CN}]+"
# a full date: 2025年3月1日, 2025-03-01, 2025.3.1, 2025/3/1, 二〇二五年三月一日
DATE = rf"(?:(?:{_NUM})年(?:{_NUM})月(?:{_NUM})[日号]|\d{{4}}[-./]\d{{1,2}}[-./]\d{{1,2}})"
_DATE_RE = re.compile(rf"(?P<y>{_NUM})年(?P<m>{_NUM})月(?P<d>{_NUM})[日号]|(?P<y2>\d{{4}})[-./](?P<m2>\d{{1,2}})[-./](?P<d2>\d{{1,2}})")
_YEAR_END = rf"(?P<ye>\d{{4}}|[{_CN}]{{4}})年(?:底|末|12月底)"
# the date a document was issued: a labelled header, or the signature line under a notice (written out in
# 年月日; a bare 2025-07-05 line is a web page's posting date)
_ISSUED_RE = re.compile(rf"(?:成文日期|印发日期|发文日期|发布日期)[：:]\s*({DATE})|^\s*((?:{_NUM})年(?:{_NUM})月(?:{_NUM})日)\s*$",
                        re.M)
_EFFECTIVE_LABEL_RE = re.compile(rf"(?:实施日期|施行日期|生效日期)[：:]\s*({DATE})")
_EXPIRY_LABEL_RE = re.compile(rf"(?:失效日期|废止日期|截止日期)[：:]\s*({DATE})")
_STARTS_RE = re.compile(rf"自({DATE}|(?:印发|发布|公布|颁布|发文)之日)起(?:施行|实施|执行|生效)")
_UNTIL_RE = re.compile(rf"有效期(?:调整)?至({DATE}|{_YEAR_END})")
_PERIOD_RE = re.compile(rf"(?:有效期|施行期|实施期|执行期)(?:暂定)?为?(?P<n>{_NUM})(?P<unit>年|个月)")
_WINDOW_RE = re.compile(
    rf"(?:申报|申请|申领|受理|报名)(?:时间|期限|日期)[是为：:\s]*(?:[^。；\n]{{0,12}}?)?(?P<a>{DATE})(?:\d{{1,2}}[时点](?:\d{{1,2}}分)?)?"
    rf"\s*(?:至|到|—|－|-|~|～)\s*(?P<b>{DATE}|(?:{_NUM})月(?:{_NUM})[日号])")
_ANNUAL_RE = re.compile(
    rf"每年(?P<m1>{_NUM})月(?:(?P<d1>{_NUM})[日号]\s*(?:至|到|—|－|-|~|～)\s*(?:(?P<m2>{_NUM})月)?(?P<d2>{_NUM})[日号])?")
_SELF_RE = re.compile(r"本(?:[^\s，。；]{0,8}?)(?:办法|规定|通知|意见|政策|细则|公告|通告|措施|条例|决定|方案|法|规则)")
_APPLY_WORDS = ("申报", "申请", "申领", "受理", "报名")


def cn_number(text: str) -> int | None:
    """An integer written in Arabic digits, Chinese digit by digit (二〇二五) or in Chinese words (三十一)."""
    text = text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _CN_DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        value = 0
        for ch in text:
            value = value * 10 + _CN_DIGITS[ch]
        return value
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def parse_date(text: str, default_year: int | None = None) -> date | None:
    """The first date in ``text`` (“2025年3月1日”, “二〇二五年三月一日”, “2025-03-01”, “2020年底”), or None.

    With ``default_year`` a date without its year (“11月10日”) is read in that year."""
    m = _DATE_RE.search(text)
    if m:
        y, mo, d = (m.group("y"), m.group("m"), m.group("d")) if m.group("y") else (m.group("y2"), m.group("m2"),
                                                                                  m.group("d2"))
        return _make(cn_number(y), cn_number(mo), cn_number(d))
    m = re.search(_YEAR_END, text)
    if m and (year := cn_number(m.group("ye"))):
        return date(year, 12, 31)
    m = re.search(rf"({_NUM})月({_NUM})[日号]", text)
    if m and default_year:
        return _make(default_year, cn_number(m.group(1)), cn_number(m.group(2)))
    return None


def _make(year: int | None, month: int | None, day: int | None) -> date | None:
    try:
        return date(year, month, day) if year and month and day else None
    except ValueError:
        return None


def add_period(start: date, amount: int, unit: str) -> date:
    """The last day of a period of ``amount`` years or months starting on ``start`` (五年 from 2019-10-16 ends
    2024-10-15)."""
    months = amount * 12 if unit == "年" else amount
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day) - timedelta(days=1)


@dataclass(frozen=True)
class Window:
    """When applications are taken. ``annual`` windows repeat every year (only month and day count)."""

    start: date
    end: date
    annual: bool = False

    def encode(self) -> str:
        return f"{'每年' if self.annual else ''}{self.start.isoformat()}~{self.end.isoformat()}"

    @classmethod
    def decode(cls, text: str) -> Window | None:
        annual = text.startswith("每年")
        start, _, end = text.removeprefix("每年").partition("~")
        try:
            return cls(date.fromisoformat(start), date.fromisoformat(end), annual)
        except ValueError:
            return None

    def bounds(self, today: date) -> tuple[date, date]:
        """This window's dates around ``today``: an annual window is this year's, or next year's once it is over."""
        if not self.annual:
            return self.start, self.end
        for year in (today.year, today.year + 1):
            start, end = _in_year(self.start, year), _in_year(self.end, year)
            if end < start:
                end = _in_year(self.end, year + 1)
            if end >= today:
                return start, end
        return _in_year(self.start, today.year + 1), _in_year(self.end, today.year + 1)

    def is_open(self, today: date) -> bool:
        start, end = self.bounds(today)
        return start <= today <= end

    def describe(self) -> str:
        if self.annual:
            return f"每年{self.start.month}月{self.start.day}日至{self.end.month}月{self.end.day}日"
        return f"{cn_date(self.start)}至{cn_date(self.end)}"


def _in_year(day: date, year: int) -> date:
    return date(year, day.month, min(day.day, calendar.monthrange(year, day.month)[1]))


@dataclass(frozen=True)
class Stated:
    """The document's own words a date was read from, and the date as written there (“2026年12月31日”,
    “二〇二五年三月一日”, “2025年底”). A date that ends a period (“自2023年9月8日起施行，有效期3年”) keeps the
    period's start and length as written instead, since the date itself is written nowhere."""

    words: tuple[str, ...]
    written: str = ""
    start: str = ""
    period: str = ""


@dataclass(frozen=True)
class Validity:
    """When a document applies; ``effective_from`` and ``expires_from`` say where the text states it (they are
    provenance, not part of the validity, so two texts stating the same dates are equal)."""

    effective: date | None = None
    expires: date | None = None
    windows: tuple[Window, ...] = ()
    effective_from: Stated | None = field(default=None, compare=False)
    expires_from: Stated | None = field(default=None, compare=False)


def parse_validity(text: str) -> Validity:
    """Effective date, expiry date and application windows as the text states them, with the words each date
    was read from.

    Only sentences about the document itself count (“本办法自…起施行，有效期5年”), so a licence's or a
    card's own validity period (“电子居住证有效期为一年”) is not mistaken for the policy's."""
    own = [s.strip() for s in re.split(r"[。\n]", text) if _SELF_RE.search(s) or _STARTS_RE.search(s)]
    effective, effective_from = _labelled(_EFFECTIVE_LABEL_RE, text)
    starts = [(s, m) for s in own for m in _STARTS_RE.finditer(s)]
    if starts and effective is None:
        sentence, m = starts[0]
        if stated := parse_date(m.group(1)):
            effective, effective_from = stated, Stated((sentence,), m.group(1))
        else:  # “自印发之日起施行”: the day it was issued
            effective, issued = _labelled(_ISSUED_RE, text)
            effective_from = Stated((sentence, *issued.words), issued.written) if issued else None
    expires, expires_from = _labelled(_EXPIRY_LABEL_RE, text)
    for sentence in own:
        if expires is None and (m := _UNTIL_RE.search(sentence)):
            expires = parse_date(m.group(1))
            expires_from = Stated((sentence,), m.group(1)) if expires else None
        if expires is None and effective and (m := _PERIOD_RE.search(sentence)) and (n := cn_number(m.group("n"))):
            expires = add_period(effective, n, m.group("unit"))
            words = tuple(dict.fromkeys([*(effective_from.words if effective_from else ()), sentence]))
            expires_from = Stated(words, start=effective_from.written if effective_from else "",
                                  period=m.group("n") + m.group("unit"))
    return Validity(effective, expires, tuple(dict.fromkeys(parse_windows(text))), effective_from, expires_from)


def _labelled(pattern: re.Pattern[str], text: str) -> tuple[date | None, Stated | None]:
    """The first date ``pattern`` finds that is a real day, and the label or line it stands in."""
    for m in pattern.finditer(text):
        value = next((g for g in m.groups() if g), "")
        if day := parse_date(value):
            return day, Stated((re.sub(r"\s+", "", m.group(0)),), value)
    return None, None


def parse_windows(text: str) -> list[Window]:
    """Application windows: dated ones (“申报时间：2025年8月11日至8月22日”) and yearly ones stated in a sentence
    about applying (“每年4月1日至4月30日在亲清在线申报”, “每年6月……组织申报”)."""
    windows: list[Window] = []
    for m in _WINDOW_RE.finditer(text):
        start = parse_date(m.group("a"))
        end = parse_date(m.group("b"), start.year if start else None)
        if start and end and end >= start:
            windows.append(Window(start, end))
    for sentence in re.split(r"[。；;\n]", text):
        if not any(w in sentence for w in _APPLY_WORDS):
            continue
        for m in _ANNUAL_RE.finditer(sentence):
            month1 = cn_number(m.group("m1"))
            if not month1 or not 1 <= month1 <= 12:
                continue
            if not m.group("d1") and re.match(rf"(?:{_NUM})[日号]", sentence[m.end():]):
                continue  # “每年3月31日前” is a deadline, not a month-long window
            if m.group("d1"):
                month2 = cn_number(m.group("m2")) if m.group("m2") else month1
                start, end = _make(2000, month1, cn_number(m.group("d1"))), _make(2000, month2, cn_number(m.group("d2")))
            else:  # a whole month
                start, end = date(2000, month1, 1), date(2000, month1, calendar.monthrange(2000, month1)[1])
            if start and end:
                windows.append(Window(start, end, annual=True))
    return windows


def parse_window(text: str) -> Window | None:
    """One window as written in front matter: “2025-04-01~2025-04-30”, “2025年4月1日至4月30日”,
    “每年4月1日至4月30日”."""
    if "~" in text and (window := Window.decode(text.strip())):
        return window
    found = parse_windows(f"申报时间：{text.strip()}")
    return found[0] if found else None


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


class Dated(Protocol):
    """What the notice needs of a document record (``kiosk.store.records.Document`` has these fields)."""

    effective: str
    expires: str


def as_date(value: str) -> date | None:
    """A stored YYYY-MM-DD date, or None when it is empty or malformed."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def expired_on(doc: Dated, today: date) -> date | None:
    """The day ``doc`` stopped being in force, when that is before ``today``."""
    expires = as_date(doc.expires)
    return expires if expires and expires < today else None


def pending_until(doc: Dated, today: date) -> date | None:
    """The day ``doc`` comes into force, when that is after ``today``."""
    effective = as_date(doc.effective)
    return effective if effective and effective > today else None


@dataclass(frozen=True)
class ValidityNote:
    """The sentence an answer from a document not in force starts with, and the document's own words it rests
    on (the clause an answer cites for it; "" when only the front matter says when the document applies)."""

    text: str
    clause: str = ""


def notice(doc: Dated, today: date, text: str = "") -> ValidityNote | None:
    """The note an answer from ``doc`` must start with on ``today``, or None when the document is in force.

    ``text`` is the document's own text: when it states the date the note rests on, the note says it in those
    words (a date it computes from a period is said as that period) and carries them as its clause, so every
    figure the note states is in what it cites."""
    expired, starts = expired_on(doc, today), pending_until(doc, today)
    if not (expired or starts):
        return None
    stated = parse_validity(text) if text else Validity()
    if expired:
        # a date the text does not state is the front matter's, which overrides the text
        said = stated.expires_from if stated.expires == expired else None
        if said and said.period and said.start:
            return ValidityNote(f"该政策自{said.start}起施行，有效期{said.period}，现已期满，以下内容仅供参考。",
                                _clause(said))
        return ValidityNote(f"该政策已于{_day(said, expired)}失效，以下内容仅供参考。", _clause(said))
    said = stated.effective_from if stated.effective == starts else None
    return ValidityNote(f"该政策自{_day(said, starts)}起施行，目前尚未生效，以下内容仅供参考。", _clause(said))


def _day(said: Stated | None, day: date) -> str:
    """The date as the document writes it, else as the kiosk writes dates."""
    return said.written if said and said.written else cn_date(day)


def _clause(said: Stated | None) -> str:
    return "\n".join(said.words) if said else ""


def expiring(doc: Dated, today: date, days: int = 30) -> bool:
    """Whether ``doc`` is in force today but stops within ``days`` days."""
    expires = as_date(doc.expires)
    return bool(expires and today <= expires <= today + timedelta(days=days))
