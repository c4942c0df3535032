"""The condition kinds: each owns, in one file, everything its condition means.

A kind reads its condition from a rule file (`parse`: the keys that select it, `tests`, and its checks, with
messages for the person who wrote the file), decides one enterprise (`status`), the whole register at once
(`vector`: met and not-met arrays, neither where the register cannot say), writes the sentence that explains its
verdict (`explain`) and the question that would settle it (`question`), and names what a visitor's answer
settles (`key`). Reading rule files (`conditions`), single matching (`eligibility`), batch matching (`batch`)
and the explanations all dispatch here, so they cannot disagree.

A new kind is one module in this package with its `ConditionKind` subclass, plus its test: every module here is
read at import, and each kind defined in it is registered. A kind defined elsewhere (a test's) is `register`ed.
"""

from __future__ import annotations

import importlib
import pkgutil

from kiosk.policy.kinds.base import ConditionKind

KINDS: dict[str, ConditionKind] = {}  # by name, in `ConditionKind.order`


def register(kind: ConditionKind) -> ConditionKind:
    """Add (or replace) a kind; its tests must not be another kind's."""
    taken = {key: other.name for other in KINDS.values() if other.name != kind.name for key in other.tests}
    clash = [key for key in kind.tests if key in taken]
    if not kind.tests or clash:
        raise ValueError(f"condition kind {kind.name!r}: tests {clash or '()'} clash with {taken} or are missing")
    KINDS[kind.name] = kind
    ordered = sorted(KINDS.values(), key=lambda k: (k.order, k.name))
    KINDS.clear()
    KINDS.update((k.name, k) for k in ordered)
    return kind


def unregister(name: str) -> None:
    KINDS.pop(name, None)


def kind_of(leaf) -> ConditionKind:
    return KINDS[leaf.kind]


def kinds_among(keys) -> list[ConditionKind]:
    """The kinds whose tests are among ``keys`` (a condition's node keys), in order."""
    return [kind for kind in KINDS.values() if any(key in keys for key in kind.tests)]


def all_tests() -> tuple[str, ...]:
    """Every key that selects a kind, in the order a rule writer is told them."""
    return tuple(key for kind in KINDS.values() for key in kind.tests)


def leaf_keys() -> set[str]:
    """Every key a kind reads from a condition's node."""
    return {key for kind in KINDS.values() for key in (*kind.tests, *kind.reads)}


def _discover() -> None:
    for module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        if module == "base":
            continue
        loaded = importlib.import_module(f"{__name__}.{module}")
        for value in vars(loaded).values():
            if (isinstance(value, type) and issubclass(value, ConditionKind) and value.__module__ == loaded.__name__
                    and "name" in vars(value)):
                register(value())


_discover()

__all__ = ["KINDS", "ConditionKind", "all_tests", "kind_of", "kinds_among", "leaf_keys", "register", "unregister"]
