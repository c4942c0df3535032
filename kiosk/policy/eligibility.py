"""Three-valued, explainable eligibility: which policies fit an enterprise, why, and what to ask next.

Every condition comes out met, not met or unknown, with a sentence that cites its clause. A policy is *met* when
its conditions hold, *not met* when one that matters fails, and otherwise needs answers: the engine finds the
fewest questions that could make it met (any_of takes the cheapest branch, all_of needs every unknown part), so
"one answer away" policies come right after the met ones, each with the question that settles it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property
from typing import Any

from kiosk.policy.availability import Availability, PolicyDocument, availability
from kiosk.policy.conditions import Group, Leaf, Rule, RuleSet, load_rules
from kiosk.policy.profile import SOURCE_NAMES, EnterpriseProfile, ProfileView
from kiosk.policy.taxonomy import DISTRICT, Taxonomy, is_place, load_taxonomy
from kiosk.policy.values import parse_bool, parse_date, parse_number, show

OP_WORDS = {">=": "不低于", ">": "超过", "<=": "不超过", "<": "低于", "==": "等于", "!=": "不等于"}
_COMPARE = {
    ">=": lambda a, b: a >= b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b,
}
RANK = {"met": 0, "one_step": 1, "unknown": 2, "not_met": 3}


class Status(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Question:
    """A follow-up question; pass ``key`` (or ``fact`` with a number) back to `answer`."""

    key: str
    text: str
    kind: str  # yesno | number | date | place
    fact: str = ""  # the tag or fact the question is about, when there is one

    def to_dict(self) -> dict[str, str]:
        return {"key": self.key, "text": self.text, "kind": self.kind, "fact": self.fact}


@dataclass
class ConditionResult:
    """One condition's outcome. The sentence and the question are written only when someone reads them, so
    ranking all policies for a visitor costs little more than deciding their statuses."""

    text: str
    status: Status
    clause: str
    explain: Callable[[], str] = field(repr=False, default=lambda: "")
    ask: Callable[[], Question] | None = field(repr=False, default=None)
    children: list[ConditionResult] = field(default_factory=list)
    needed: frozenset[str] | None = None  # the answers that could make it met; None when nothing can
    key: str = ""  # the leaf's answer key, when it is a leaf

    @cached_property
    def explanation(self) -> str:
        return self.explain()

    @cached_property
    def question(self) -> Question | None:
        return self.ask() if self.ask else None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "status": str(self.status), "clause": self.clause,
                               "explanation": self.explanation,
                               "question": self.question.text if self.question else None}
        if self.question:
            out["question_key"] = self.question.key
        if self.children:
            out["children"] = [c.to_dict() for c in self.children]
        return out


@dataclass
class PolicyMatch:
    rule: str
    policy: str
    title: str
    status: str  # met | one_step | unknown | not_met
    conditions: list[ConditionResult]
    questions: list[Question]  # the fewest answers that could make the policy met, in condition order
    how_to_apply: str
    item: str = ""
    sample: bool = False
    availability: Availability = field(default_factory=Availability)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule, "policy": self.policy, "title": self.title, "item": self.item,
            "status": self.status, "sample": self.sample, "availability": self.availability.to_dict(),
            "conditions": [c.to_dict() for c in self.conditions],
            "questions": [q.to_dict() for q in self.questions],
            "how_to_apply": self.how_to_apply,
        }


class Matcher:
    """Evaluates a profile against a rule set. Cheap to call: no I/O after construction."""

    def __init__(self, rules: RuleSet | list[Rule], taxonomy: Taxonomy | None = None, today: date | None = None,
                 documents: Mapping[str, PolicyDocument] | None = None):
        """``documents`` (policy id → document record) says when each policy applies; without it every policy
        counts as in force."""
        self.rules = rules.rules if isinstance(rules, RuleSet) else list(rules)
        self.taxonomy = taxonomy or load_taxonomy()
        self.today = today
        self.documents = documents or {}

    @classmethod
    def default(cls, store: Any = None) -> Matcher:
        documents = {d.id: d for d in store.documents()} if store is not None else None
        return cls(load_rules(store), documents=documents)

    def match(self, profile: EnterpriseProfile) -> list[PolicyMatch]:
        """Every policy, best first: met, one answer away, more answers, then not met; policies that can no
        longer be applied for (expired, windows over) come last, whatever their conditions say."""
        view = profile.snapshot(self.taxonomy, self.today)
        results = [self.evaluate(rule, view) for rule in self.rules]
        results.sort(key=lambda m: (not m.availability.offered, RANK[m.status], len(m.questions), m.title))
        return results

    def evaluate(self, rule: Rule, profile: EnterpriseProfile | ProfileView) -> PolicyMatch:
        view = profile if isinstance(profile, ProfileView) else profile.snapshot(self.taxonomy, self.today)
        root = self._node(rule.root, view, rule.policy, top=True)
        if root.status is Status.MET:
            status = "met"
        elif root.status is Status.NOT_MET or root.needed is None:
            status = "not_met"
        else:
            status = "one_step" if len(root.needed) == 1 else "unknown"
        offer = availability(self.documents.get(rule.policy), self.today or date.today())
        questions: list[Question] = []
        if status in ("one_step", "unknown") and offer.offered:  # nothing to ask about a policy that is over
            seen: set[str] = set()
            for leaf in _unknown_leaves(root):
                if leaf.key in root.needed and leaf.key not in seen:  # type: ignore[operator]
                    seen.add(leaf.key)
                    questions.append(leaf.question)  # type: ignore[arg-type]
        conditions = root.children if not rule.root.text else [root]
        return PolicyMatch(rule.id, rule.policy, rule.title, status, conditions, questions, rule.how_to_apply,
                           rule.item, rule.sample, offer)

    # -- nodes ------------------------------------------------------------------------------------------------

    def _node(self, node: Leaf | Group, profile: ProfileView, doc: str, top: bool = False) -> ConditionResult:
        if isinstance(node, Leaf):
            return self._leaf(node, profile, doc)
        children = [self._node(c, profile, doc) for c in node.children]
        statuses = [c.status for c in children]
        feasible = [c.needed for c in children if c.needed is not None]
        if node.mode == "all":
            status = Status.NOT_MET if Status.NOT_MET in statuses else (
                Status.MET if all(s is Status.MET for s in statuses) else Status.UNKNOWN)
            needed = frozenset().union(*feasible) if len(feasible) == len(children) else None
        else:
            status = Status.MET if Status.MET in statuses else (
                Status.NOT_MET if all(s is Status.NOT_MET for s in statuses) else Status.UNKNOWN)
            needed = min(feasible, key=len) if feasible else None
        text = node.text or ("同时满足以下条件" if node.mode == "all" else "满足以下条件之一")
        clause = node.clause or "、".join(dict.fromkeys(c.clause for c in children if c.clause))
        if top and not node.text:
            return ConditionResult(text, status, clause, children=children, needed=needed)
        mode = node.mode
        return ConditionResult(text, status, clause, lambda: _group_explanation(mode, status, children, clause),
                               children=children, needed=needed)

    def _leaf(self, leaf: Leaf, profile: ProfileView, doc: str) -> ConditionResult:
        status = self._status(leaf, profile)
        answered = status is Status.UNKNOWN and leaf.key in profile.answers
        if answered:
            status = Status.MET if profile.answers[leaf.key].value else Status.NOT_MET
        needed = frozenset() if status is Status.MET else (
            frozenset({leaf.key}) if status is Status.UNKNOWN else None)
        ask = (lambda: self._question(leaf)) if status is Status.UNKNOWN else None
        return ConditionResult(leaf.text, status, leaf.clause, lambda: self._explain(leaf, profile, doc, answered),
                               ask, [], needed, leaf.key)

    def _explain(self, leaf: Leaf, profile: ProfileView, doc: str, answered: bool) -> str:
        status, detail, source = self._check(leaf, profile)
        if answered:
            status = Status.MET if profile.answers[leaf.key].value else Status.NOT_MET
            detail, source = ("您确认符合" if status is Status.MET else "您表示不符合"), ""
        cite = leaf.clause if leaf.doc == doc else f"《{leaf.doc}》{leaf.clause}"
        verdict = {Status.MET: "满足", Status.NOT_MET: "不满足", Status.UNKNOWN: "待确认"}[status]
        origin = f"，来源：{SOURCE_NAMES[source]}" if source else ""
        return f"{verdict}：{detail}（{cite}{origin}）"

    def _status(self, leaf: Leaf, profile: ProfileView) -> Status:
        """The same verdict as `_check`, without writing the sentence."""
        if leaf.kind == "tags":
            unknown = False
            for t in leaf.require:
                v = profile.tag(t)
                if v is False:
                    return Status.NOT_MET
                unknown |= v is None
            if leaf.require_any:
                values = [profile.tag(t) for t in leaf.require_any]
                if not any(values):
                    if all(v is False for v in values):
                        return Status.NOT_MET
                    unknown = True
            for t in leaf.exclude:
                v = profile.tag(t)
                if v:
                    return Status.NOT_MET
                unknown |= v is None
            return Status.UNKNOWN if unknown else Status.MET
        if leaf.kind == "fact":
            value = profile.number(leaf.fact)
            if value is None:
                return Status.UNKNOWN
            return Status.MET if _COMPARE[leaf.op](value, leaf.value) else Status.NOT_MET
        if leaf.kind == "region":
            places = profile.places()
            if places is None:
                return Status.UNKNOWN
            if any(r in places for r in leaf.regions):
                return Status.MET
            if places[0] == DISTRICT and any(r in self.taxonomy.tags for r in leaf.regions):
                return Status.UNKNOWN  # in the district, street not yet known
            return Status.NOT_MET
        if leaf.kind == "established":
            established = profile.date("established")
            if established is None:
                return Status.UNKNOWN
            ok = (leaf.after is None or established >= leaf.after) and (leaf.before is None or established <= leaf.before)
            return Status.MET if ok else Status.NOT_MET
        return Status.UNKNOWN

    def _check(self, leaf: Leaf, profile: ProfileView) -> tuple[Status, str, str]:
        """The status, a detail sentence and the provenance of the deciding fact."""
        tax = self.taxonomy
        if leaf.kind == "tags":
            return self._check_tags(leaf, profile)
        if leaf.kind == "fact":
            spec = tax.facts[leaf.fact]
            want = f"要求{OP_WORDS[leaf.op]}{show(leaf.value, spec.unit)}"
            value = profile.number(leaf.fact)
            if value is None:
                return Status.UNKNOWN, f"还不知道{spec.name}，{want}", ""
            ok = _COMPARE[leaf.op](value, leaf.value)
            return (Status.MET if ok else Status.NOT_MET), f"{spec.name}为{show(value, spec.unit)}，{want}", \
                profile.source_of(leaf.fact)
        if leaf.kind == "region":
            wanted = "、".join(tax.tags[r].name if r in tax.tags else r for r in leaf.regions)
            places = profile.places()
            if places is None:
                return Status.UNKNOWN, f"还不知道注册地，本条限{wanted}", ""
            where = tax.tags[places[0]].name if places[0] in tax.tags else places[0]
            source = profile.tag_source(places[0]) if places[0] in tax.tags else profile.source_of("district")
            if any(r in places for r in leaf.regions):
                return Status.MET, f"注册在{where}，属于{wanted}", source
            if places[0] == DISTRICT and any(r in tax.tags for r in leaf.regions):
                return Status.UNKNOWN, f"已知在{DISTRICT}，还不知道在哪个镇街，本条限{wanted}", source
            return Status.NOT_MET, f"注册在{where}，本条限{wanted}", source
        if leaf.kind == "established":
            window = _window_text(leaf)
            established = profile.date("established")
            if established is None:
                return Status.UNKNOWN, f"还不知道成立日期，本条要求{window}", ""
            ok = (leaf.after is None or established >= leaf.after) and (leaf.before is None or established <= leaf.before)
            return (Status.MET if ok else Status.NOT_MET), f"成立于{established.isoformat()}，本条要求{window}", \
                profile.source_of("established")
        return Status.UNKNOWN, leaf.text, ""  # ask: only a visitor's answer settles it

    def _check_tags(self, leaf: Leaf, profile: ProfileView) -> tuple[Status, str, str]:
        tax = self.taxonomy
        parts: list[tuple[Status, str, str]] = []
        for t in leaf.require:
            v = profile.tag(t)
            parts.append((_tri(v), _phrase(tax, t, v), profile.tag_source(t)))
        if leaf.require_any:
            values = {t: profile.tag(t) for t in leaf.require_any}
            hit = [t for t, v in values.items() if v]
            listing = "、".join(tax.tags[t].name for t in leaf.require_any)
            if hit:
                parts.append((Status.MET, _phrase(tax, hit[0], True), profile.tag_source(hit[0])))
            elif all(v is False for v in values.values()):
                parts.append((Status.NOT_MET, f"不属于{listing}中的任何一项", profile.tag_source(leaf.require_any[0])))
            else:
                parts.append((Status.UNKNOWN, f"是否属于{listing}之一", ""))
        for t in leaf.exclude:
            v = profile.tag(t)
            parts.append((_tri(None if v is None else not v), _phrase(tax, t, v), profile.tag_source(t)))
        bad = [p for p in parts if p[0] is Status.NOT_MET]
        if bad:
            return Status.NOT_MET, f"贵单位{bad[0][1]}", bad[0][2]
        unknown = [p for p in parts if p[0] is Status.UNKNOWN]
        if unknown:
            return Status.UNKNOWN, "还不知道贵单位" + "、".join(p[1] for p in unknown), ""
        sources = {p[2] for p in parts if p[2]}
        return Status.MET, "贵单位" + "，".join(p[1] for p in parts), (sources.pop() if len(sources) == 1 else "")

    def _question(self, leaf: Leaf) -> Question:
        tax = self.taxonomy
        if leaf.kind == "fact":
            spec = tax.facts[leaf.fact]
            text = leaf.question or f"贵单位{spec.name}是否{OP_WORDS[leaf.op]}{show(leaf.value, spec.unit)}？"
            return Question(leaf.key, text, "yesno", leaf.fact)
        if leaf.kind == "tags" and leaf.key in tax.tags:
            return Question(leaf.key, leaf.question or _tag_question(tax, leaf.key), "yesno", leaf.key)
        if leaf.kind == "region":
            return Question(leaf.key, leaf.question or "贵单位注册在哪个区、哪个镇街？", "place", "district")
        if leaf.kind == "established":
            return Question(leaf.key, leaf.question or tax.facts["established"].ask, "date", "established")
        return Question(leaf.key, leaf.question or f"请问贵单位是否符合：{leaf.text}？", "yesno")


def _phrase(tax: Taxonomy, tag_id: str, value: bool | None) -> str:
    """How a tag reads after 贵单位: 是高新技术企业 / 属于软件和信息技术服务业 / 位于西溪街道 / 租赁场地经营."""
    tag = tax.tags[tag_id]
    if tag.category in ("status", "operation", "founder"):
        return {True: tag.name, False: f"没有“{tag.name}”的情况", None: f"是否{tag.name}"}[value]
    verb = {"industry_section": "属于", "industry_division": "属于", "sector": "属于", "street": "位于"}.get(
        tag.category, "是")
    negative = {"属于": "不属于", "位于": "不在", "是": "不是"}[verb]
    return {True: f"{verb}{tag.name}", False: f"{negative}{tag.name}", None: f"是否{verb}{tag.name}"}[value]


def _tri(value: bool | None) -> Status:
    return Status.UNKNOWN if value is None else Status.MET if value else Status.NOT_MET


def _window_text(leaf: Leaf) -> str:
    if leaf.after and leaf.before:
        return f"在{leaf.after.isoformat()}至{leaf.before.isoformat()}之间成立"
    if leaf.after:
        return f"在{leaf.after.isoformat()}以后成立"
    return f"在{leaf.before.isoformat()}以前成立"  # type: ignore[union-attr]


def _tag_question(tax: Taxonomy, tag_id: str) -> str:
    tag = tax.tags[tag_id]
    if tag.category in ("industry_section", "industry_division", "sector"):
        return f"贵单位是否属于{tag.name}？"
    if tag.category == "street":
        return f"贵单位是否注册在{tag.name}？"
    if tag.category == "founder":
        return f"请问{tag.name}吗？"
    if tag.category in ("status", "operation"):
        return f"贵单位是否{tag.name}？"
    return f"贵单位是否为{tag.name}？"


def _group_explanation(mode: str, status: Status, children: list[ConditionResult], clause: str) -> str:
    cite = f"（{clause}）" if clause else ""
    if mode == "any":
        if status is Status.MET:
            hit = next(c for c in children if c.status is Status.MET)
            return f"满足：符合其中“{hit.text}”{cite}"
        if status is Status.NOT_MET:
            return f"不满足：各项均不符合{cite}"
        return f"待确认：只要符合其中一项即可{cite}"
    if status is Status.MET:
        return f"满足：各项均符合{cite}"
    if status is Status.NOT_MET:
        bad = next(c for c in children if c.status is Status.NOT_MET)
        return f"不满足：“{bad.text}”不符合{cite}"
    return f"待确认：尚有条件需要确认{cite}"


def _unknown_leaves(result: ConditionResult) -> list[ConditionResult]:
    out = [result] if result.ask else []
    for child in result.children:
        out.extend(_unknown_leaves(child))
    return out


def answer(profile: EnterpriseProfile, key: str, value: Any, taxonomy: Taxonomy | None = None) -> EnterpriseProfile:
    """Record a visitor's answer to a follow-up question (``Question.key`` or ``Question.fact``) in the profile.

    A tag key takes yes/no; a fact takes a number ("3.5%", "2000万"); a date or place key takes a date or a place
    name; a comparison key such as ``rd_ratio>=3`` takes either the number or yes/no. Returns the profile.
    Raises ValueError with a message fit to show when the answer cannot be read.
    """
    tax = taxonomy or load_taxonomy()
    detail = f"回答：{value}"
    if key in tax.tags:
        profile.set_tag(key, parse_bool(value), "visitor", detail, tax)
    elif key == "district" or (key.startswith("region:") and isinstance(value, str) and _is_place(value, tax)):
        street = tax.resolve_tag(str(value))
        if street and tax.tags[street].category == "street":
            profile.set_tag(street, True, "visitor", detail, tax)
        else:
            profile.set_fact("district", value, "visitor", detail, tax)
    elif key == "established" or (key in tax.facts and not tax.facts[key].derived_from):
        profile.set_fact(key, value, "visitor", detail, tax)
    elif key.startswith("established:") and not isinstance(value, bool) and _is_date(value):
        profile.set_fact("established", value, "visitor", detail, tax)
    else:
        fact = next((f for f in tax.facts if key.startswith(f) and key[len(f):len(f) + 1] in "<>=!"), "")
        if fact and not tax.facts[fact].derived_from and not isinstance(value, bool) and _is_number(value):
            profile.set_fact(fact, value, "visitor", detail, tax)
        else:
            profile.set_answer(key, value, detail)
    return profile


def _is_place(value: str, tax: Taxonomy) -> bool:
    street = tax.resolve_tag(value)
    return is_place(value) or (street is not None and tax.tags[street].category == "street")


def _is_number(value: Any) -> bool:
    try:
        parse_number(value)
    except ValueError:
        return False
    return True


def _is_date(value: Any) -> bool:
    try:
        parse_date(value)
    except ValueError:
        return False
    return True


def best_questions(matches: list[PolicyMatch], limit: int = 3) -> list[tuple[Question, int]]:
    """The questions worth asking first, with how many policies each could settle: a question that is the last
    one for several policies beats one that is one of many for a single policy."""
    score: dict[str, float] = {}
    settles: dict[str, int] = {}
    first: dict[str, Question] = {}
    for m in matches:
        if m.status not in ("one_step", "unknown") or not m.availability.offered:
            continue
        for q in m.questions:
            first.setdefault(q.key, q)
            score[q.key] = score.get(q.key, 0.0) + 1.0 / len(m.questions)
            settles[q.key] = settles.get(q.key, 0) + (m.status == "one_step")
    ranked = sorted(score, key=lambda k: (-score[k], k))[:limit]
    return [(first[k], settles[k]) for k in ranked]


def check_examples(rules: list[Rule]) -> list[str]:
    """Run each rule's example enterprises; a message for every example whose status differs from `expect`."""
    matcher = Matcher(rules)
    errors: list[str] = []
    for rule in rules:
        for k, example in enumerate(rule.examples, 1):
            label = example.get("name") or f"第{k}个"
            try:
                profile = EnterpriseProfile.from_dict(example["profile"], matcher.taxonomy)
            except (ValueError, TypeError, AttributeError) as exc:
                errors.append(f"{rule.source}:{rule.line}: 示例“{label}”的企业画像有误：{exc}")
                continue
            got = matcher.evaluate(rule, profile).status
            if got != example["expect"]:
                errors.append(f"{rule.source}:{rule.line}: 示例“{label}”应为 {example['expect']}，实际为 {got}")
    return errors


_default: Matcher | None = None


def match(profile: EnterpriseProfile, matcher: Matcher | None = None) -> list[PolicyMatch]:
    """Match against the default rule set (read once from the conditions folders) unless a matcher is given."""
    global _default
    if matcher is None:
        if _default is None:
            _default = Matcher.default()
        matcher = _default
    return matcher.match(profile)
