"""Business licence (营业执照) fields from OCR text lines.

Works on plain text lines, so it is testable without images: the caller hands over the lines in reading order
(for a two-column licence, column by column: see ``layout.column_texts``). A field starts at its printed label
(名称, 类型, 法定代表人, 注册资本, 成立日期, 营业期限, 住所, 经营范围 and the variants of other entity types) and runs
until the next label; 经营范围 and 住所 may run over several lines. Everything read is data from a document the
visitor handed over: it is parsed, never followed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kiosk.documents.credit_code import CodeReading, clean, read_code
from kiosk.documents.tags import scope_tags, street_of
from kiosk.documents.values import normalise_term, parse_capital, parse_date

# field → printed labels (including those of 个体工商户, 合伙企业, 分公司, 个人独资企业, 农民专业合作社).
FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "credit_code": ("统一社会信用代码",),
    "name": ("名称",),
    "type": ("类型",),
    "legal_representative": ("法定代表人", "执行事务合伙人", "经营者", "负责人", "投资人", "首席代表"),
    "registered_capital": ("注册资本", "注册资金", "成员出资总额", "出资额"),
    "established": ("成立日期", "注册日期"),
    "business_term": ("营业期限", "合伙期限", "经营期限"),
    "address": ("主要经营场所", "经营场所", "营业场所", "住所"),
    "business_scope": ("经营范围", "业务范围"),
}
# Labels that end the field before them without starting one of ours.
STOP_LABELS = ("登记机关", "组成形式", "注册号", "副本编号")
# Labels printed in the right-hand column of the current (2016+) landscape licence.
RIGHT_COLUMN_LABELS = (
    FIELD_LABELS["registered_capital"] + FIELD_LABELS["established"] + FIELD_LABELS["business_term"]
    + FIELD_LABELS["address"]
)
MULTILINE = {"address", "business_scope"}
# Footer lines of the licence (annual-report notice, QR caption, printer's mark) end whatever field is open.
FOOTER_WORDS = ("国家企业信用信息公示系统", "年度报告", "gsxt", "监制", "二维码", "http")
# Title lines end a field too; only as a whole line, since 营业执照 also occurs inside every business scope.
TITLES = ("营业执照", "(副本)", "（副本）", "(正本)", "（正本）")

FIELD_KEYS = (
    "credit_code", "name", "type", "legal_representative", "registered_capital", "registered_capital_yuan",
    "established", "business_term", "address", "business_scope", "street", "industry_tags", "industries",
)

_LABEL_TO_FIELD = {label: name for name, labels in FIELD_LABELS.items() for label in labels}
_LABEL_TO_FIELD |= dict.fromkeys(STOP_LABELS)
_ALL_LABELS = sorted(_LABEL_TO_FIELD, key=len, reverse=True)
# A label may be printed with wide letter spacing ("名　　称") and followed by a colon. Most labels count only at
# the start of a line or after a space, so words inside a business scope (名称, 住所, 经营场所) are not taken for
# labels; these never occur in a value, so they also split a value that OCR ran into them.
_UNMISTAKABLE = {
    "统一社会信用代码", "法定代表人", "执行事务合伙人", "注册资本", "注册资金", "成员出资总额", "成立日期", "注册日期",
    "营业期限", "合伙期限", "经营期限", "主要经营场所", "经营范围", "业务范围", "登记机关", "组成形式", "副本编号",
}
_LABEL_RE = re.compile(
    "|".join(
        ("" if label in _UNMISTAKABLE else r"(?:^|(?<=\s))") + "(" + r"\s*".join(map(re.escape, label)) + ")"
        for label in _ALL_LABELS
    )
    + r"\s*[:：]?\s*"
)
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff（）()·])\s+(?=[\u3400-\u9fff（）()·])")
_CODE_RUN = re.compile(r"[0-9A-Z]{18,}")
_PERSON_RE = re.compile(r"[\u3400-\u9fff][\u3400-\u9fff·]*[\u3400-\u9fff]|[A-Za-z][A-Za-z .\-]*[A-Za-z]")
_LEADING_MARKS = " :：、，,.。·;；"


@dataclass
class LicenceReading:
    fields: dict[str, Any]
    credit_code_valid: bool
    warnings: list[str] = field(default_factory=list)


def normalise_line(line: str) -> str:
    return line.replace("\u3000", " ").strip()


def compact(text: str) -> str:
    """Spaces OCR put between Chinese characters removed ("杭 州" → "杭州"); other spaces kept single."""
    return _CJK_GAP.sub("", re.sub(r"\s+", " ", text)).strip()


def label_of(text: str) -> str:
    return "".join(text.split())


def looks_like_licence(lines: list[str]) -> bool:
    text = "".join("".join(line.split()) for line in lines)
    if "营业执照" in text:
        return True
    found = {name for label, name in _LABEL_TO_FIELD.items() if name and label in text}
    return len(found) >= 4 or ("credit_code" in found and len(found) >= 2)


def split_fields(lines: list[str]) -> tuple[dict[str, list[str]], list[str]]:
    """Raw text pieces per field, and the lines before the first label (title, headers)."""
    values: dict[str, list[str]] = {}
    preamble: list[str] = []
    current: str | None = None
    for raw in lines:
        line = normalise_line(raw)
        if any(word in line for word in FOOTER_WORDS) or label_of(line) in TITLES:
            current = None
            continue
        pos = 0
        for match in [*_LABEL_RE.finditer(line), None]:
            text = line[pos : match.start() if match else len(line)].strip()
            if current is not None and not values[current]:
                text = text.lstrip(_LEADING_MARKS)  # a value starts after the label's colon and spacing
            if text:
                if current is None:
                    preamble.append(text)
                elif current in MULTILINE or not values[current] or _incomplete(current, values[current]):
                    values[current].append(text)
            if match is None:
                break
            current = _LABEL_TO_FIELD[label_of(next(g for g in match.groups() if g))]
            if current is not None:
                values.setdefault(current, [])
            pos = match.end()
    return values, preamble


def _incomplete(name: str, pieces: list[str]) -> bool:
    """A single-line field whose value visibly runs on (a term ending in 至, a capital without 元)."""
    text = "".join(pieces)
    if name == "business_term":
        return text.endswith(("至", "-", "~"))
    if name == "registered_capital":
        return "元" not in text
    if name == "established":
        return parse_date(text) is None
    return False


def find_credit_code(candidates: list[str]) -> CodeReading | None:
    """The credit code among text pieces: a valid (or checksum-repaired) 18-character run first, else the first."""
    first: CodeReading | None = None
    for text in candidates:
        for run in _CODE_RUN.findall(clean(text)):
            for start in range(len(run) - 17):
                reading = read_code(run[start : start + 18])
                if reading.valid:
                    return reading
                first = first or reading
    return first


def read_licence(lines: list[str]) -> LicenceReading:
    """Fields, credit-code validity and warnings for a licence's text lines."""
    values, preamble = split_fields(lines)
    joined = {name: compact("".join(pieces)) for name, pieces in values.items()}
    warnings: list[str] = []
    fields: dict[str, Any] = dict.fromkeys(FIELD_KEYS)
    fields["industry_tags"], fields["industries"] = [], []

    code = find_credit_code(values.get("credit_code", [])) or find_credit_code(preamble) or find_credit_code(lines)
    if code is not None:
        fields["credit_code"] = code.code
        if code.repaired:
            warnings.append(f"统一社会信用代码识别为 {clean(code.raw)}，按校验位修正为 {code.code}。")
        elif not code.valid:
            warnings.append(f"统一社会信用代码 {code.code} 校验未通过：可能识别有误或证照有误，请核对原件。")
    else:
        warnings.append("没有找到统一社会信用代码。")

    for name in ("name", "type", "legal_representative", "address", "business_scope"):
        fields[name] = joined.get(name) or None
    if fields["legal_representative"]:
        # A person's name: the first run of Chinese characters (with the "·" of transliterated names); OCR
        # sometimes prefixes a stray mark from the label's spacing.
        person = _PERSON_RE.search(fields["legal_representative"])
        fields["legal_representative"] = person.group(0) if person else fields["legal_representative"]

    capital_text = joined.get("registered_capital", "")
    if capital_text:
        fields["registered_capital"] = capital_text
        amount = parse_capital(capital_text)
        if amount.currency == "CNY":
            fields["registered_capital_yuan"] = amount.value
        else:
            warnings.append(f"注册资本以外币登记（{capital_text}），未换算为人民币。")
    if joined.get("established"):
        fields["established"] = parse_date(joined["established"])
        if fields["established"] is None:
            warnings.append(f"成立日期“{joined['established']}”无法识别。")
    if joined.get("business_term"):
        fields["business_term"] = normalise_term(joined["business_term"])

    if fields["address"]:
        fields["street"] = street_of(fields["address"])
    if fields["business_scope"]:
        tags = scope_tags(fields["business_scope"])
        fields["industry_tags"], fields["industries"] = tags.tags, tags.labels

    missing = [label for key, label in (("name", "名称"), ("address", "住所"), ("business_scope", "经营范围"))
               if not fields[key]]
    if missing:
        warnings.append("未能识别：" + "、".join(missing) + "。请把执照放平、避免反光后重试，或人工核对。")
    return LicenceReading(fields, bool(code and code.valid), warnings)


def parse_licence(lines: list[str]) -> dict[str, Any]:
    """Licence fields from OCR text lines (see ``read_licence`` for validity and warnings)."""
    return read_licence(lines).fields
