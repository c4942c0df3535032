"""Metadata proposed from a document's own words, for an editor to confirm: title, 文号, issuing body, level,
region, and the 发布 / 施行 / 失效 dates."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from kiosk.store.validity import DATE, parse_date, parse_validity

# 文号 as printed: 西政办〔2025〕3号, also with [] 【】 () （） around the year
DOC_NUMBER_RE = re.compile(r"([\u4e00-\u9fa5]{1,12})\s*[〔\[【(（﹝]\s*(\d{4})\s*[〕\]】)）﹞]\s*(\d{1,4})\s*号")
# what a policy document calls itself at the end of its title
TITLE_END_RE = re.compile(r"(办法|通知|规定|条例|意见|细则|方案|措施|公告|通告|决定|指南|规划|规则|政策|清单|问答|解读|法|函|批复|若干条)[）)]?$")
ORGAN_RE = re.compile(r"[\u4e00-\u9fa5（）()]{2,40}?(?:人民政府办公厅|人民政府办公室|人民政府|委员会|办公室|办公厅|管理局|"
                      r"服务局|监督管理局|[局厅部委院署办]|中心|协会|联合会|银行|分行|支行|管委会)")
ISSUED_RE = re.compile(rf"(?:成文日期|印发日期|发文日期)[：:]\s*({DATE})")
POSTED_RE = re.compile(rf"(?:发布日期|发布时间|公布日期)[：:]\s*({DATE})")
SIGNATURE_DATE_RE = re.compile(rf"^\s*({DATE})\s*$")
LEVEL_WORDS = (("区", ("区人民政府", "区委", "区政府")), ("市", ("市人民政府", "市委", "市政府")),
               ("省", ("省人民政府", "省委", "省政府")), ("国家", ("国务院", "中共中央", "全国人民代表大会")))
PLACE_RE = re.compile(r"([\u4e00-\u9fa5]{2,4}?省)?([\u4e00-\u9fa5]{2,4}?市)?([\u4e00-\u9fa5]{2,4}?[区县])?")


@dataclass
class Proposal:
    """What the text says about itself; ``flags`` name what an editor must check or fill in."""

    title: str = ""
    doc_number: str = ""
    issuer: str = ""
    level: str = ""
    region: str = ""
    published: str = ""
    effective: str = ""
    expires: str = ""
    flags: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def propose(lines: list[str], hints: dict[str, str] | None = None) -> Proposal:
    hints = hints or {}
    head = lines[:15]
    title = _title(head) or hints.get("title", "")
    number = next((_number(m) for line in head for m in [DOC_NUMBER_RE.search(line)] if m), "")
    if not number:
        number = next((_number(m) for line in lines for m in [DOC_NUMBER_RE.search(line)] if m), "")
    issuer = _issuer(lines, title) or hints.get("issuer", "")
    text = "\n".join(lines)
    validity = parse_validity(text)
    published = _issued(lines) or _iso(hints.get("published", ""))
    proposal = Proposal(title=title, doc_number=number, issuer=issuer, level=level_of(issuer or title),
                        region=region_of(issuer or title), published=published,
                        effective=validity.effective.isoformat() if validity.effective else "",
                        expires=validity.expires.isoformat() if validity.expires else "")
    proposal.flags = flags_for(proposal)
    return proposal


def flags_for(p: Proposal) -> list[str]:
    """What an editor must still check or fill in."""
    flags = []
    if not (p.published or p.effective):
        flags.append("未找到发布或施行日期，请核对后填写（--effective）")
    if not p.title:
        flags.append("未识别出标题，请填写（--title）")
    if not p.issuer:
        flags.append("未识别出发文机关，请填写（--issuer）")
    if not p.level:
        flags.append("未识别出文件级别，暂按区级，请核对（--level 国家/省/市/区）")
    return flags


def _title(head: list[str]) -> str:
    """The first line (or two, when it wraps) ending the way a policy title ends."""
    for i, line in enumerate(head):
        clean = line.lstrip("# ").strip()
        if DOC_NUMBER_RE.fullmatch(clean) or len(clean) > 80:
            continue
        if TITLE_END_RE.search(clean) and len(clean) >= 6:
            previous = head[i - 1].lstrip("# ").strip() if i else ""
            if previous and len(previous) >= 8 and not TITLE_END_RE.search(previous) and not DOC_NUMBER_RE.search(
                    previous) and not re.search(r"[。；：:]$", previous) and len(previous + clean) <= 80:
                return previous + clean
            return clean
    return ""


def _number(m: re.Match[str]) -> str:
    return f"{m.group(1)}〔{m.group(2)}〕{int(m.group(3))}号"


def _issuer(lines: list[str], title: str) -> str:
    """The body named before 关于 in the title, else the signature above the closing date."""
    if "关于" in title and (m := ORGAN_RE.fullmatch(title.split("关于", 1)[0].strip())):
        return m.group(0)
    for i in range(len(lines) - 1, max(-1, len(lines) - 12), -1):
        if SIGNATURE_DATE_RE.match(lines[i]) and i:
            above = lines[i - 1].strip()
            if (m := ORGAN_RE.fullmatch(above)) and len(above) <= 40:
                return m.group(0)
    return ""


def _issued(lines: list[str]) -> str:
    for line in lines[:20]:
        if m := ISSUED_RE.search(line):
            return _iso(m.group(1))
    for line in reversed(lines[-12:]):
        if m := SIGNATURE_DATE_RE.match(line):
            return _iso(m.group(1))
    for line in lines[:20]:  # a web page's posting date: later than the signature, used only without one
        if m := POSTED_RE.search(line):
            return _iso(m.group(1))
    return ""


def _iso(text: str) -> str:
    day = parse_date(text) if text else None
    return day.isoformat() if day else ""


def level_of(issuer: str) -> str:
    """国家 / 省 / 市 / 区, from the issuing body's name ('' when it does not say)."""
    for level, words in LEVEL_WORDS:
        if any(w in issuer for w in words):
            return level
    m = PLACE_RE.match(issuer)
    if m and m.group(3):
        return "区"
    if m and m.group(2):
        return "市"
    if m and m.group(1):
        return "省"
    if issuer.startswith(("国家", "中华人民共和国", "财政部", "人力资源社会保障部", "工业和信息化部", "科技部", "商务部")):
        return "国家"
    return ""


def region_of(issuer: str) -> str:
    m = PLACE_RE.match(issuer)
    return "".join(g for g in (m.groups() if m else ()) if g)
