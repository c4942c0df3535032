"""Conditions the editor adds to a drafted rule (ones the drafter missed), from the review form's 添加条件 rows.

The form offers the registered condition kinds it has fields for, in plain words; several may be added before
saving: each added one is listed (rows ``add1-…``, ``add2-…``, in the order added) and may be changed or taken
out again, and one more row waits empty. A leaf is written in the conditions language from what was typed, the
same way an edited leaf is (`review.edited`), and the kind's own parser judges it when the rule is reviewed, so
an added leaf is held to exactly the rules a drafted one is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kiosk.content.drafting.places import TOP
from kiosk.content.drafting.review import ADD, edited
from kiosk.policy import kinds

ADDED_CLAUSE = "由编辑添加"  # stands where a drafted leaf names its clause: the rule file requires one
# what each kind the form can write is called, and the node it starts from before the editor's values go in
ADDABLE: dict[str, tuple[str, dict[str, Any]]] = {
    "fact": ("数值门槛（如 营业收入不低于2000万元）", {"fact": ""}),
    "tags": ("资格或类别（如 高新技术企业）", {"require": []}),
    "region": ("注册地（区或镇街）", {"region": []}),
    "established": ("成立时间", {"established": {}}),
    "ask": ("问企业才能确定的（如 是否已取得某项许可）", {"ask": ""}),
}
GROUP_WORDS = {"all_of": "全部满足", "any_of": "满足其一"}
LISTED = "added"  # the form field counting the rows already listed
ROW_RE = re.compile(rf"{ADD}(\d+)-(.+)")


@dataclass(frozen=True)
class Addition:
    row: int  # the row's number in the form, from 1
    kind: str
    leaf: dict[str, Any]  # unchecked: the review checks it
    place: str
    kept: bool  # False when the editor took it out again


def addable() -> list[tuple[str, str]]:
    """(kind, what it is called) for the registered kinds the form can write."""
    return [(name, label) for name, (label, _) in ADDABLE.items() if name in kinds.KINDS]


def rows(form: Mapping[str, str]) -> dict[int, dict[str, str]]:
    """The add rows' values by row number."""
    out: dict[int, dict[str, str]] = {}
    for key, value in form.items():
        if m := ROW_RE.fullmatch(key):
            out.setdefault(int(m.group(1)), {})[m.group(2)] = value
    return dict(sorted(out.items()))


def additions(form: Mapping[str, str], asks: Mapping[str, str] | None = None) -> list[Addition]:
    """Every row with a kind chosen, in order (the empty row's when the editor chose one)."""
    out = []
    for row, values in rows(form).items():
        kind = values.get("kind", "")
        if kind in dict(addable()):
            leaf = edited(ADDABLE[kind][1], values, asks)
            leaf = {"text": values.get("text", "").strip(), "clause": ADDED_CLAUSE, **leaf}
            out.append(Addition(row, kind, leaf, values.get("place", TOP), values.get("keep") != "no"))
    return out


def listed(form: Mapping[str, str]) -> int:
    count = form.get(LISTED, "0")
    return int(count) if count.isdigit() else 0


def renumbered(form: Mapping[str, str], keep: list[int]) -> dict[str, str]:
    """The form with the rows ``keep`` numbered 1, 2, … in that order and every other row gone; ``added``
    counts those of them that were listed (the empty row, when kept, stays the empty row)."""
    out = {k: v for k, v in form.items() if not ROW_RE.fullmatch(k)}
    by_row = rows(form)
    for new, old in enumerate(keep, 1):
        out.update({f"{ADD}{new}-{k}": v for k, v in by_row.get(old, {}).items()})
    out[LISTED] = str(sum(old <= listed(form) for old in keep))
    return out
