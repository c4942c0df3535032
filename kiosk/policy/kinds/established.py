"""``established``: when the enterprise was founded, within a window (2023年1月1日以后成立)."""

from __future__ import annotations

import numpy as np

from kiosk.policy.kinds.base import ConditionKind
from kiosk.policy.register import EPOCH
from kiosk.policy.values import parse_date
from kiosk.policy.verdict import Question, Status


class Established(ConditionKind):
    name = "established"
    tests = ("established",)
    order = 40

    def parse(self, node, taxonomy, report, line):
        fields = {}
        window = node["established"]
        if not isinstance(window, dict) or not ({"from", "to"} & set(window)):
            report(node, "“established”应写成 {from: 2023-01-01, to: 2025-12-31}（可只写一端）")
            return fields
        for key, name in (("from", "after"), ("to", "before")):
            if window.get(key) is not None:
                try:
                    fields[name] = parse_date(window[key])
                except ValueError:
                    report(window, f"“{key}”不是日期：{window[key]!r}", line)
        return fields

    def status(self, leaf, profile, taxonomy) -> Status:
        established = profile.date("established")
        if established is None:
            return Status.UNKNOWN
        ok = (leaf.after is None or established >= leaf.after) and (leaf.before is None or established <= leaf.before)
        return Status.MET if ok else Status.NOT_MET

    def vector(self, leaf, register, today):
        days = register.numbers["established"]
        met = np.ones(len(register), dtype=bool)
        if leaf.after is not None:
            met &= days >= (leaf.after - EPOCH).days
        if leaf.before is not None:
            met &= days <= (leaf.before - EPOCH).days
        return met, ~met  # the register knows every founding date

    def explain(self, leaf, profile, taxonomy, status):
        window = _window_text(leaf)
        established = profile.date("established")
        if status is Status.UNKNOWN:
            return f"还不知道成立日期，本条要求{window}", ""
        return f"成立于{established.isoformat()}，本条要求{window}", profile.source_of("established")

    def question(self, leaf, taxonomy) -> Question:
        return Question(leaf.key, leaf.question or taxonomy.facts["established"].ask, "date", "established")

    def key(self, leaf) -> str:
        return f"established:{leaf.after or ''}~{leaf.before or ''}"


def _window_text(leaf) -> str:
    if leaf.after and leaf.before:
        return f"在{leaf.after.isoformat()}至{leaf.before.isoformat()}之间成立"
    if leaf.after:
        return f"在{leaf.after.isoformat()}以后成立"
    return f"在{leaf.before.isoformat()}以前成立"
