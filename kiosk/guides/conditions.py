"""The small condition language of a guide's ``when:`` fields.

``area``, ``not rented``, ``area > 500``, ``floor_area and not low_risk``, ``food or rooms``. A bare name is true
for a yes answer, and for a number answer above that question's threshold. ``and`` binds tighter than ``or``;
there are no parentheses, which keeps every condition readable by the officer who maintains it.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping

_OPS: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le, "==": operator.eq, "!=": operator.ne,
}
_ATOM = re.compile(r"^(not\s+)?([A-Za-z_][A-Za-z0-9_]*)(?:\s*(>=|<=|==|!=|>|<)\s*(-?\d+(?:\.\d+)?))?$")


class ConditionError(ValueError):
    pass


def names(condition: str) -> set[str]:
    """The question ids a condition refers to; raises ConditionError when it does not parse."""
    found = set()
    for disjunct in re.split(r"\s+or\s+", condition.strip()):
        for atom in re.split(r"\s+and\s+", disjunct):
            m = _ATOM.match(atom.strip())
            if not m:
                raise ConditionError(f"看不懂的条件：{atom.strip()!r}")
            found.add(m.group(2))
    return found


def evaluate(condition: str | None, truth: Callable[[str], bool | None],
             value: Callable[[str], float | None]) -> bool | None:
    """True, False, or None when it depends on a question not yet answered.

    ``truth(name)`` gives a question's yes/no reading, ``value(name)`` its number; either returns None if unknown.
    """
    if not condition:
        return True
    any_unknown = False
    for disjunct in re.split(r"\s+or\s+", condition.strip()):
        result: bool | None = True
        for atom in re.split(r"\s+and\s+", disjunct):
            r = _atom(atom.strip(), truth, value)
            if r is False:
                result = False
                break
            if r is None:
                result = None
        if result is True:
            return True
        if result is None:
            any_unknown = True
    return None if any_unknown else False


def _atom(atom: str, truth: Callable[[str], bool | None], value: Callable[[str], float | None]) -> bool | None:
    m = _ATOM.match(atom)
    if not m:
        raise ConditionError(f"看不懂的条件：{atom!r}")
    negate, name, op, number = m.groups()
    if op:
        v = value(name)
        result = None if v is None else _OPS[op](v, float(number))
    else:
        result = truth(name)
    if result is None:
        return None
    return not result if negate else result


def evaluate_answers(condition: str | None, answers: Mapping[str, object], thresholds: Mapping[str, float]) -> bool | None:
    """``evaluate`` over answers given as bools (yes/no questions) and numbers (number questions)."""

    def truth(name: str) -> bool | None:
        a = answers.get(name)
        if a is None:
            return None
        if isinstance(a, bool):
            return a
        return float(a) > thresholds.get(name, 0.0)

    def value(name: str) -> float | None:
        a = answers.get(name)
        return None if a is None or isinstance(a, bool) else float(a)

    return evaluate(condition, truth, value)
