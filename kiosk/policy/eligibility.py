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
from functools import cached_property
from typing import Any

from kiosk.policy.availability import Availability, PolicyDocument, availability
from kiosk.policy.conditions import Group, Leaf, Rule, RuleSet, load_rules
from kiosk.policy.kinds import kind_of
from kiosk.policy.profile import SOURCE_NAMES, EnterpriseProfile, ProfileView
from kiosk.policy.taxonomy import Taxonomy, is_place, load_taxonomy
from kiosk.policy.values import parse_bool, parse_date, parse_number
from kiosk.policy.verdict import Question, Status

__all__ = ["ConditionResult", "Matcher", "PolicyMatch", "Question", "Status", "answer", "best_questions",
           "check_examples"]

RANK = {"met": 0, "one_step": 1, "unknown": 2, "not_met": 3}


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
        kind = kind_of(leaf)
        verdict = kind.status(leaf, profile, self.taxonomy)
        answered = verdict is Status.UNKNOWN and leaf.key in profile.answers
        status = (Status.MET if profile.answers[leaf.key].value else Status.NOT_MET) if answered else verdict
        needed = frozenset() if status is Status.MET else (
            frozenset({leaf.key}) if status is Status.UNKNOWN else None)
        ask = (lambda: kind.question(leaf, self.taxonomy)) if status is Status.UNKNOWN else None
        return ConditionResult(leaf.text, status, leaf.clause,
                               lambda: self._explain(leaf, profile, doc, verdict, answered), ask, [], needed, leaf.key)

    def _explain(self, leaf: Leaf, profile: ProfileView, doc: str, verdict: Status, answered: bool) -> str:
        if answered:
            status = Status.MET if profile.answers[leaf.key].value else Status.NOT_MET
            detail, source = ("您确认符合" if status is Status.MET else "您表示不符合"), ""
        else:
            status = verdict
            detail, source = kind_of(leaf).explain(leaf, profile, self.taxonomy, verdict)
        cite = leaf.clause if leaf.doc == doc else f"《{leaf.doc}》{leaf.clause}"
        word = {Status.MET: "满足", Status.NOT_MET: "不满足", Status.UNKNOWN: "待确认"}[status]
        origin = f"，来源：{SOURCE_NAMES[source]}" if source else ""
        return f"{word}：{detail}（{cite}{origin}）"


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
