"""The words of a verdict shared by every condition kind: three-valued status, follow-up question, comparisons."""

from __future__ import annotations

import operator
from dataclasses import dataclass
from enum import StrEnum

OP_WORDS = {">=": "不低于", ">": "超过", "<=": "不超过", "<": "低于", "==": "等于", "!=": "不等于"}
# the same comparisons work on numbers and, element-wise, on numpy arrays
COMPARE = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq,
           "!=": operator.ne}


class Status(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"


def tri(value: bool | None) -> Status:
    return Status.UNKNOWN if value is None else Status.MET if value else Status.NOT_MET


@dataclass(frozen=True)
class Question:
    """A follow-up question; pass ``key`` (or ``fact`` with a number) back to `eligibility.answer`."""

    key: str
    text: str
    kind: str  # yesno | number | date | place
    fact: str = ""  # the tag or fact the question is about, when there is one

    def to_dict(self) -> dict[str, str]:
        return {"key": self.key, "text": self.text, "kind": self.kind, "fact": self.fact}
