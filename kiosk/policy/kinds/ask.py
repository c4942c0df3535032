"""``ask``: a condition only the visitor can settle (a contract, a licence no register holds)."""

from __future__ import annotations

from kiosk.policy.kinds.base import ConditionKind, unknown_everywhere
from kiosk.policy.verdict import Status


class Ask(ConditionKind):
    name = "ask"
    tests = ("ask",)
    order = 50

    def parse(self, node, taxonomy, report, line):
        if not str(node.get("question") or "").strip():
            report(node, "“ask”条件必须写“question”（向企业提的问题）")
        return {"ask": str(node["ask"]).strip()}

    def status(self, leaf, profile, taxonomy) -> Status:
        return Status.UNKNOWN

    def vector(self, leaf, register, today):
        return unknown_everywhere(register)

    def explain(self, leaf, profile, taxonomy, status):
        return leaf.text, ""

    def key(self, leaf) -> str:
        return leaf.ask
