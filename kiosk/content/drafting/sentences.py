"""Which sentences of a clause may state conditions, and which part of them.

Articles of a support policy and items of a list that says it lists conditions (申报条件：（一）…) state
conditions; so does a sentence naming whom it grants or applies to. A paragraph of measures under a heading naming
an aim (“四、进一步鼓励创业带动就业”) mixes those with what the government will do (“扩大小微企业出口信用保险覆盖面”,
“设立高新技术企业人才服务专员”), which names enterprises without setting a condition. Process, aims, definitions and
changes of rate state none.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kiosk.store.records import Passage

PROCESS_RE = re.compile(r"申报材料|提交|受理部门|咨询电话|负责解释|审核|公示|拨付|监督|追回|收回|骗取|弄虚作假|就高不重复|"
                        r"不重复享受|解释|施行|有效期|材料")
# a document's purpose (“为…，制定本办法”, “推动其成长为高新技术企业”, “力争…”) states aims, not conditions; a bare
# 目标 is not one (“裁员率不高于失业率控制目标” is a condition)
PURPOSE_RE = re.compile(r"制定本|特制定|结合[^，。]{0,8}实际|成长为|培育成|发展成为|争创|力争|(?:总体|发展|工作|主要)目标|"
                        r"目标任务|为目标")
# a definition (“本法所称中小企业，是指…”) says what a name means, not who may apply
DEFINITION_RE = re.compile(r"所称")
# support paid to someone other than the applicant (“给予孵化器运营机构每家5万元”): the conditions are about
# the enterprises it serves, not about who applies
THIRD_PARTY_RE = re.compile(r"给予[^，。；]{0,10}(?:运营机构|服务机构|孵化器|运营方|中介机构|推荐单位)")
# a higher rate for some of those already eligible (“补助比例提高到15%”) changes the amount, not who may apply. It
# covers what its sentence says up to it; a later part (“…延长至8年，具备高新技术企业资格的企业可在10年内弥补”) names
# a group of its own. (A relaxed requirement, 放宽/下调, widens who may apply: the group it names is a condition.)
TIER_RE = re.compile(r"提高到|提高至|提高|上浮|上调|翻倍|加倍|延长|另给予|另行给予|再给予")
# “对…” naming whom a clause is for, up to the recipient (not 针对, 相对, 面对, 应对, 核对, 比对)
TARGET = r"(?<![针相面应核比])对[^，,。；;]*?"
# the words of a sentence naming whom it grants or applies to: a target (“对…企业”, 凡…, “…的，”), a requirement, a
# qualification, a benefit (not 对此, 针对 or 应对, 应用, 属地)
STATES_RE = re.compile(TARGET + r"(?:企业|单位|机构|个体|纳税人|主体|商户|公司|经营者|人员)|凡|的[，,]|"
                       r"符合|满足|具备|属于|属(?!地)|须|应当|应(?=[在为是于具符满按有])|"
                       r"可(?:以)?申[报请]|申[报请](?:享受|补|奖|资|贷)|条件|对象|范围|资格|(?:经|被|新|获)认定|认定(?:的|为)|"
                       r"享受|优惠|减免|免征|减按|给予|奖励|补助|补贴|资助|贴息")
# a heading (“申报条件”, “支持对象”) or a lead before a list (“补贴条件：”, “应符合下列条件：”) saying it lists conditions;
# a bare “通知如下：” or “工作要求” introduces anything
CONDITIONS_HEADING_RE = re.compile(r"条件|对象|范围|资格|申报要求|申请要求")
LEAD_RE = re.compile(r"[^。；;：:]*[：:]")
LIST_LEAD_RE = re.compile(r"(?:条件|对象|范围|资格|申报要求|申请要求)[^。；：:]{0,10}[：:]")
MATERIALS_LEAD_RE = re.compile(r"材料[^。；：:]{0,10}[：:]")
# a document's title on a line of its own (“…关于…支持中小微企业…的通知”) names whom the document is about, not a condition
TITLE_LINE_RE = re.compile(r"^[^\n。；]*关于[^\n。；]*(?:通知|意见|措施|办法|细则|规定|决定|公告|方案)\s*$", re.MULTILINE)
SENTENCE_RE = re.compile(r"[^。；;！？!?]+[。；;！？!?]?")


def lists_conditions(passage: Passage, clause: str) -> bool:
    """Whether a clause of the passage stands where conditions are stated whatever its words: in an article, under a
    conditions heading, in a list its lead says lists conditions, or holding such a lead itself (“3、创业租金补贴
    补贴条件：…”)."""
    return bool(passage.article or CONDITIONS_HEADING_RE.search(passage.heading) or
                LIST_LEAD_RE.search(lead(passage, clause)) or LIST_LEAD_RE.search(clause))


def lists_materials(passage: Passage, clause: str) -> bool:
    """Whether a clause is an item of a list of documents to submit (“申报材料：（三）高新技术企业证书”)."""
    return bool(MATERIALS_LEAD_RE.search(lead(passage, clause)))


def lead(passage: Passage, clause: str) -> str:
    """The words introducing the list a clause is an item of (“应符合下列条件：”; "" when none)."""
    before = passage.text[:passage.text.find(clause)]
    return leads[-1] if (leads := LEAD_RE.findall(before)) else ""


def stating(clause: str, listed: bool) -> Iterator[str]:
    """The sentences of a clause (each from after its last change of rate) that may state conditions; ``listed``
    when the clause stands where conditions are stated (`lists_conditions`)."""
    for sentence in map(after_tier, SENTENCE_RE.findall(TITLE_LINE_RE.sub("", clause))):
        if not sentence or any(r.search(sentence) for r in (PROCESS_RE, PURPOSE_RE, DEFINITION_RE, THIRD_PARTY_RE)):
            continue
        if listed or STATES_RE.search(sentence):
            yield sentence


def after_tier(sentence: str) -> str:
    """What a sentence says after its last change of rate, from the next part of it on ("" when nothing)."""
    while m := TIER_RE.search(sentence):
        cut = re.search(r"[，,]", sentence[m.end():])
        sentence = sentence[m.end() + cut.end():] if cut else ""
    return sentence
