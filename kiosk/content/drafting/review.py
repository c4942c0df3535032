"""An editor's review of a drafted rule, one leaf at a time.

Each leaf is shown with the clause and the words it was read from and its values as form text; the editor keeps
it, changes its values (the measure, the comparison, the number; whether tags are required, any one of them, or
excluded; places; founding dates) or drops it; it may add a leaf the drafter missed (`additions`) and choose
whether the top-level conditions must all hold or any one suffices. The conditions checker
(`kiosk.policy.conditions.parse_rule`) judges every kept leaf, so what a valid condition is stays written once; its
messages are reworded to name the leaf and the field in the editor's words.
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kiosk.content.errors import ContentError
from kiosk.policy.conditions import parse_rule
from kiosk.policy.taxonomy import load_taxonomy

TAG_KEYS = ("require", "require_any", "exclude")
DIRECTIONS = {"require": "须具备", "require_any": "具备其中一项即可", "exclude": "不得属于"}
# the rule's own fields an editor may change: the push message must fit one SMS
RULE_FIELDS = ("sms_name", "apply")
GROUPS = ("all_of", "any_of")
ADDED = -1  # the number of a leaf the editor adds: it has none in the draft
NEW = "new-"  # and its form fields are named new-kind, new-text, new-value, …
LABELS = {"text": "条件说明", "fact": "指标", "op": "比较", "value": "数值", "direction": "要求", "tags": "资格或类别", "region": "注册地",
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
    kind: str  # fact | tags | region | established | other (kept as written, not editable here)
    clause: str
    text: str
    values: dict[str, str]  # field → the value as form text
    alternative: int = 0  # k > 0: a condition of the k-th of several support items (any one of which suffices)


@dataclass(frozen=True)
class LeafProblem:
    number: int  # the leaf's number; 0 for the rule's own fields, ADDED for the leaf the editor adds
    field: str
    message: str

    @property
    def key(self) -> str:
        """The name of the form field the problem is shown beside."""
        if self.number == ADDED:
            return f"{NEW}{self.field}"
        return f"{self.number}-{self.field}" if self.number else self.field

    def __str__(self) -> str:
        leaf = "添加的条件" if self.number == ADDED else f"第 {self.number} 条条件" if self.number else ""
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
    return [_as_review(number, node, alternative) for number, node, alternative in _walk(top_group(rule)[1])]


def reviewed(rule: Mapping[str, Any], decisions: Mapping[int, Mapping[str, str] | None],
             fields: Mapping[str, str], added: Sequence[dict[str, Any]] = (), group: str = "") -> dict[str, Any]:
    """The rule after the editor's review: ``decisions`` maps a leaf's number to its values as edited, or to None
    when the editor dropped it (a leaf not named is kept as it is); ``fields`` holds the rule's own fields; the
    ``added`` leaves join the top level, whose conditions then combine by ``group`` (all_of | any_of; as before
    when not given). A group left without conditions goes too. ReviewError names every problem, by leaf and field."""
    out = copy.deepcopy(dict(rule))
    group = group if group in GROUPS else top_group(rule)[0]
    out.update({k: fields[k].strip() for k in RULE_FIELDS if k in fields})
    problems: list[LeafProblem] = []
    numbers = itertools.count(1)

    def rebuild(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
        kept = []
        for node in nodes:
            group = next((k for k in ("all_of", "any_of") if k in node), "")
            if group:
                children = rebuild(node[group])
                if children:
                    kept.append({**node, group: children})
                continue
            number = next(numbers)
            if number in decisions and decisions[number] is None:
                continue
            leaf = edited(node, decisions.get(number))
            problems.extend(_check(number, leaf))
            kept.append(leaf)
        return kept

    kept = rebuild(top_group(out)[1])
    for leaf in added:
        problems.extend(_check(ADDED, leaf))
    kept.extend(added)
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


def _walk(nodes: list[dict[str, Any]], alternative: int = 0,
          counter: Iterator[int] | None = None) -> Iterator[tuple[int, dict[str, Any], int]]:
    counter = counter or itertools.count(1)
    for node in nodes:
        if "any_of" in node and not alternative:
            for k, child in enumerate(node["any_of"], 1):
                yield from _walk([child], k, counter)
        elif "any_of" in node or "all_of" in node:
            yield from _walk(node.get("any_of") or node.get("all_of"), alternative, counter)
        else:
            yield next(counter), node, alternative


def _kind(node: Mapping[str, Any]) -> str:
    if any(k in node for k in TAG_KEYS):
        return "tags"
    return next((k for k in ("fact", "region", "established") if k in node), "other")


def _as_review(number: int, node: Mapping[str, Any], alternative: int) -> ReviewLeaf:
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
    else:
        values = {}
    return ReviewLeaf(number, kind, str(node.get("clause", "")), str(node.get("text", "")), values, alternative)


def _shown(value: object) -> str:
    """A value as the editor types it: 2, not 2.0."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _name(taxonomy: Any, tag: object) -> str:
    return taxonomy.tags[tag].name if tag in taxonomy.tags else str(tag)


def edited(node: Mapping[str, Any], values: Mapping[str, str] | None) -> dict[str, Any]:
    """The leaf with the editor's values; names are turned back into the taxonomy's ids where they are known, and
    anything else is left as typed for the checker to name."""
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
