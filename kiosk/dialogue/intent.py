"""What a visitor's turn is for: rules first (instant, explainable), the language model only when they are unsure.

The model's answer is constrained by a llama.cpp grammar to one of the known intents, so it can never return
something the manager cannot route.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from dataclasses import dataclass

from kiosk.dialogue import prompts
from kiosk.dialogue.generation import ModelTimeout, model_pieces
from kiosk.dialogue.protocols import LanguageModel

log = logging.getLogger(__name__)

POLICY_QUESTION, ELIGIBILITY, REQUEST, GUIDE, SMALLTALK, OUT_OF_SCOPE = prompts.INTENTS

_SMALLTALK_RE = re.compile(
    r"^(?:你好|您好|嗨|哈喽|hello|hi|早上好|上午好|中午好|下午好|晚上好|谢谢|多谢|感谢|谢啦|辛苦了|再见|拜拜|好的|好|嗯|哦|"
    r"你是谁|你叫什么|你叫什么名字|你是机器人吗|你几岁了?|你会做什么|你能做什么|你能干什么|在吗)(?:你|您|你们|大家|啦|了)?"
    r"[呀啊呢吧哦！!。？?，,~\s]*$",
    re.IGNORECASE,
)
_OUT_OF_SCOPE_RE = re.compile(
    r"天气|下雨|股票|基金涨|彩票|笑话|唱首?歌|讲个?故事|写代码|编程|翻译|电影|电视剧|游戏|球赛|比赛结果|明星|八卦|菜谱|做菜|"
    r"谈恋爱|星座|算命|算一卦|减肥|旅游攻略"
)
_REQUEST_RE = re.compile(
    r"投诉|举报|反映|诉求|报修|坏了|没人管|催办|催一下|维权|拖欠|扰民|漏水|停电|停水|堵塞|噪音|乱收费|不作为|"
    r"帮我们?解决|帮忙协调|协调一下|提个?建议|我要反馈|意见"
)
_GUIDE_RE = re.compile(
    r"一件事|全流程|一站式|要办哪些手续|需要哪些手续|要办什么证|办哪些证|"
    r"开(?:一?[个家间])?(?:餐馆|饭店|餐厅|奶茶店|茶馆|茶楼|咖啡店|超市|便利店|小店|店)|注销(?:公司|企业)|(?:公司|企业)注销|"
    r"企业迁移|迁(?:到|往|出)|跨省迁|项目开工|开工审批|公租房|公共租赁住房"
)
_ELIGIBILITY_RE = re.compile(
    r"(?:我们|我的|我家|本)(?:公司|企业|单位|厂|店).{0,24}(?:能|可以|符合|适合|享受|申请|拿到).{0,12}(?:哪些|什么|啥)?"
    r"(?:政策|补贴|扶持|奖励|优惠)|(?:哪些|什么)(?:政策|补贴|扶持).{0,6}(?:适合|能享受|可以享受|能申请)|"
    r"能享受(?:哪些|什么)|符合(?:哪些|什么)(?:政策|条件)"
)
# A turn that mentions any of these is about enterprise services even if nothing else matched.
_DOMAIN_RE = re.compile(
    r"政策|补贴|补助|奖励|申请|办理|材料|窗口|企业|公司|个体|社保|公积金|税|发票|执照|许可|登记|注册|人才|就业|创业|贷款|"
    r"落户|入户|公寓|住房|招聘|用工|合同|工资|专利|商标|资质|审批|备案|证|条例|规定|法"
)
_QUESTION_RE = re.compile(r"多少|多久|怎么|哪里|哪些|什么|几(?!乎)|吗|？|\?")  # 几乎 is "almost", not "how many"


def about_services(text: str) -> bool:
    """Whether the turn names anything enterprise services deal with (a question word alone does not)."""
    return bool(_DOMAIN_RE.search(text))


def asks(text: str) -> bool:
    """Whether the turn is worded as a question."""
    return bool(_QUESTION_RE.search(text))


@dataclass(frozen=True)
class Intent:
    name: str
    source: str  # "rules" | "llm" | "default"


def by_rules(text: str) -> Intent | None:
    """The intent the wording makes certain, or None when the rules cannot tell."""
    t = text.strip()
    if not t:
        return Intent(SMALLTALK, "rules")
    if _SMALLTALK_RE.match(t):
        return Intent(SMALLTALK, "rules")
    if _REQUEST_RE.search(t):
        return Intent(REQUEST, "rules")
    if _ELIGIBILITY_RE.search(t):
        return Intent(ELIGIBILITY, "rules")
    if _GUIDE_RE.search(t):
        return Intent(GUIDE, "rules")
    domain = about_services(t)
    if _OUT_OF_SCOPE_RE.search(t) and not domain:
        return Intent(OUT_OF_SCOPE, "rules")
    if domain or (asks(t) and not _OUT_OF_SCOPE_RE.search(t)):
        return Intent(POLICY_QUESTION, "rules")
    return None


class IntentRouter:
    """Rules, then the model within ``budget_s`` (grammar-constrained sampling is slow on a busy CPU) and only
    while the turn is not cancelled."""

    def __init__(self, llm: LanguageModel | None = None, budget_s: float = 3.0):
        self.llm = llm
        self.budget_s = budget_s

    def route(self, text: str, cancel: threading.Event | None = None) -> Intent:
        """The turn's intent; ``cancel`` is the turn's own, so a visitor who has moved on does not wait for
        the model."""
        found = by_rules(text)
        if found is not None:
            return found
        name = self._ask_model(text, cancel or threading.Event()) if self.llm is not None else None
        if name in prompts.INTENTS:
            return Intent(name, "llm")
        # Unknown wording goes to the knowledge base, which refuses politely when it has nothing.
        return Intent(POLICY_QUESTION, "default")

    def _ask_model(self, text: str, cancel: threading.Event) -> str | None:
        """The model's intent name, or None when it fails, is cancelled or runs over the budget."""
        # the budget covers the whole classification, not each token: it is a delay before the answer starts
        until = time.perf_counter() + self.budget_s
        try:
            raw = "".join(model_pieces(self.llm, prompts.intent_messages(text), cancel, self.budget_s,
                                       until=until, name="llm-intent", max_tokens=24, temperature=0.0,
                                       grammar=prompts.INTENT_GRAMMAR))
        except ModelTimeout:
            log.info("intent classification over its %.1f s budget; using the default route", self.budget_s)
            return None
        except Exception as exc:  # noqa: BLE001 - routing falls back to the default, never fails a turn
            log.warning("intent classification by the language model failed: %s", exc)
            return None
        if cancel.is_set():
            return None  # what the model wrote before the cancel is a fragment, not a route
        try:
            found = json.loads(raw)
        except ValueError:
            return None  # not JSON after all: the default route it is
        return found.get("intent") if isinstance(found, dict) else None
