"""A condition the editor adds to a drafted rule (one the drafter missed), from the review form's 添加条件 fields.

The form offers the registered condition kinds it has fields for, in plain words; the leaf is written in the
conditions language from what was typed, the same way an edited leaf is (`review.edited`), and the kind's own
parser judges it when the rule is reviewed, so an added leaf is held to exactly the rules a drafted one is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kiosk.content.drafting.review import NEW, edited
from kiosk.policy import kinds

ADDED_CLAUSE = "由编辑添加"  # stands where a drafted leaf names its clause: the rule file requires one
# what each kind the form can write is called, and the node it starts from before the editor's values go in
ADDABLE: dict[str, tuple[str, dict[str, Any]]] = {
    "fact": ("数值门槛（如 营业收入不低于2000万元）", {"fact": ""}),
    "tags": ("资格或类别（如 高新技术企业）", {"require": []}),
    "region": ("注册地（区或镇街）", {"region": []}),
    "established": ("成立时间", {"established": {}}),
}
GROUP_WORDS = {"all_of": "全部满足", "any_of": "满足其一"}


def addable() -> list[tuple[str, str]]:
    """(kind, what it is called) for the registered kinds the form can write."""
    return [(name, label) for name, (label, _) in ADDABLE.items() if name in kinds.KINDS]


def added_leaf(form: Mapping[str, str]) -> dict[str, Any] | None:
    """The leaf the form adds, unchecked (the review checks it); None when the editor chose to add none."""
    kind = form.get(f"{NEW}kind", "")
    if kind not in dict(addable()):
        return None
    values = {k.removeprefix(NEW): v for k, v in form.items() if k.startswith(NEW)}
    leaf = edited(ADDABLE[kind][1], values)
    return {"text": values.get("text", "").strip(), "clause": ADDED_CLAUSE, **leaf}
