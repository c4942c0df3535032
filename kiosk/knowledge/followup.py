"""Follow-up questions ("那需要什么材料？") borrow the topic of the previous turn."""

from __future__ import annotations

import re

from kiosk.knowledge.segment import content_terms

# words that only make sense about something already mentioned
_ANAPHORA_RE = re.compile(r"^(那|那么|这个|这|它|还有|另外|然后|那如果|如果)|这个政策|这项|该政策|上面|刚才")
_GENERIC = set(
    ["材料", "需要", "准备", "申请", "申报", "办理", "条件", "流程", "时间", "多久", "哪里", "地点", "窗口", "电话", "费用", "收费", "网上", "线上", "要求", "资格", "补贴", "金额", "标准", "多少", "怎么", "什么", "期限", "时限", "截止", "对象", "范围"]
)


def is_follow_up(question: str) -> bool:
    terms = content_terms(question)
    specific = [t for t in terms if t not in _GENERIC]
    return bool(_ANAPHORA_RE.search(question.strip())) or (len(question) <= 14 and not specific)


def contextualize(question: str, previous: str) -> str:
    """The question, completed with the previous turn's topic when it is a follow-up."""
    if not previous or not is_follow_up(question):
        return question
    return f"{previous} {question}"
