"""A draft of one policy's eligibility rule, for an editor to accept, edit or reject.

The policy's passages are cut into clauses (an article, or an enumerated item inside it: 第三条（二）); clauses
about who may apply give the rule's common conditions, clauses that grant a support item to those meeting a
condition (“对…的，给予…”) give one alternative each, combined as an any_of. A document of measures under headings
(“一、支持企业稳定岗位”) gives one alternative per measure, and a condition every alternative states holds for all.
Clauses about materials, review and procedure give none; which sentences may state conditions is `sentences`'s to
say. Every leaf carries the clause it came from and the words it was read from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import yaml

from kiosk.content.drafting.issuer import issuer_region, states_region
from kiosk.content.drafting.leaves import find_leaves
from kiosk.content.drafting.sentences import lists_conditions, lists_materials, stating
from kiosk.content.errors import ContentError
from kiosk.content.library import Library, rule_file, who_default
from kiosk.policy.conditions import parse_rule
from kiosk.store.records import Passage
from kiosk.store.validity import parse_windows

# item marks: （一） （1） (1) 1、 1． and “1.” when no digit follows (not a decimal such as 1.5)
ITEM_RE = re.compile(r"（(?:[一二三四五六七八九十]{1,3}|\d{1,2})）|\([一二三四五六七八九十\d]{1,3}\)|(?<![\d.])\d{1,2}(?:[、．]|\.(?!\d))|"
                     r"[①②③④⑤⑥⑦⑧⑨⑩]")
APPLIES_RE = re.compile(r"适用|对象|条件|申报|申请|符合|满足|具备|须|应当|应|资格|范围|主体|企业|单位")
GRANTS_RE = re.compile(r"给予|奖励|补助|补贴|资助|扶持|贴息|支持|一次性")
# a grant of money (“给予10万元补助”), not the broad support (支持, 扶持) a document's headings and aims speak of
PAYS_RE = re.compile(r"给予|奖励|补助|补贴|资助|贴息|一次性")
# “…的，给予…” / “…的，按…享受”: what follows holds for those who meet the condition, an alternative
CONDITIONAL_RE = re.compile(r"的[^。；]*?(给予|奖励|补助|补贴|资助)|的[，,]\s*(?:按|享受|可|予以)")
# outside an article or a list of conditions, a paragraph lists measures: a sentence naming whom one is for (“对认定的
# 高新技术企业减按15%的税率征收”) is one alternative, unless it states what all must meet (“适用于…”, “申报单位须…”)
REQUIRES_RE = re.compile(r"适用|须|应当")


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
            out.append((f"{label}{m.group(0).rstrip('、．.')}", p.text[m.start():nxt.start() if nxt else len(p.text)]))
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
            if not lists_materials(passage, text):
                _draft_clause(passage, label or "正文", text, common, items)
    held = {_key(leaf) for leaf in common}  # what holds for all is not repeated in an item, wherever it was stated
    items = [[leaf for leaf in group if _key(leaf) not in held] for group in items]
    common.extend(_shared(items))
    conditions = list(common)
    alternatives = [kept for group in items if (kept := [leaf for leaf in group if not _narrows(leaf, common)])]
    if len(alternatives) == 1:
        conditions.extend(alternatives[0])
    elif alternatives:
        conditions.append({"any_of": [group[0] if len(group) == 1 else {"all_of": group} for group in alternatives],
                           "text": "符合以下任一支持项目的条件", "clause": "、".join(dict.fromkeys(
                               g[0]["clause"] for g in alternatives))})
    # a local policy's support is for enterprises of its place, whether or not a clause says so
    if not states_region(conditions) and (place := issuer_region(title, passages)):
        conditions.insert(0, place)
    short = re.sub(r"^.*?关于(?:印发)?|的通知$|[《》]", "", title)[:24]
    windows = parse_windows("\n".join(p.text for p in passages))
    when = f"{windows[0].describe()}申报" if windows else "详见政策原文"
    return {"policy": doc_id, "title": title, "note": "根据原文自动起草，请逐条核对后采用、修改或删除。",
            "sms_name": short, "apply": when,
            "how_to_apply": f"{when}；请按《{title}》规定的方式提交申请。" if windows else
            f"请按《{title}》规定的时间和方式申报。", "conditions": conditions}


def _draft_clause(passage: Passage, label: str, text: str, common: list[dict[str, Any]],
                  items: list[list[dict[str, Any]]]) -> None:
    """The conditions one clause states, added where they hold: for all (``common``) or for one support item."""
    # an article, an item or a paragraph under a heading naming a grant (“五、创业带动就业补贴”) is one measure: a
    # grant to all it covers makes later grants in it higher rates for some. A paragraph under a heading naming an
    # aim (“四、鼓励创业带动就业”) lists measures each standing on its own.
    granted = bool(PAYS_RE.search(passage.heading))
    one_measure = bool(passage.article or ITEM_RE.match(text) or granted)
    listed = lists_conditions(passage, text)
    base_rate = False
    own: list[dict[str, Any]] | None = None  # the clause's support item, once it has one
    # every sentence about one grant is about whom it is for
    for sentence in stating(text, listed or granted):
        leaves = find_leaves(sentence, label)
        if leaves and not (base_rate and GRANTS_RE.search(sentence)):
            if CONDITIONAL_RE.search(sentence):
                _place(leaves, common, items)
            elif listed or REQUIRES_RE.search(sentence):
                _place(leaves, common)
            else:
                own = _place(leaves, common, items, own if one_measure else None)
        base_rate = base_rate or (one_measure and not leaves and bool(PAYS_RE.search(sentence)))


def _place(leaves: list[dict[str, Any]], common: list[dict[str, Any]], items: list[list[dict[str, Any]]] | None = None,
           into: list[dict[str, Any]] | None = None) -> list[dict[str, Any]] | None:
    """A sentence's leaves as conditions that hold for all (no ``items``), or as a support item: ``into`` when
    given, else a new one of ``items``; returns that item. A condition already stated is not repeated within the
    same item, nor where it holds for all."""
    held = {_key(leaf) for leaf in common}
    if items is None:
        common.extend(_unique(leaves, held))
        return None
    if into is not None:
        into.extend(_unique(leaves, held | {_key(leaf) for leaf in into}))
        return into
    fresh = _unique(leaves, held)
    if fresh:
        items.append(fresh)
    return fresh or None


def _shared(items: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """A condition every one of several support items states (中小微企业 in each measure of a policy for them)
    holds for all: taken out of the items and returned once — unless an item would be left with nothing of its
    own, which would make the others' conditions moot."""
    if len(items) < 2:
        return []
    keys = set.intersection(*({_key(leaf) for leaf in group} for group in items))
    if any({_key(leaf) for leaf in group} <= keys for group in items):
        return []
    shared = [leaf for leaf in items[0] if _key(leaf) in keys]
    for group in items:
        group[:] = [leaf for leaf in group if _key(leaf) not in keys]
    return shared


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
