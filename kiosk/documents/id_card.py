"""Resident identity card (居民身份证): recognised so that it is handled with care, never kept.

Only what a clerk would note is returned, and the number only masked (first 6 and last 4 digits shown). The
full number is also masked in the OCR text lines, so it appears in no output, log or store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kiosk.documents.values import parse_date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3})([\dXx])(?![0-9A-Za-z])")
_CARD_WORDS = ("公民身份号码", "居民身份证", "签发机关", "有效期限")
_FRONT_LABELS = ("姓名", "性别", "民族", "出生", "住址")


@dataclass
class IdCardReading:
    fields: dict[str, Any]
    text: list[str]  # the lines with every ID number masked
    warnings: list[str] = field(default_factory=list)


def id_number_valid(number: str) -> bool:
    """GB 11643 check digit of an 18-digit citizen number."""
    number = number.upper()
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _WEIGHTS, strict=True))
    return _CHECK[total % 11] == number[17]


def mask(number: str) -> str:
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_numbers(text: str) -> str:
    return _ID_RE.sub(lambda m: mask(m.group(0)), text)


def looks_like_id_card(lines: list[str]) -> bool:
    text = "".join("".join(line.split()) for line in lines)
    if any(word in text for word in _CARD_WORDS):
        return True
    labels = sum(1 for label in _FRONT_LABELS if label in text)
    return labels >= 3 or (labels >= 2 and any(id_number_valid(m.group(0)) for m in _ID_RE.finditer(text)))


def read_id_card(lines: list[str]) -> IdCardReading:
    compact = ["".join(line.split()) for line in lines]
    joined = "".join(compact)
    fields: dict[str, Any] = {"name": None, "sex": None, "ethnicity": None, "birth": None, "address": None,
                              "id_number_masked": None, "id_number_valid": False}
    warnings: list[str] = []
    number = next((m.group(0).upper() for m in _ID_RE.finditer(joined)), None)
    if number:
        fields["id_number_masked"] = mask(number)
        fields["id_number_valid"] = id_number_valid(number)
        if not fields["id_number_valid"]:
            warnings.append("身份证号码校验未通过，可能识别有误，请核对原件。")
    if m := re.search(r"姓名(.{2,4}?)(?=性别|$)", joined):
        fields["name"] = m.group(1)
    if m := re.search(r"性别([男女])", joined):
        fields["sex"] = m.group(1)
    if m := re.search(r"民族(.{1,5}?)(?=出生|$)", joined):
        fields["ethnicity"] = m.group(1)
    if m := re.search(r"出生(.{8,12}日)", joined):
        fields["birth"] = parse_date(m.group(1))
    if m := re.search(r"住址(.+?)(?=公民身份号码|\d{17}[\dXx]|$)", joined):
        fields["address"] = m.group(1)
    warnings.append("这是身份证：号码已隐去中间部分，图片不会保存。")
    return IdCardReading(fields, [mask_numbers(line) for line in lines], warnings)
