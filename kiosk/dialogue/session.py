"""One visitor's conversation: the topic, what they said about their enterprise, what was offered next."""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass, field

_EMPLOYEES_RE = re.compile(r"(\d+)\s*(?:个|名|位)?(?:员工|职工|工人|人(?!民|才|口|社|力))")
_MONEY_RE = {
    "revenue": re.compile(r"(?:营收|营业收入|年收入|销售额|产值)[^\d]{0,4}(\d+(?:\.\d+)?)\s*(万|亿)"),
    "capital": re.compile(r"注册资本[^\d]{0,4}(\d+(?:\.\d+)?)\s*(万|亿)"),
}
_FOUNDED_RE = re.compile(r"((?:19|20)\d{2})\s*年(?:成立|注册|开业|创办)")
_TYPES = ("小微企业", "小型企业", "微型企业", "中型企业", "个体工商户", "高新技术企业", "科技型中小企业", "专精特新",
          "初创企业", "民营企业", "外资企业", "合伙企业")
_INDUSTRIES = ("茶", "餐饮", "餐馆", "饭店", "软件", "信息技术", "互联网", "电商", "制造", "生物医药", "医药", "文创", "文化",
               "旅游", "民宿", "农业", "教育", "培训", "物流", "建筑", "设计", "咨询", "人工智能", "新能源", "零售")
_YES_RE = re.compile(r"^(?:好|好的|好啊|行|可以|要|需要|是的|是|对|嗯|想|想知道|麻烦了|继续|请说)[的呀啊吧呢哦！!。,，\s]*$")


def profile_facts(text: str, streets: tuple[str, ...] = ()) -> dict[str, str]:
    """Enterprise facts stated in one turn ("我们是小微企业，30个员工，在转塘"), as plain strings."""
    facts: dict[str, str] = {}
    if m := _EMPLOYEES_RE.search(text):
        facts["employees"] = m.group(1)
    for key, pattern in _MONEY_RE.items():
        if m := pattern.search(text):
            facts[key] = f"{m.group(1)}{m.group(2)}元"
    if m := _FOUNDED_RE.search(text):
        facts["founded"] = m.group(1)
    for kind in _TYPES:
        if kind in text:
            facts["type"] = kind
            break
    for word in _INDUSTRIES:
        if word in text:
            facts["industry"] = word
            break
    for street in streets:
        short = street.removesuffix("街道").removesuffix("镇")
        if street in text or (len(short) >= 2 and short in text):
            facts["street"] = street
            break
    return facts


def is_yes(text: str) -> bool:
    """A short yes to an offer ("好的", "需要"), which then means "tell me what you offered"."""
    return bool(_YES_RE.match(text.strip()))


@dataclass
class Session:
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    topic: str = ""  # the resolved question of the last answered turn; follow-ups borrow it
    topic_title: str = ""  # the document the last answer cited first
    facts: dict[str, str] = field(default_factory=dict)
    offer: str = ""  # the follow-up question the kiosk offered last ("需要准备什么材料？")
    pending_intent: str = ""  # a service asked the visitor something; the next turn answers it
    asked: set[str] = field(default_factory=set)  # questions already answered, never offered again
    last_citations: list = field(default_factory=list)
    turns: int = 0
    last_active: float = field(default_factory=time.monotonic)

    def touch(self) -> None:
        self.turns += 1
        self.last_active = time.monotonic()

    def idle_for(self) -> float:
        return time.monotonic() - self.last_active

    def reset(self) -> None:
        """Forget everything (idle timeout, next visitor): nothing of one visitor reaches the next."""
        fresh = Session()
        for name in ("topic", "topic_title", "facts", "offer", "pending_intent", "asked", "last_citations", "turns"):
            setattr(self, name, getattr(fresh, name))
        self.last_active = time.monotonic()
