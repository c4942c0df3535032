"""What every condition kind provides; see the package's docstring."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from kiosk.policy.verdict import Question, Status

if TYPE_CHECKING:
    from kiosk.policy.conditions import Leaf
    from kiosk.policy.profile import ProfileView
    from kiosk.policy.register import Register
    from kiosk.policy.taxonomy import Taxonomy


class ConditionKind:
    name: ClassVar[str]

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
