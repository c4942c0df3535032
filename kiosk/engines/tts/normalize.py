"""Chinese text normalisation for speech: write out what a voice must say as characters it can read.

Policy answers are full of figures: amounts (2万元, 1,500元), percentages (3.5%), dates (2025年3月1日,
2025-03-01), document numbers (西政办〔2025〕12号), phone numbers (0898-12345678, 12345), article numbers
(第3条), ranges (3-5年) and acronyms (AI, APP). Each has its own Mandarin reading: years and phone numbers are
read digit by digit (phones with 幺 for 1), amounts as cardinals with 两 before a unit, and so on.
"""

from __future__ import annotations

import re

_DIGITS = "零一二三四五六七八九"
_SMALL_UNITS = ("", "十", "百", "千")
_BIG_UNITS = ("", "万", "亿", "万亿")
_LETTERS = {
    "A": "诶", "B": "必", "C": "西", "D": "迪", "E": "伊", "F": "艾弗", "G": "吉", "H": "艾尺", "I": "艾",
    "J": "杰", "K": "开", "L": "艾勒", "M": "艾姆", "N": "恩", "O": "欧", "P": "批", "Q": "扣", "R": "阿尔",
    "S": "艾斯", "T": "提", "U": "优", "V": "维", "W": "达不溜", "X": "艾克斯", "Y": "歪", "Z": "贼",
}
_SYMBOLS = {"≥": "大于等于", "≤": "小于等于", ">": "大于", "<": "小于", "×": "乘", "＋": "加", "+": "加", "~": "到",
            "～": "到", "℃": "摄氏度", "㎡": "平方米", "&": "和", "@": "艾特"}
# A number followed by one of these is a quantity, read as a cardinal (else long digit runs are codes).
_UNITS = "元万亿千百个家人次天年月日号条款项名岁级倍台辆套件户所期批类种部位份分秒小时周平方米公里吨度户"


def digits(text: str, phone: bool = False) -> str:
    """Digit by digit, as years and codes are read; phones say 幺 for 1 so it is not heard as 七."""
    out = "".join(_DIGITS[int(c)] for c in text if c.isdigit())
    return out.replace("一", "幺") if phone else out


def _four(n: int) -> str:
    """0 < n < 10000 as Chinese, with 零 for inner gaps."""
    out = ""
    zero = False
    for i, d in enumerate(f"{n:04d}"):
        d = int(d)
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[d] + _SMALL_UNITS[3 - i]
    return out


def cardinal(number: int, liang: bool = False) -> str:
    """12345 → 一万二千三百四十五; ``liang`` reads a leading 2 as 两 (两万元, 两千家)."""
    if number == 0:
        return "零"
    if number < 0:
        return "负" + cardinal(-number, liang)
    groups = []
    while number:
        groups.append(number % 10000)
        number //= 10000
    out = ""
    need_zero = False
    for idx in range(len(groups) - 1, -1, -1):
        g = groups[idx]
        if g == 0:
            need_zero = bool(out)
            continue
        if out and (need_zero or g < 1000):
            out += "零"
        out += _four(g) + _BIG_UNITS[idx]
        need_zero = False
    if out.startswith("一十"):
        out = out[1:]
    if liang and out.startswith("二") and not out.startswith("二十"):
        out = "两" + out[1:]
    return out


def decimal(text: str, liang: bool = False) -> str:
    text = text.replace(",", "").replace("，", "")
    whole, _, frac = text.partition(".")
    out = cardinal(int(whole or "0"), liang=liang and not frac)
    return out + ("点" + digits(frac) if frac else "")


def _date(m: re.Match) -> str:
    year, month, day = m.group("y"), m.group("m"), m.group("d")
    out = digits(year) + "年" + cardinal(int(month)) + "月"
    return out + (cardinal(int(day)) + "日" if day else "")


def _doc_number(m: re.Match) -> str:
    return f"{m.group('org')}{digits(m.group('year'))}年第{cardinal(int(m.group('no')))}号"


def _time(m: re.Match) -> str:
    hour, minute = int(m.group(1)), int(m.group(2))
    return cardinal(hour, liang=True) + "点" + (cardinal(minute) + "分" if minute else "")


def spell_letters(text: str) -> str:
    """Latin letters as a Chinese voice says them (A → 诶), for voices that cannot read the Latin alphabet."""
    return "".join(_LETTERS.get(c.upper(), c) if c.isascii() and c.isalpha() else c for c in text)


def _letters(m: re.Match) -> str:
    """A code such as window A07 keeps its letter and reads every digit (A零七); an acronym is spelt out."""
    if m.group("code"):
        return m.group("letters").upper() + digits(m.group("code"))
    return spell_letters(m.group("letters"))


def _number(m: re.Match) -> str:
    text, unit = m.group("num"), m.group("unit") or ""
    plain = text.replace(",", "")
    if not unit and "." not in plain and len(plain) >= 5:
        return digits(plain) + unit  # an uncounted long number is a code: 12345, a case number
    if plain.startswith("0") and len(plain) > 1 and "." not in plain:
        return digits(plain) + unit  # a leading zero is part of a code (07号窗口) and is said
    if unit.startswith(("年",)) and len(plain) == 4 and "." not in plain:
        return digits(plain) + unit
    return decimal(text, liang=bool(unit) and unit[0] in "万亿千百个家人次天年周项名倍台辆套件户所期批类种部位份吨元") + unit


_PATTERNS: list[tuple[re.Pattern, object]] = [
    (re.compile(r"(?P<org>[\u4e00-\u9fff]{1,8})[〔\[［(（](?P<year>\d{4})[〕\]］)）](?P<no>\d{1,4})号"), _doc_number),
    (re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*[日号])?"), _date),
    (re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"), _date),
    (re.compile(r"(?<!\d)(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)"), lambda m: digits("".join(m.groups()), phone=True)),
    (re.compile(r"(?<!\d)(0\d{2,3})-(\d{7,8})(?!\d)"), lambda m: digits(m.group(1), True) + "，" + digits(m.group(2), True)),
    (re.compile(r"(?<![\d.])(1\d{4})(?![\d.])(?=热线|服务热线|政务|$|[，。；、\s])"), lambda m: digits(m.group(1), phone=True)),
    (re.compile(r"(\d{1,2}):(\d{2})"), _time),
    (re.compile(r"(\d+(?:\.\d+)?)\s*[%％]"), lambda m: "百分之" + decimal(m.group(1))),
    (re.compile(r"(\d+(?:\.\d+)?)\s*[‰]"), lambda m: "千分之" + decimal(m.group(1))),
    (re.compile(r"(\d+(?:\.\d+)?)\s*[-~～—至]\s*(?=\d)"), lambda m: decimal(m.group(1)) + "到"),
    (re.compile(r"第\s*(\d+)"), lambda m: "第" + cardinal(int(m.group(1)))),
    (re.compile(r"(?P<letters>[A-Za-z]{1,5})(?![a-z])(?P<code>\d*)"), _letters),
    (re.compile(r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<unit>[" + _UNITS + "]*)"), _number),
]


def normalize(text: str) -> str:
    """Text a Chinese voice can read aloud: figures, codes and acronyms written out in characters."""
    text = text.replace("\u3000", " ").strip()
    text = re.sub(r"\[\d+\]", "", text)  # citation markers are for the screen, not the ear
    for pattern, repl in _PATTERNS:
        text = pattern.sub(repl, text)
    for sym, word in _SYMBOLS.items():
        text = text.replace(sym, word)
    return re.sub(r"\s+", "", text)
