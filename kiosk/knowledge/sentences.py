"""Cutting text into sentences and recognising what kind of fact a question wants (its expected answer type)."""

from __future__ import annotations

import re

_SENTENCE_RE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]?")
ENUMERATOR_RE = re.compile(r"^\s*(?:第[一二三四五六七八九十百\d]+[条章节步]|[（(]?[\d一二三四五六七八九十]{1,3}[)）.、．])\s*")
NUMBER = r"(?:\d+(?:\.\d+)?|[一二三四五六七八九十百千两半]+)"
QUANTITY_QUESTION_RE = re.compile(r"多少|几[个天年月日岁次套人项倍周]?|多久|多长|哪天|哪一天|哪年|什么时候|何时|比例|金额|最高|上限|期限")

DURATION = r"(?:个?工作日|个?月(?!\d)|(?<!月)(?<!月\d)(?<!月\d\d)日|天|年(?!\d)|周|小时|个星期)"
# expected answer type → what a sentence stating it looks like
ANSWER_TYPES: list[tuple[re.Pattern[str], re.Pattern[str]]] = [
    (re.compile(r"哪天|哪一天|哪年|什么时候|何时|日期|从.{0,6}开始|起施行"), re.compile(r"\d{4}年|\d{1,2}月\d{1,2}日")),
    (re.compile(r"比例|百分之|几成"), re.compile(rf"{NUMBER}\s*%|百分之|{NUMBER}成")),
    (re.compile(r"多久|多长时间|几天|多少天|几个月|几年|多少年|多少个?工作日|期限|多长"),
     re.compile(rf"{NUMBER}\s*{DURATION}")),
    (re.compile(r"多少钱|金额|奖.{0,4}多少|补.{0,4}多少|资助.{0,6}多少|给多少|多少万|贴多少|最高.{0,4}多少"),
     re.compile(rf"{NUMBER}\s*(?:万|千|百)?元")),
    (re.compile(r"多少岁|几岁|年龄|周岁"), re.compile(rf"{NUMBER}\s*周?岁")),
]
_MEASURE_RE = re.compile(r"(?:多少|几)个?([套人项次个名家户间张份批])")


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_RE.findall(text) if len(s.strip()) > 1]


def wants_quantity(question: str) -> bool:
    """Whether the question asks for a number, amount, duration or date."""
    return bool(QUANTITY_QUESTION_RE.search(question))


def has_quantity(text: str) -> bool:
    """A number that states something (list numbering and article numbers do not count)."""
    body = ENUMERATOR_RE.sub("", text)
    return bool(re.search(rf"\d|{NUMBER}\s*(?:{DURATION}|周?岁|元|万|倍|次|人|套|%)", body))


_CLAUSE_RE = re.compile(r"[^，,：:。；;]+[，,：:。；;]?")


def typed_clauses(question: str, text: str) -> list[str]:
    """The neighbourhoods (a clause and the clauses either side) where ``text`` states the asked-for quantity."""
    clauses = _CLAUSE_RE.findall(text) or [text]
    out = []
    for i, clause in enumerate(clauses):
        if answers_type(question, clause):
            out.append("".join(clauses[max(0, i - 1): i + 2]))
    return out


def answers_type(question: str, text: str) -> bool | None:
    """True if ``text`` states the kind of quantity the question asks for, False if it does not, None if the
    question's expected type is not recognised."""
    body = ENUMERATOR_RE.sub("", text)
    checks = [answer for asked, answer in ANSWER_TYPES if asked.search(question)]
    if re.search(r"多少天|几天", question):
        checks = [re.compile(rf"{NUMBER}\s*个?(?:工作)?[天日](?!\d)")]
    if m := _MEASURE_RE.search(question):
        checks.append(re.compile(rf"{NUMBER}\s*(?:万)?个?{m.group(1)}"))
    if not checks:
        return None
    return any(check.search(body) for check in checks)


_FOCUS_RE = re.compile(r"([^，,。？?！!的]{0,8}?)(?:一般|大概|一共|总共|最长|最多|最高|要|需要|能|可以|是|有)*"
                       r"(?:多少|几|多久|多长时间|多长|哪天|哪一天|什么时候|何时)(?:个|时间)?([^，,。？?！!]{0,8})")
_FOCUS_FILLER = set("的了吗呢是有在要能会可以一般大概个我们你您请问")


def question_focus(question: str) -> str:
    """The words around the question word: what the asked-for quantity is about ("见习期" in
    "见习基地的见习期一般是多久", "审完" in "提交以后多久能审完")."""
    m = _FOCUS_RE.search(question)
    return (m.group(1) + " " + m.group(2)).strip() if m else question


def char_overlap(focus: str, text: str) -> float:
    """Share of the focus's meaningful characters that ``text`` contains."""
    chars = {c for c in focus if "\u4e00" <= c <= "\u9fff" and c not in _FOCUS_FILLER}
    return sum(c in text for c in chars) / len(chars) if chars else 0.0


# non-numeric answer types: what a "带什么/去哪办/电话多少/什么条件" question wants to hear
ANSWER_KINDS: list[tuple[re.Pattern[str], re.Pattern[str]]] = [
    (re.compile(r"什么(?:政策|支持|扶持|优惠|补贴|补助|奖励)|(?:有|能拿|能领|能享受)(?:什么|哪些)?(?:补贴|补助|奖励|优惠)|享受"),
     re.compile(r"给予|补贴|补助|奖励|资助|贴息|减免|免收|扶持资金")),
    (re.compile(r"材料|带什么|带啥|准备什么|准备啥|提交什么|要什么|需要哪些|证件"),
     re.compile(r"材料|准备|提交|提供|携带|身份证|营业执照|申请表|证明|原件|复印件")),
    (re.compile(r"哪里|哪儿|哪个窗口|去哪|在哪|地址|找谁|哪个部门|怎么去|几楼|网上"),
     re.compile(r"窗口|[一二三四五六\d]楼|大厅|地址|路\d+号|平台|网上|浙里办|政务服务网|APP|小程序|专区|服务中心")),
    (re.compile(r"电话|联系方式|热线|怎么联系"), re.compile(r"\d{3,4}-?\d{7,8}|电话|热线")),
    (re.compile(r"条件|资格|要求|哪些企业|谁可以|能不能申请|符合"),
     re.compile(r"条件|符合|应当|须|满\d|以上|以下|不低于|不超过|具备")),
    (re.compile(r"怎么办|怎么申请|如何申请|流程|步骤|怎么弄|怎么操作|手续"),
     re.compile(r"申请|办理|提交|登录|通过|流程|步骤|第[一二三四五]步|受理|审核")),
]


SUPPORT_KIND = 0  # index in ANSWER_KINDS: asked about support, an answer must name some


def offers_support(question: str, text: str) -> bool | None:
    """For a question about subsidies or rewards: whether ``text`` names one (None for other questions)."""
    asked, answer = ANSWER_KINDS[SUPPORT_KIND]
    return bool(answer.search(text)) if asked.search(question) else None


def kind_match(question: str, text: str) -> bool | None:
    """Whether ``text`` gives the kind of (non-numeric) information asked for; None if no kind is recognised."""
    kinds = [answer for asked, answer in ANSWER_KINDS if asked.search(question)]
    if not kinds:
        return None
    return any(k.search(text) for k in kinds)


def bigram_similarity(a: str, b: str) -> float:
    """Dice similarity of two short texts' character pairs (punctuation and spaces ignored)."""
    def pairs(text: str) -> set[str]:
        chars = re.sub(r"[^\u4e00-\u9fff0-9A-Za-z]", "", text)
        return {chars[i:i + 2] for i in range(len(chars) - 1)}

    pa, pb = pairs(a), pairs(b)
    return 2 * len(pa & pb) / (len(pa) + len(pb)) if pa and pb else 0.0
