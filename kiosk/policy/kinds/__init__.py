"""The condition kinds: each owns, in one file, everything its verdict means.

A kind decides one enterprise (`status`), the whole register at once (`vector`: met and not-met arrays, neither
where the register cannot say), writes the sentence that explains its verdict (`explain`) and the question that
would settle it (`question`), and names what a visitor's answer settles (`key`). Single matching
(`eligibility`), batch matching (`batch`) and the explanations all dispatch here, so they cannot disagree.
A new kind is one module here, listed in `KINDS`, plus its test.
"""

from __future__ import annotations

from kiosk.policy.kinds.ask import Ask
from kiosk.policy.kinds.base import ConditionKind
from kiosk.policy.kinds.established import Established
from kiosk.policy.kinds.fact import FactComparison
from kiosk.policy.kinds.region import Region
from kiosk.policy.kinds.tags import Tags

KINDS: dict[str, ConditionKind] = {kind.name: kind for kind in (Tags(), FactComparison(), Region(), Established(),
                                                                  Ask())}


def kind_of(leaf) -> ConditionKind:
    return KINDS[leaf.kind]


__all__ = ["KINDS", "ConditionKind", "kind_of"]
