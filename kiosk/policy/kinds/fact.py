"""``fact``: a number the enterprise has, compared with the policy's threshold (研发投入占比 ≥ 3%)."""

from __future__ import annotations

import numpy as np

from kiosk.policy.kinds.base import ConditionKind, unknown_everywhere
from kiosk.policy.register import EPOCH
from kiosk.policy.values import parse_number, show
from kiosk.policy.verdict import COMPARE, OP_WORDS, Question, Status

OPS = (">=", ">", "<=", "<", "==", "!=")


class FactComparison(ConditionKind):
    name = "fact"
    tests = ("fact",)
    reads = ("op", "value")
    order = 20

    def parse(self, node, taxonomy, report, line):
        fields = {}
        fact = str(node["fact"])
        if fact not in taxonomy.facts or taxonomy.facts[fact].kind != "number":
            numeric = ", ".join(f for f, s in taxonomy.facts.items() if s.kind == "number")
            report(node, f"未知的数值事实“{fact}”（可用：{numeric}）")
        op = str(node.get("op") or "")
        if op not in OPS:
            report(node, f"“op”应为 {' '.join(OPS)} 之一，不是“{op}”")
        try:
            fields["value"] = parse_number(node.get("value"))
        except ValueError:
            report(node, f"“value”不是数值：{node.get('value')!r}（可写 3%、2000万元、1亿元）")
        fields.update(fact=fact, op=op)
        return fields

    def status(self, leaf, profile, taxonomy) -> Status:
        value = profile.number(leaf.fact)
        if value is None:
            return Status.UNKNOWN
        return Status.MET if COMPARE[leaf.op](value, leaf.value) else Status.NOT_MET

    def vector(self, leaf, register, today):
        if leaf.fact == "age_years":
            values = ((today - EPOCH).days - register.numbers["established"]) / 365.25
        else:
            values = register.numbers.get(leaf.fact)
        if values is None:
            return unknown_everywhere(register)
        known = ~np.isnan(values)
        with np.errstate(invalid="ignore"):
            ok = COMPARE[leaf.op](values, leaf.value)
        return known & ok, known & ~ok

    def explain(self, leaf, profile, taxonomy, status):
        spec = taxonomy.facts[leaf.fact]
        want = f"要求{OP_WORDS[leaf.op]}{show(leaf.value, spec.unit)}"
        value = profile.number(leaf.fact)
        if status is Status.UNKNOWN:
            return f"还不知道{spec.name}，{want}", ""
        return f"{spec.name}为{show(value, spec.unit)}，{want}", profile.source_of(leaf.fact)

    def question(self, leaf, taxonomy) -> Question:
        spec = taxonomy.facts[leaf.fact]
        text = leaf.question or f"贵单位{spec.name}是否{OP_WORDS[leaf.op]}{show(leaf.value, spec.unit)}？"
        return Question(leaf.key, text, "yesno", leaf.fact)

    def key(self, leaf) -> str:
        value = int(leaf.value) if float(leaf.value).is_integer() else leaf.value
        return f"{leaf.fact}{leaf.op}{value}"
