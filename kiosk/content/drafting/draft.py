"""A draft of one policy's eligibility rule, for an editor to accept, edit or reject.

The policy's passages are cut into clauses (an article, or an enumerated item inside it: 第三条（二）); clauses
about who may apply give the rule's common conditions, clauses that grant a support item to those meeting a
condition (“对…的，给予…”) give one alternative each, combined as an any_of. Clauses about materials, review
and procedure give none. Every leaf carries the clause it came from and the words it was read from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import yaml

from kiosk.content.drafting.leaves import find_leaves
from kiosk.content.errors import ContentError
from kiosk.content.library import Library, rule_file, who_default
from kiosk.policy.conditions import parse_rule
from kiosk.store.records import Passage
from kiosk.store.validity import parse_windows

ITEM_RE = re.compile(r"（[一二三四五六七八九十]{1,3}）|\([一二三四五六七八九十\d]{1,3}\)|(?<![\d.])\d{1,2}[、．]|[①②③④⑤⑥⑦⑧⑨⑩]")
APPLIES_RE = re.compile(r"适用|对象|条件|申报|申请|符合|满足|具备|须|应当|应|资格|范围|主体|企业|单位")
GRANTS_RE = re.compile(r"给予|奖励|补助|补贴|资助|扶持|贴息|支持|一次性")
PROCESS_RE = re.compile(r"申报材料|提交|受理部门|咨询电话|负责解释|审核|公示|拨付|监督|追回|收回|骗取|弄虚作假|就高不重复|"
                        r"不重复享受|解释|施行|有效期|材料")
# a document's purpose (“为…，制定本办法”, “推动其成长为高新技术企业”) states aims, not conditions
PURPOSE_RE = re.compile(r"制定本|特制定|结合[^，。]{0,8}实际|成长为|培育成|发展成为|争创|目标")
# a higher rate for some of those already eligible (“补助比例提高到15%”) changes the amount, not who may apply
TIER_RE = re.compile(r"提高到|提高至|提高|上浮|翻倍|加倍|延长|另给予|另行给予|再给予")
# support paid to someone other than the applicant (“给予孵化器运营机构每家5万元”): the conditions are about
# the enterprises it serves, not about who applies
THIRD_PARTY_RE = re.compile(r"给予[^，。；]{0,10}(?:运营机构|服务机构|孵化器|运营方|中介机构|推荐单位)")
# “…的，给予…” / “…的，按…享受”: what follows holds for those who meet the condition, an alternative
CONDITIONAL_RE = re.compile(r"的[^。；]*?(给予|奖励|补助|补贴|资助)|的[，,]\s*(?:按|享受|可|予以)")
SENTENCE_RE = re.compile(r"[^。；;]+[。；;]?")


def clauses(passages: Iterable[Passage]) -> list[tuple[str, str]]:
    """(clause label, text) for every enumerated item of every passage, labelled as the document numbers it."""
    out = []
    for p in passages:
        label = p.article or p.heading.split(" ")[-1] if (p.article or p.heading) else ""
        marks = list(ITEM_RE.finditer(p.text))
        if not marks:
            out.append((label, p.text))
            continue
        if marks[0].start() > 0:
            out.append((label, p.text[:marks[0].start()]))
        for m, nxt in zip(marks, [*marks[1:], None], strict=False):
            out.append((f"{label}{m.group(0).rstrip('、．')}", p.text[m.start():nxt.start() if nxt else len(p.text)]))
    return out


def draft_rule(doc_id: str, title: str, passages: Iterable[Passage]) -> dict[str, Any]:
    """The rule in the conditions YAML language (empty ``conditions`` when the text states none)."""
    passages = list(passages)
    common: list[dict[str, Any]] = []
    items: list[list[dict[str, Any]]] = []
    for passage in passages:
        if not (APPLIES_RE.search(passage.text) or GRANTS_RE.search(passage.text)):
            continue
        for label, text in clauses([passage]):
            base_rate = False  # a grant to all the clause covers: later grants in it are higher rates for some
            for sentence in SENTENCE_RE.findall(text):
                if any(r.search(sentence) for r in (PROCESS_RE, PURPOSE_RE, TIER_RE, THIRD_PARTY_RE)):
                    continue
                leaves = find_leaves(sentence, label or "正文")
                if leaves and not (base_rate and GRANTS_RE.search(sentence)):
                    _place(sentence, leaves, common, items)
                base_rate = base_rate or (not leaves and bool(GRANTS_RE.search(sentence)))
    conditions = list(common)
    alternatives = [kept for group in items if (kept := [leaf for leaf in group if not _narrows(leaf, common)])]
    if len(alternatives) == 1:
        conditions.extend(alternatives[0])
    elif alternatives:
        conditions.append({"any_of": [group[0] if len(group) == 1 else {"all_of": group} for group in alternatives],
                           "text": "符合以下任一支持项目的条件", "clause": "、".join(dict.fromkeys(
                               g[0]["clause"] for g in alternatives))})
    short = re.sub(r"^.*?关于(?:印发)?|的通知$|[《》]", "", title)[:24]
    windows = parse_windows("\n".join(p.text for p in passages))
    when = f"{windows[0].describe()}申报" if windows else "详见政策原文"
    return {"policy": doc_id, "title": title, "note": "根据原文自动起草，请逐条核对后采用、修改或删除。",
            "sms_name": short, "apply": when,
            "how_to_apply": f"{when}；请按《{title}》规定的方式提交申请。" if windows else
            f"请按《{title}》规定的时间和方式申报。", "conditions": conditions}


def _place(sentence: str, leaves: list[dict[str, Any]], common: list[dict[str, Any]],
           items: list[list[dict[str, Any]]]) -> None:
    """A sentence granting support to those who meet its conditions is one alternative; others hold for all.
    A condition already stated is not repeated within the same alternative, nor where it holds for all."""
    held = {_key(leaf) for leaf in common}
    if CONDITIONAL_RE.search(sentence):
        fresh = _unique(leaves, held)
        if fresh:
            items.append(fresh)
    else:
        common.extend(_unique(leaves, held))


def _unique(leaves: list[dict[str, Any]], seen: set[str]) -> list[dict[str, Any]]:
    out = []
    for leaf in leaves:
        if _key(leaf) not in seen:
            seen.add(_key(leaf))
            out.append(leaf)
    return out


def _narrows(leaf: dict[str, Any], common: list[dict[str, Any]]) -> bool:
    """An alternative that only names one of the kinds a common condition already allows (规上工业 under
    “纳入规模以上统计”) sets the amount for that kind; who may apply is already said."""
    tags = set(leaf.get("require", []) + leaf.get("require_any", []))
    return bool(tags) and any(tags < set(c.get("require_any", [])) for c in common)


def _key(leaf: dict[str, Any]) -> str:
    return repr(sorted((k, str(v)) for k, v in leaf.items() if k not in ("text", "clause")))


def to_yaml(rule: dict[str, Any]) -> str:
    return yaml.safe_dump(rule, allow_unicode=True, sort_keys=False, width=120)


def accepted(library: Library, policy: str) -> dict[str, Any] | None:
    """The rule accepted for a policy document, as saved; None when none has been."""
    path = library.source / rule_file(policy)
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None


def accept(library: Library, rule: dict[str, Any], who: str = "") -> str:
    """Save a rule an editor accepted (as drafted or edited) where the store reads conditions, as a version;
    returns its file. Problems are reported as the conditions checker words them."""
    rel = rule_file(str(rule.get("policy") or ""))
    _, errors = parse_rule(rule, rel)
    if errors:
        raise ContentError("条件还不能采用：" + "；".join(e.split(": ", 1)[-1] for e in errors))
    with library.history.locked():
        path = library.source / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(to_yaml(rule), encoding="utf-8")
        library.history.commit(library.source, who or who_default(), "修改", f"采用《{rule.get('title')}》的申报条件")
    return rel
