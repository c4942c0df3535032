"""What every condition kind provides; see the package's docstring."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from kiosk.policy.verdict import Question, Status

if TYPE_CHECKING:
    from kiosk.policy.conditions import Leaf
    from kiosk.policy.profile import ProfileView
    from kiosk.policy.register import Register
    from kiosk.policy.taxonomy import Taxonomy


# report(node, reason, fallback_line=0): one `file:line: reason` message about a node of the rule file
Report = Callable[..., None]


class ConditionKind:
    name: ClassVar[str]
    tests: ClassVar[tuple[str, ...]]  # the node keys that make a condition this kind (any one of them)
    reads: ClassVar[tuple[str, ...]] = ()  # further node keys it reads (a fact comparison's op and value)
    order: ClassVar[int] = 100  # where its tests come in the list a rule writer reads (错误提示), then by name

    def parse(self, node: dict[str, Any], taxonomy: Taxonomy, report: Report, line: int) -> dict[str, Any]:
        """The leaf's own fields (`conditions.Leaf` keyword arguments; a kind without fields of its own there
        keeps what it read in ``params``, hashable) from its node in a rule file. Every problem goes to
        ``report`` in Chinese, fit for the person who wrote the file; the leaf is then left out."""
        raise NotImplementedError

    def status(self, leaf: Leaf, profile: ProfileView, taxonomy: Taxonomy) -> Status:
        """The verdict for one enterprise."""
        raise NotImplementedError

    def vector(self, leaf: Leaf, register: Register, today: date) -> tuple[np.ndarray, np.ndarray]:
        """(met, not met) for every enterprise of the register; an enterprise in neither is unknown."""
        raise NotImplementedError

    def explain(self, leaf: Leaf, profile: ProfileView, taxonomy: Taxonomy, status: Status) -> tuple[str, str]:
        """The sentence behind ``status`` (this kind's verdict for ``profile``) and where the deciding fact came
        from ('' when nothing decided it)."""
        raise NotImplementedError

    def question(self, leaf: Leaf, taxonomy: Taxonomy) -> Question:
        """The follow-up question that would settle the condition."""
        return Question(leaf.key, leaf.question or f"请问贵单位是否符合：{leaf.text}？", "yesno")

    def key(self, leaf: Leaf) -> str:
        """What a visitor's answer settles (see `conditions.Leaf.key`)."""
        raise NotImplementedError


def unknown_everywhere(register: Register) -> tuple[np.ndarray, np.ndarray]:
    n = len(register)
    return np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
