"""The enterprise tag taxonomy and the facts a profile may hold, read from ``taxonomy.yaml``.

Tags are the yes/no attributes of an enterprise (industry, size, age, street, qualifications, ownership, founder,
credit status, activities); facts are numbers and dates. Conditions, profiles and the district register all speak
these ids, so a typo in a condition file is caught against this list.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

TAXONOMY_FILE = Path(__file__).with_name("taxonomy.yaml")

# Every street and town of the register belongs to this district; places above it are implied.
DISTRICT = "西湖区"
PLACES: dict[str, str] = {
    # place → the place that contains it; enough to tell "西湖区" from "萧山区" and "杭州市" from "广州市"
    "西湖区": "杭州市", "滨江区": "杭州市", "萧山区": "杭州市", "上城区": "杭州市", "拱墅区": "杭州市",
    "余杭区": "杭州市", "临平区": "杭州市", "钱塘区": "杭州市", "富阳区": "杭州市", "临安区": "杭州市",
    "杭州市": "浙江省", "宁波市": "浙江省", "温州市": "浙江省",
    "天河区": "广州市", "越秀区": "广州市", "海珠区": "广州市", "白云区": "广州市", "黄埔区": "广州市",
    "番禺区": "广州市", "广州市": "广东省", "深圳市": "广东省",
    "浙江省": "全国", "广东省": "全国",
}

# GB/T 4754-2017: the divisions (大类) each section (门类) spans.
SECTION_RANGES: dict[str, tuple[int, int]] = {
    "A": (1, 5), "B": (6, 12), "C": (13, 43), "D": (44, 46), "E": (47, 50), "F": (51, 52), "G": (53, 60),
    "H": (61, 62), "I": (63, 65), "J": (66, 69), "K": (70, 70), "L": (71, 72), "M": (73, 75), "N": (76, 79),
    "O": (80, 82), "P": (83, 83), "Q": (84, 85), "R": (86, 90), "S": (91, 96), "T": (97, 97),
}


@dataclass(frozen=True)
class Tag:
    id: str
    name: str
    category: str


@dataclass(frozen=True)
class FactSpec:
    id: str
    name: str
    unit: str
    kind: str  # number | date
    ask: str
    derived_from: str = ""


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    exclusive: bool
    tags: tuple[str, ...]


class Taxonomy:
    """Tags by id (in file order, which is also the register's column order), categories and facts."""

    def __init__(self, categories: list[Category], tags: dict[str, Tag], facts: dict[str, FactSpec]):
        self.categories = {c.id: c for c in categories}
        self.tags = tags
        self.facts = facts
        self.tag_ids = list(tags)
        self.column = {t: i for i, t in enumerate(self.tag_ids)}
        self._by_name = {t.name: t.id for t in tags.values()}

    def resolve_tag(self, name_or_id: str) -> str | None:
        """A tag id from an id or its Chinese name, or None when the taxonomy has no such tag."""
        key = name_or_id.strip()
        if key in self.tags:
            return key
        return self._by_name.get(key)

    def category_of(self, tag_id: str) -> Category:
        return self.categories[self.tags[tag_id].category]

    def streets(self) -> tuple[str, ...]:
        return self.categories["street"].tags

    def section_of(self, division_tag: str) -> str:
        """The 门类 tag (ind_C) of a 大类 tag (ind_27)."""
        code = int(division_tag.removeprefix("ind_"))
        for letter, (lo, hi) in SECTION_RANGES.items():
            if lo <= code <= hi:
                return f"ind_{letter}"
        raise KeyError(division_tag)


def place_chain(place: str) -> list[str]:
    """The place and every place containing it: 西湖区 → [西湖区, 杭州市, 浙江省, 全国]."""
    chain = [place]
    while chain[-1] in PLACES:
        chain.append(PLACES[chain[-1]])
    return chain


def is_place(name: str) -> bool:
    return name in PLACES or name == "全国"


@cache
def load_taxonomy(path: Path = TAXONOMY_FILE) -> Taxonomy:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    categories: list[Category] = []
    tags: dict[str, Tag] = {}
    for cat_id, cat in raw["categories"].items():
        ids = tuple(cat["tags"])
        categories.append(Category(cat_id, cat["name"], bool(cat.get("exclusive")), ids))
        for tag_id, name in cat["tags"].items():
            tags[tag_id] = Tag(tag_id, str(name), cat_id)
    facts = {
        fid: FactSpec(fid, spec["name"], str(spec["unit"]), spec["kind"], spec["ask"], spec.get("derived_from", ""))
        for fid, spec in raw["facts"].items()
    }
    return Taxonomy(categories, tags, facts)
