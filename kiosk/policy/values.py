"""Reading and showing the values conditions compare: amounts with 万/亿, percentages, dates, yes/no answers."""

from __future__ import annotations

import re
from datetime import date

from kiosk.yesno import yes_or_no

_NUMBER_RE = re.compile(r"^\s*([-+]?\d+(?:\.\d+)?)\s*(亿元|亿|万元|万|千元|元|%|％|人|岁|年|个月)?\s*$")
_SCALE = {"亿元": 1e8, "亿": 1e8, "万元": 1e4, "万": 1e4, "千元": 1e3, "个月": 1 / 12}


def parse_number(value: object) -> float:
    """A number from 3, "3%", "2000万元", "1.5亿", "6个月" (in years); ValueError when it is not one."""
    if isinstance(value, bool):
        raise ValueError(f"不是数字：{value}")
    if isinstance(value, int | float):
        return float(value)
    m = _NUMBER_RE.match(str(value).replace(",", "").replace("，", ""))
    if not m:
        raise ValueError(f"不是数字：{value}")
    return float(m.group(1)) * _SCALE.get(m.group(2) or "", 1.0)


def parse_date(value: object) -> date:
    """A date from a YAML date or 'YYYY-MM-DD' / 'YYYY年M月D日'; ValueError otherwise."""
    if isinstance(value, date):
        return value
    text = str(value).strip()
    m = re.match(r"^(\d{4})[-年/.](\d{1,2})[-月/.](\d{1,2})日?$", text)
    if not m:
        raise ValueError(f"不是日期：{value}")
    return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def parse_bool(value: object) -> bool:
    """A yes/no answer from True/False or the ways a visitor says it (是/否/有/没有)."""
    if isinstance(value, bool):
        return value
    answer = yes_or_no(str(value))
    if answer is None:
        raise ValueError(f"不是“是”或“否”：{value}")
    return answer


def years_between(start: date, end: date) -> float:
    return (end - start).days / 365.25


def show(value: float, unit: str) -> str:
    """A value as a visitor reads it: 2000万元, 3.5%, 12人."""
    if unit == "元":
        if abs(value) >= 1e8:
            return f"{_trim(value / 1e8)}亿元"
        if abs(value) >= 1e4:
            return f"{_trim(value / 1e4)}万元"
        return f"{_trim(value)}元"
    if unit == "%":
        return f"{_trim(value)}%"
    if unit == "年" and value < 1:
        return f"{round(value * 12)}个月"
    if unit == "年" and value < 100:  # an age in years, not a calendar year
        return f"{value:.1f}".removesuffix(".0") + "年"
    return f"{_trim(value)}{unit}"


def _trim(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))
