"""Checks on what a visitor typed or said, each failing with a message the kiosk can read out."""

from __future__ import annotations

import re
import unicodedata

from kiosk.errors import FriendlyError, not_text
from kiosk.privacy import mask_numbers

MAX_TEXT_CHARS = 2000
MAX_COMPANY_CHARS = 100
MAX_ADDRESS_CHARS = 200

# Abusive words are masked, not stored; a request that is nothing but abuse is turned away politely.
ABUSE_WORDS = ("傻逼", "傻B", "煞笔", "他妈的", "妈的", "操你", "草泥马", "滚蛋", "去死", "狗日", "王八蛋", "混蛋", "废物")

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")
_TICKET = re.compile(r"^XH\d{8}-\d{4}$")
_ITEM_REF = re.compile(r"^(XH\d{8}-\d{4})-(\d{1,2})$")


class RequestError(FriendlyError):
    """Bad input, a refused action or a storage failure; ``friendly`` is fit to show or speak to a visitor."""


def _readable(text: str, what: str) -> str:
    """Text without control characters; bytes that were never text (binary input) are refused."""
    if not_text(text):
        raise RequestError(f"{what}里有无法识别的字符，请用文字重新填写。")
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")


def clean_text(text: str | None) -> tuple[str, bool]:
    """The request text, normalised and with abuse masked; also whether anything was masked."""
    text = unicodedata.normalize("NFKC", _readable(text or "", "内容"))
    # NFKC turns full-width punctuation into ASCII; the splitter works on the Chinese forms.
    text = text.replace(",", "，").replace(";", "；").replace("!", "！").replace("?", "？")
    text = re.sub(r"[ \t\u3000]+", " ", text).strip()
    if not text:
        raise RequestError("请说一说您要反映的事情，内容不能为空。")
    if len(text) > MAX_TEXT_CHARS:
        raise RequestError(
            f"内容有{len(text)}字，超过了{MAX_TEXT_CHARS}字的上限。请精简后再提交，或分几次提交。"
        )
    masked = False
    for word in ABUSE_WORDS:
        if word in text:
            text = text.replace(word, "＊" * len(word))
            masked = True
    meaningful = re.sub(r"[＊\s\W_]+", "", text)
    if masked and len(meaningful) < 4:
        raise RequestError("请文明表述，说一说具体遇到了什么问题，我们一定尽力帮您解决。")
    if len(meaningful) < 2:
        raise RequestError("内容太短了，请说一说具体遇到了什么问题。")
    return text, masked


def normalize_phone(phone: str | None) -> str:
    """A mobile (11 digits) or a landline with area code, digits only."""
    digits = re.sub(r"[\s\-()（）]", "", unicodedata.normalize("NFKC", phone or ""))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if _MOBILE.match(digits) or _LANDLINE.match(digits):
        return digits
    raise RequestError("手机号格式不对：请填写11位手机号，或带区号的固定电话（如0571-87101001）。")


def clean_company(company: str | None) -> str:
    company = re.sub(r"\s+", "", unicodedata.normalize("NFKC", _readable(company or "", "企业名称")))
    company = company.replace("(", "（").replace(")", "）")
    if len(company) < 2:
        raise RequestError("请填写企业名称（营业执照上的全称）。")
    if len(company) > MAX_COMPANY_CHARS:
        raise RequestError(f"企业名称太长了，请填写{MAX_COMPANY_CHARS}字以内的全称。")
    return company


def clean_address(address: str | None) -> str:
    """The enterprise's address, for routing; a phone or ID number typed into it is masked."""
    return mask_numbers(_readable(address or "", "地址").strip()[:MAX_ADDRESS_CHARS])


def check_last4(digits: str | None) -> str:
    digits = (digits or "").strip()
    if not re.fullmatch(r"\d{4}", digits):
        raise RequestError("请填写登记手机号的后四位数字。")
    return digits


def parse_ref(ref: str | None) -> tuple[str, int | None]:
    """``XH20261123-0042`` (a whole ticket) or ``XH20261123-0042-2`` (its second item)."""
    ref = unicodedata.normalize("NFKC", ref or "").strip().upper()
    if _TICKET.match(ref):
        return ref, None
    m = _ITEM_REF.match(ref)
    if m:
        return m.group(1), int(m.group(2))
    raise RequestError("工单号格式不对，应为 XH + 日期 + 编号，例如 XH20261123-0042。")
