"""``fact``: a number the enterprise has, compared with the policy's threshold (研发投入占比 ≥ 3%)."""

from __future__ import annotations

import numpy as np

from kiosk.policy.kinds.base import ConditionKind, unknown_everywhere
from kiosk.policy.register import EPOCH
from kiosk.policy.values import show
from kiosk.policy.verdict import COMPARE, OP_WORDS, Question, Status


class FactComparison(ConditionKind):
    name = "fact"

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
