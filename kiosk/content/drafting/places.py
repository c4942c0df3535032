"""Where a leaf of a reviewed rule stands, and the rule rebuilt with leaves moved between those places.

A leaf is either among the rule's own conditions (`TOP`, also inside an all_of group there) or a condition of one
alternative of an any_of group (the drafter's support items, 支持项目): place ``"g.k"`` is the k-th alternative of
the g-th such group, counted in the order the rule states them; ``"g.new"`` is a new alternative of group g. A
leaf moved into an alternative must hold together with what that alternative already asks (all_of); moved out,
it holds for every applicant. Groups left without conditions go.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from typing import Any

TOP = "0"
NEW = "new"
GROUP_KEYS = ("all_of", "any_of")
Node = dict[str, Any]


def group_key(node: Node) -> str:
    return next((k for k in GROUP_KEYS if k in node), "")


def walk(nodes: Iterable[Node]) -> Iterator[tuple[str, Node]]:
    """Every leaf, in the order the rule states them, with its place."""
    groups = itertools.count(1)

    def visit(nodes: Iterable[Node], place: str) -> Iterator[tuple[str, Node]]:
        for node in nodes:
            key = group_key(node)
            if key == "any_of" and place == TOP:
                g = next(groups)
                for k, child in enumerate(node["any_of"], 1):
                    yield from visit([child], f"{g}.{k}")
            elif key:
                yield from visit(node[key], place)
            else:
                yield place, node

    yield from visit(nodes, TOP)


def alternatives(nodes: Iterable[Node]) -> list[int]:
    """How many alternatives each any_of group has, by group (g = 1, 2, …)."""
    counts: list[int] = []

    def visit(nodes: Iterable[Node]) -> None:
        for node in nodes:
            key = group_key(node)
            if key == "any_of":
                counts.append(len(node["any_of"]))
            elif key:
                visit(node[key])

    visit(nodes)
    return counts


def choices(nodes: Iterable[Node]) -> list[tuple[str, str]]:
    """(place, its words) for every place a leaf may be put; only TOP when the rule has no any_of group."""
    counts = alternatives(nodes)
    out = [(TOP, "共同条件（不属于某个支持项目）")]
    for g, count in enumerate(counts, 1):
        out += [(f"{g}.{k}", words(f"{g}.{k}", len(counts))) for k in range(1, count + 1)]
        out.append((f"{g}.{NEW}", words(f"{g}.{NEW}", len(counts))))
    return out if counts else out[:1]


def words(place: str, groups: int = 1) -> str:
    if place == TOP:
        return "共同条件"
    g, k = place.split(".")
    group = f"第 {g} 组" if groups > 1 else ""
    return f"{group}新的支持项目" if k == NEW else f"{group}支持项目 {k}"


def rebuild(nodes: Iterable[Node], decide: Callable[[Node, str], tuple[Node | None, str]],
            added: Iterable[tuple[Node, str]] = ()) -> list[Node]:
    """The nodes after ``decide(leaf, place)`` → (the leaf as kept, or None when dropped; where it goes) has been
    asked of every leaf in order, with the ``added`` (leaf, place) pairs put where they go; a place not among
    `choices` leaves a leaf where it was (the caller reports it)."""
    groups = itertools.count(1)
    slots: dict[str, list[Node]] = {}  # "g.k" → the conditions of that alternative, all of which must hold
    items: dict[int, list[list[Node]]] = {}  # g → its alternatives' slots
    moving: list[tuple[Node, str, str]] = []

    def visit(nodes: Iterable[Node], place: str) -> list[Any]:
        kept: list[Any] = []
        for node in nodes:
            key = group_key(node)
            if key == "any_of" and place == TOP:
                g = next(groups)
                items[g] = []
                for k, child in enumerate(node["any_of"], 1):
                    slots[f"{g}.{k}"] = slot = visit([child], f"{g}.{k}")
                    items[g].append(slot)
                kept.append({**node, "any_of": items[g]})
            elif key:
                kept.append({**node, key: visit(node[key], place)})
            else:
                leaf, target = decide(node, place)
                if leaf is not None and target != place:
                    moving.append((leaf, target, place))
                elif leaf is not None:
                    kept.append(leaf)
        return kept

    top = visit(nodes, TOP)
    for leaf, target, origin in [*moving, *((leaf, target, TOP) for leaf, target in added)]:
        g, _, k = target.partition(".")
        if target == TOP:
            top.append(leaf)
        elif target in slots:
            slots[target].append(leaf)
        elif k == NEW and g.isdigit() and int(g) in items:
            items[int(g)].append([leaf])
        else:
            (top if origin == TOP else slots[origin]).append(leaf)
    return _collapse(top)


def _collapse(nodes: list[Any]) -> list[Node]:
    out = []
    for node in nodes:
        key = group_key(node)
        if not key:
            out.append(node)
            continue
        children = [_slot(c) if isinstance(c, list) else c for c in node[key]]
        children = _collapse([c for c in children if c is not None])
        if children:
            out.append({**node, key: children})
    return out


def _slot(slot: list[Node]) -> Node | None:
    """One alternative's conditions as one node: the node itself, or with what was moved in, all of them."""
    if len(slot) <= 1:
        return slot[0] if slot else None
    first = slot[0]
    if group_key(first) == "all_of":
        return {**first, "all_of": [*first["all_of"], *slot[1:]]}
    return {"all_of": slot}
