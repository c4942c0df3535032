"""The questions the kiosk asks an enterprise about conditions no register can decide (`ask` leaves).

A visitor's answer to one settles that question in every policy that asks it (its id is the answer's key), so an
editor adding or changing such a condition chooses among the questions already registered, by their wording:
every `ask` leaf of the rule files the kiosk matches with, and of the rules editors accepted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kiosk.policy.conditions import default_dirs, load_dir


@dataclass(frozen=True)
class Askable:
    id: str
    question: str  # what the kiosk asks, answered yes or no
    text: str  # the condition as the first rule asking it words it


def askable(folders: Iterable[Path] = ()) -> dict[str, Askable]:
    """Every registered question by id, ordered by its wording; ``folders`` hold further rule files. Read again
    only when a rule file has changed."""
    dirs = tuple(Path(d) for d in [*default_dirs(), *folders])
    return dict(_read(dirs, tuple((str(p), p.stat().st_mtime_ns) for d in dirs for p in sorted(d.glob("*.y*ml")))))


@lru_cache(maxsize=8)
def _read(dirs: tuple[Path, ...], files: tuple[tuple[str, int], ...]) -> tuple[tuple[str, Askable], ...]:
    """The questions of the rule files in ``dirs``; ``files`` (each file with its time of change) keys the cache."""
    found: dict[str, Askable] = {}
    for rule in load_dir(list(dirs), check_docs=False).rules:
        for leaf in rule.leaves():
            if leaf.kind == "ask" and leaf.ask and leaf.question:
                found.setdefault(leaf.ask, Askable(leaf.ask, leaf.question, leaf.text))
    return tuple(sorted(found.items(), key=lambda item: item[1].question))
