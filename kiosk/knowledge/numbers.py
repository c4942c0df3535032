"""Numbers as people say and laws print them, read as digits: 三十日 → 30日, 百分之七十 → 70%, 两万元 → 2万元,
二〇二五年 → 2025年, 一千二百元 → 1200元.

Used for matching only (retrieval, answer-type checks, answerability); answers keep the document's own wording.
"""

from __future__ import annotations

import re

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
_NUMERAL = "零〇一二两三四五六七八九十百千"
# a numeral counts only where a unit or a number word tells it is one ("一般", "统一", "十分" stay words)
_UNIT_AFTER = r"(?=[年月日天个周岁元万亿千百倍次人名家户套项%％条款章号份小时工作])"
_NUMBER_RE = re.compile(rf"(?<![第])([{_NUMERAL}]{{1,12}}(?:点[{_NUMERAL}]+)?){_UNIT_AFTER}")
_ORDINAL_RE = re.compile(rf"第([{_NUMERAL}]{{1,8}})(?=[条章节款项批年次届])")
_PERCENT_RE = re.compile(rf"百分之([{_NUMERAL}]{{1,6}}(?:点[{_NUMERAL}]+)?|\d+(?:\.\d+)?)")
_YEAR_RE = re.compile(r"([零〇一二三四五六七八九]{4})(?=年)")
_WAN_RE = re.compile(r"(\d+(?:\.\d+)?)万(?:元)")


def _integer(text: str) -> int | None:
    """一 … 九千九百九十九亿 as an integer; None when the characters are not a well-formed numeral."""
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _DIGITS:
            if digit is not None and digit != 0:
                return None  # two digits in a row ("三四") is a range or a year, not one number
            digit = _DIGITS[ch]
        elif ch in _SMALL_UNITS:
            section += (1 if digit is None else digit) * _SMALL_UNITS[ch]
            digit = None
        elif ch in _BIG_UNITS:
            section += digit or 0
            total = (total + section) * _BIG_UNITS[ch]
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def _value(text: str) -> str | None:
    whole, _, frac = text.partition("点")
    if whole.isdigit():
        number = int(whole)
    else:
        number = _integer(whole)
        if number is None:
            return None
    if frac:
        digits = "".join(str(_DIGITS[c]) for c in frac if c in _DIGITS)
        return f"{number}.{digits}" if digits else str(number)
    return str(number)


def arabic(text: str) -> str:
    """``text`` with Chinese numerals that state a quantity, a date or an ordinal written as digits."""
    text = _YEAR_RE.sub(lambda m: "".join(str(_DIGITS[c]) for c in m.group(1)), text)
    text = _PERCENT_RE.sub(lambda m: f"{_value(m.group(1)) or m.group(1)}%", text)
    text = _ORDINAL_RE.sub(lambda m: f"第{_value(m.group(1)) or m.group(1)}", text)
    text = _NUMBER_RE.sub(lambda m: _value(m.group(1)) or m.group(1), text)
    return text.replace("％", "%")


def amounts(text: str) -> set[str]:
    """Every amount of money in ``text`` in yuan, however written (2万元, 两万元, 20000元 → "20000")."""
    text = arabic(text).replace(",", "").replace("，", "，")
    out = {str(int(float(m.group(1)) * 10_000)) for m in _WAN_RE.finditer(text)}
    out.update(m.group(1) for m in re.finditer(r"(?<![\d.])(\d+)(?:\.0+)?元", text))
    return out
