"""An editor's review of a drafted rule, one leaf at a time.

Each leaf is shown with the clause and the words it was read from and its values as form text; the editor keeps
it, changes its values (the measure, the comparison, the number; whether tags are required, any one of them, or
excluded; places; founding dates; which registered question the kiosk asks) or drops it, and may move it into or
out of an alternative of an any_of group (`places`); it may add leaves the drafter missed (`additions`) and choose
whether the top-level conditions must all hold or any one suffices. The conditions checker
(`kiosk.policy.conditions.parse_rule`) judges every kept leaf, so what a valid condition is stays written once; its
messages are reworded to name the leaf and the field in the editor's words.
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kiosk.content.drafting import places
from kiosk.content.errors import ContentError
from kiosk.policy.conditions import parse_rule
from kiosk.policy.taxonomy import load_taxonomy

TAG_KEYS = ("require", "require_any", "exclude")
DIRECTIONS = {"require": "须具备", "require_any": "具备其中一项即可", "exclude": "不得属于"}
# the rule's own fields an editor may change: the push message must fit one SMS
RULE_FIELDS = ("sms_name", "apply")
GROUPS = ("all_of", "any_of")
ADDED = -1  # the number of a leaf the editor adds: it has none in the draft (its place among the added ones counts)
ADD = "add"  # and its form fields are named add2-kind, add2-text, add2-value, …
LABELS = {"kind": "类型", "place": "位置", "ask": "要问企业的问题", "text": "条件说明", "fact": "指标", "op": "比较", "value": "数值", "direction": "要求", "tags": "资格或类别", "region": "注册地",
          "from": "最早成立日期", "to": "最晚成立日期", "sms_name": "短信中的政策简称", "apply": "申报时间"}
# the checker names the keys of the rule file; each is shown as the form field it comes from
CHECKER_KEYS = {"text": "text", "fact": "fact", "op": "op", "value": "value", "require": "tags", "require_any": "tags",
                "exclude": "tags", "region": "region", "established": "from", "from": "from", "to": "to",
                "sms_name": "sms_name", "apply": "apply"}
CHECKER_WORDS = {"数值事实": "fact", "地区": "region", "标签": "tags", "短信": "sms_name"}
SEPARATORS = re.compile(r"[、，,；;\s]+")
VALID_HEAD = {"policy": "review.md", "title": "审核", "sms_name": "审核", "apply": "审核", "how_to_apply": "审核"}


@dataclass
class ReviewLeaf:
    """One leaf as the review form shows it."""

    number: int  # from 1, in the order the rule states its leaves
    kind: str  # fact | tags | region | established | ask | other (kept as written, not editable here)
    clause: str
    text: str
    values: dict[str, str]  # field → the value as form text
    place: str = places.TOP  # or "g.k": a condition of the k-th support item of the g-th any_of group
    group: int = 0  # g, for a leaf in a support item
    alternative: int = 0  # k > 0: a condition of the k-th of several support items (any one of which suffices)


@dataclass(frozen=True)
class LeafProblem:
    number: int  # the leaf's number; 0 for the rule's own fields, ADDED for a leaf the editor adds
    field: str
    message: str
    added: int = 0  # which of the leaves the editor adds, from 1

    @property
    def key(self) -> str:
        """The name of the form field the problem is shown beside."""
        if self.number == ADDED:
            return f"{ADD}{self.added}-{self.field}"
        return f"{self.number}-{self.field}" if self.number else self.field

    def __str__(self) -> str:
        leaf = (f"添加的第 {self.added} 条条件" if self.number == ADDED else
                f"第 {self.number} 条条件" if self.number else "")
        named = "的".join(n for n in (leaf, LABELS.get(self.field, "")) if n)
        return f"{named}：{self.message}" if named else self.message


class ReviewError(ContentError):
    def __init__(self, problems: list[LeafProblem]):
        super().__init__("条件还不能采用，请修改：" + "；".join(map(str, problems)))
        self.problems = problems


def top_group(rule: Mapping[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """How the rule's top-level conditions combine (all_of | any_of) and the conditions: a rule file writes a plain
    list for all_of."""
    conditions = rule["conditions"]
    if isinstance(conditions, dict):
        group = next(k for k in GROUPS if k in conditions)
        return group, conditions[group]
    return "all_of", conditions


def review_leaves(rule: Mapping[str, Any]) -> list[ReviewLeaf]:
    return [_as_review(number, node, place)
            for number, (place, node) in enumerate(places.walk(top_group(rule)[1]), 1)]


def reviewed(rule: Mapping[str, Any], decisions: Mapping[int, Mapping[str, str] | None],
             fields: Mapping[str, str], added: Sequence[tuple[dict[str, Any], str]] = (), group: str = "",
             asks: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The rule after the editor's review: ``decisions`` maps a leaf's number to its values as edited (with its
    ``place``, when moved), or to None when the editor dropped it (a leaf not named is kept as it is); ``fields``
    holds the rule's own fields; the ``added`` (leaf, place) pairs join the rule where placed; the top-level
    conditions then combine by ``group`` (all_of | any_of; as before when not given); ``asks`` maps the
    registered questions' ids to their wording. A group left without conditions goes too. ReviewError names every
    problem, by leaf and field."""
    out = copy.deepcopy(dict(rule))
    group = group if group in GROUPS else top_group(rule)[0]
    out.update({k: fields[k].strip() for k in RULE_FIELDS if k in fields})
    problems: list[LeafProblem] = []
    numbers = itertools.count(1)
    nodes = top_group(out)[1]
    valid = {place for place, _ in places.choices(nodes)}

    def decide(node: dict[str, Any], place: str) -> tuple[dict[str, Any] | None, str]:
        number = next(numbers)
        if number in decisions and decisions[number] is None:
            return None, place
        leaf = edited(node, decisions.get(number), asks)
        problems.extend(_check(number, leaf))
        target = (decisions.get(number) or {}).get("place", place)
        if target not in valid:
            problems.append(LeafProblem(number, "place", "请从列表中选择"))
        return leaf, target

    for n, (leaf, place) in enumerate(added, 1):
        problems.extend(check_added(n, leaf, place, valid))
    kept = places.rebuild(nodes, decide, added)
    out["conditions"] = kept if group == "all_of" else {"any_of": kept}
    if not problems:
        if not kept:
            problems.append(LeafProblem(0, "", "所有条件都已删除。文件本身没有申报条件时，不必采用。"))
        else:
            _, errors = parse_rule(out, "review")
            problems.extend(_problem(0, error, "sms_name") for error in errors)
    if problems:
        raise ReviewError(problems)
    return out


def check_added(n: int, leaf: dict[str, Any], place: str, valid: set[str]) -> list[LeafProblem]:
    """The problems of the n-th leaf the editor adds, put at ``place`` (one of ``valid``)."""
    problems = [LeafProblem(ADDED, p.field, p.message, n) for p in _check(ADDED, leaf)]
    if place not in valid:
        problems.append(LeafProblem(ADDED, "place", "请从列表中选择", n))
    return problems


def _kind(node: Mapping[str, Any]) -> str:
    if any(k in node for k in TAG_KEYS):
        return "tags"
    return next((k for k in ("fact", "region", "established", "ask") if k in node), "other")


def _as_review(number: int, node: Mapping[str, Any], place: str) -> ReviewLeaf:
    taxonomy = load_taxonomy()
    kind = _kind(node)
    if kind == "fact":
        values = {"fact": str(node["fact"]), "op": str(node.get("op", "")), "value": _shown(node.get("value", ""))}
    elif kind == "tags":
        direction = next(k for k in TAG_KEYS if k in node)
        tags = node[direction] if isinstance(node[direction], list) else [node[direction]]
        values = {"direction": direction, "tags": "、".join(_name(taxonomy, t) for t in tags)}
    elif kind == "region":
        places = node["region"] if isinstance(node["region"], list) else [node["region"]]
        values = {"region": "、".join(_name(taxonomy, p) for p in places)}
    elif kind == "established":
        window = node["established"] if isinstance(node["established"], dict) else {}
        values = {k: str(window.get(k) or "") for k in ("from", "to")}
    elif kind == "ask":
        values = {"ask": str(node["ask"])}
    else:
        values = {}
    g, _, k = place.partition(".")
    return ReviewLeaf(number, kind, str(node.get("clause", "")), str(node.get("text", "")),
                      values, place, int(g), int(k or 0))


def _shown(value: object) -> str:
    """A value as the editor types it: 2, not 2.0."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _name(taxonomy: Any, tag: object) -> str:
    return taxonomy.tags[tag].name if tag in taxonomy.tags else str(tag)


def edited(node: Mapping[str, Any], values: Mapping[str, str] | None,
           asks: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The leaf with the editor's values; names are turned back into the taxonomy's ids where they are known, and
    anything else is left as typed for the checker to name. A question chosen among ``asks`` (id → wording)
    brings its wording; one not among them has none, and is refused."""
    leaf = dict(node)
    if values is None:
        return leaf
    taxonomy = load_taxonomy()
    kind = _kind(node)
    if kind == "fact":
        value = values.get("value", "").strip()
        leaf.update(fact=values.get("fact", leaf["fact"]), op=values.get("op", leaf.get("op")),
                    value=_number(value) if value else None)
    elif kind == "tags":
        direction = values.get("direction", "")
        for key in TAG_KEYS:
            leaf.pop(key, None)
        words = [w for w in SEPARATORS.split(values.get("tags", "")) if w]
        leaf[direction if direction in TAG_KEYS else "require"] = [taxonomy.resolve_tag(w) or w for w in words]
    elif kind == "region":
        words = [w for w in SEPARATORS.split(values.get("region", "")) if w]
        leaf["region"] = [_street(taxonomy, w) for w in words]
    elif kind == "established":
        leaf["established"] = {k: values[k].strip() for k in ("from", "to") if values.get(k, "").strip()}
    elif kind == "ask" and values.get("ask", leaf["ask"]).strip() != leaf["ask"]:
        leaf["ask"] = values["ask"].strip()
        leaf["question"] = (asks or {}).get(leaf["ask"], "")
    return leaf


def _number(text: str) -> int | float | str:
    """A plain number as a number (as the hand-written rules write it); with a unit it stays text (3%, 2亿元)."""
    if re.fullmatch(r"\d+", text):
        return int(text)
    if re.fullmatch(r"\d+\.\d+", text):
        return float(text)
    return text


def _street(taxonomy: Any, word: str) -> str:
    tag = taxonomy.resolve_tag(word)
    return tag if tag and taxonomy.tags[tag].category == "street" else word


def _check(number: int, leaf: dict[str, Any]) -> list[LeafProblem]:
    if _kind(leaf) == "fact" and leaf.get("value") is None:
        return [LeafProblem(number, "value", "不能为空，请填写数值，如 3%、2000万元、20")]
    if _kind(leaf) == "ask" and not (str(leaf["ask"]).strip() and leaf.get("question")):
        return [LeafProblem(number, "ask", "请从列表中选择一个问题")]
    _, errors = parse_rule({**VALID_HEAD, "conditions": [leaf]}, "review")
    return [_problem(number, error, "") for error in errors]


def _problem(number: int, error: str, fallback: str) -> LeafProblem:
    """A checker message ("review:3: “value”不是数值…") as a problem of one field, in the form's words."""
    message = error.split(": ", 1)[-1]
    quoted = [CHECKER_KEYS[k] for k in re.findall(r"“(\w+)”", message) if k in CHECKER_KEYS]
    field = quoted[0] if quoted else next((f for w, f in CHECKER_WORDS.items() if w in message), fallback)
    for key, name in CHECKER_KEYS.items():
        message = message.replace(f"“{key}”", f"“{LABELS[name]}”")
    for key in RULE_FIELDS:  # the SMS check names both fields bare
        message = message.replace(key, f"“{LABELS[key]}”")
    return LeafProblem(number, field, message)
