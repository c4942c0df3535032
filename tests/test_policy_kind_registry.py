"""A condition kind added in one file: a kind defined here alone, never named by conditions.py, eligibility.py
or batch.py, is read from rule files with its own checks once registered, and decided by single matching, the
district batch and the explanations alike."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kiosk.policy.conditions import parse_rule
from kiosk.policy.kinds import KINDS, ConditionKind, unregister
from kiosk.policy.kinds import register as register_kind
from kiosk.policy.profile import EnterpriseProfile
from kiosk.policy.register import generate
from kiosk.policy.taxonomy import load_taxonomy
from kiosk.policy.verdict import Status


class Headcount(ConditionKind):
    """``headcount: 10-300``: the enterprise's staff within a range (在职职工10至300人)."""

    name = "headcount"
    tests = ("headcount",)

    def parse(self, node, taxonomy, report, line):
        low, _, high = str(node["headcount"]).partition("-")
        if not (low.strip().isdigit() and high.strip().isdigit()) or int(low) > int(high):
            report(node, f"“headcount”应写成 最少-最多，如 10-300，不是“{node['headcount']}”")
            return {}
        return {"params": (int(low), int(high))}

    def status(self, leaf, profile, taxonomy):
        value = profile.number("employees")
        if value is None:
            return Status.UNKNOWN
        low, high = leaf.params
        return Status.MET if low <= value <= high else Status.NOT_MET

    def vector(self, leaf, register, today):
        values = register.numbers["employees"]
        known = ~np.isnan(values)
        low, high = leaf.params
        with np.errstate(invalid="ignore"):
            ok = (values >= low) & (values <= high)
        return known & ok, known & ~ok

    def explain(self, leaf, profile, taxonomy, status):
        low, high = leaf.params
        if status is Status.UNKNOWN:
            return f"还不知道在职职工人数，本条要求{low}至{high}人", ""
        return f"在职职工{profile.number('employees'):g}人，本条要求{low}至{high}人", profile.source_of("employees")

    def key(self, leaf):
        return "headcount:{}~{}".format(*leaf.params)


@pytest.fixture
def headcount():
    kind = register_kind(Headcount())
    try:
        yield kind
    finally:
        unregister("headcount")


def headcount_rule(**condition):
    raw = {"policy": "xh_test.md", "title": "测试政策", "sms_name": "测试政策", "apply": "亲清在线申报",
           "how_to_apply": "每年4月在亲清在线申报。", "conditions": [
               {"text": "注册在西湖区", "clause": "第二条", "region": ["西湖区"]},
               {"text": "在职职工10至300人", "clause": "第三条", **condition}]}
    return parse_rule(raw, "test.yaml")


def test_a_registered_kind_is_read_from_rule_files_with_its_own_checks(headcount) -> None:
    rule, errors = headcount_rule(headcount="10-300")
    assert errors == []
    leaf = rule.leaves()[1]
    assert (leaf.kind, leaf.params, leaf.key) == ("headcount", (10, 300), "headcount:10~300")
    assert headcount_rule(headcount="三百")[1] == ["test.yaml: “headcount”应写成 最少-最多，如 10-300，不是“三百”"]
    mixed = headcount_rule(headcount="10-300", fact="employees", op=">=", value=10)[1]
    assert mixed == ["test.yaml: 一个条件只能有一种检验（现在有：fact, headcount），请拆成多个条件"]
    none = headcount_rule()[1]
    assert none == ["test.yaml: 缺少检验项：require / require_any / exclude / fact / region / established / ask / "
                    "headcount 之一"]


def test_a_kind_unregistered_is_an_unknown_field_again(headcount) -> None:
    unregister("headcount")
    assert "test.yaml: 未知字段“headcount”" in headcount_rule(headcount="10-300")[1]


def test_a_registered_kind_is_decided_alike_by_single_and_batch_matching_and_explained(headcount) -> None:
    from kiosk.policy.batch import STATUS_CODES, evaluate_rule
    from kiosk.policy.eligibility import Matcher, answer

    rule, _ = headcount_rule(headcount="10-300")
    register = generate(400, seed=5)
    matcher = Matcher([rule], today=register.as_of)
    codes = evaluate_rule(rule, register)
    assert {"met", "not_met"} <= {STATUS_CODES[c] for c in codes}
    for i in range(0, len(register), 5):
        assert matcher.evaluate(rule, register.profile(i)).status == STATUS_CODES[codes[i]], i

    tax = load_taxonomy()
    small = EnterpriseProfile()
    small.set_fact("district", "西湖区", "document", "营业执照", tax)
    small.set_fact("employees", 40, "document", "社保清单", tax)
    met = matcher.evaluate(rule, small)
    assert met.status == "met" and met.conditions[1].explanation == "满足：在职职工40人，本条要求10至300人（第三条，来源：证照）"

    unknown = EnterpriseProfile()
    unknown.set_fact("district", "西湖区", "document", "营业执照", tax)
    asked = matcher.evaluate(rule, unknown)
    assert asked.status == "one_step" and [q.key for q in asked.questions] == ["headcount:10~300"]
    assert asked.questions[0].text == "请问贵单位是否符合：在职职工10至300人？"
    assert asked.conditions[1].explanation == "待确认：还不知道在职职工人数，本条要求10至300人（第三条）"
    answer(unknown, "headcount:10~300", True, tax)
    assert matcher.evaluate(rule, unknown).status == "met"


def test_conditions_py_names_no_kind() -> None:
    import ast

    from kiosk.policy import conditions

    tree = ast.parse(Path(conditions.__file__).read_text(encoding="utf-8"))
    literals = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    named = {key for kind in KINDS.values() for key in (kind.name, *kind.tests, *kind.reads)} & literals
    assert not named, f"conditions.py names kinds or their keys: {sorted(named)}"
