"""Amounts and dates as printed on Chinese certificates, turned into numbers and ISO dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_DIGITS = {
    "零": 0, "〇": 0, "○": 0, "O": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "貳": 2, "两": 2, "三": 3, "叁": 3,
    "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}
_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_NUMERAL_CHARS = "".join(_DIGITS) + "".join(_SMALL_UNITS) + "万萬亿億"
_NUMBER_RE = re.compile(rf"(?:\d[\d,，]*(?:\.\d+)?|[{_NUMERAL_CHARS}])+")
_CURRENCIES = {"美元": "USD", "港元": "HKD", "港币": "HKD", "欧元": "EUR", "日元": "JPY", "英镑": "GBP"}


@dataclass(frozen=True)
class Amount:
    value: float | None  # in units of the currency (yuan for RMB)
    currency: str  # CNY, USD, ...


def chinese_number(text: str) -> float | None:
    """A number written with Arabic digits, Chinese numerals or both: '壹佰万' 1e6, '100万' 1e6, '1.5亿' 1.5e8."""
    total = 0.0  # completed 万/亿 sections
    section = 0.0  # below 万
    number: float | None = None  # the pending digit group
    seen = False
    for token in re.findall(r"\d[\d,，]*(?:\.\d+)?|.", text):
        if token[0].isdigit():
            number = float(token.replace(",", "").replace("，", ""))
        elif token in _DIGITS:
            number = float(_DIGITS[token])
        elif token in _SMALL_UNITS:
            section += (1.0 if number is None else number) * _SMALL_UNITS[token]
            number = None
        elif token in "万萬":
            total += (section + (number or 0.0)) * 1e4
            section, number = 0.0, None
        elif token in "亿億":
            total = (total + section + (number or 0.0)) * 1e8
            section, number = 0.0, None
        else:
            continue
        seen = True
    if not seen:
        return None
    return total + section + (number or 0.0)


def parse_capital(text: str) -> Amount:
    """注册资本 as printed ('壹佰万元整', '伍拾万元', '100万元人民币', '500万美元') to an amount in its currency."""
    currency = next((code for word, code in _CURRENCIES.items() if word in text), "CNY")
    match = _NUMBER_RE.search(text)
    if not match:
        return Amount(None, currency)
    value = chinese_number(match.group(0))
    if value is None or value <= 0:
        return Amount(None, currency)
    return Amount(round(value, 2), currency)


# OCR reads a printed 0 as O and a 1 as I or l now and then; inside a date they can only be digits.
_D = r"[\dOoIl]"
_DATE_RE = re.compile(rf"({_D}{{4}})\s*[年\-/.]\s*({_D}{{1,2}})\s*[月\-/.]\s*({_D}{{1,2}})\s*日?")
_DIGIT_LOOKALIKES = str.maketrans("OoIl", "0011")
_CN_DATE_RE = re.compile(r"([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")


def parse_date(text: str) -> str | None:
    """The first date in the text as YYYY-MM-DD ('2015年06月18日', '2015-6-18', '二〇一五年六月十八日')."""
    found = _first_date(text)
    return found[0] if found else None


def _first_date(text: str) -> tuple[str, int, int] | None:
    """(iso, start, end) of the first valid date in the text."""
    for m in _DATE_RE.finditer(text):
        year, month, day = (int(g.translate(_DIGIT_LOOKALIKES)) for g in m.groups())
        iso = _iso(year, month, day)
        if iso:
            return iso, m.start(), m.end()
    for m in _CN_DATE_RE.finditer(text):
        year = int("".join(str(_DIGITS[c]) for c in m.group(1)))
        month, day = chinese_number(m.group(2)), chinese_number(m.group(3))
        iso = _iso(year, int(month or 0), int(day or 0))
        if iso:
            return iso, m.start(), m.end()
    return None


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def normalise_term(text: str) -> str:
    """营业期限 with its dates in ISO form: '2015年06月18日至长期' → '2015-06-18至长期'."""
    out, rest = [], text.strip()
    while (found := _first_date(rest)) is not None:
        iso, start, end = found
        out.append(rest[:start] + iso)
        rest = rest[end:]
    return re.sub(r"\s+", "", "".join(out) + rest)
