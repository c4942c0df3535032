"""Classify one request item and route it: tier 1 is a centre section, territorial matters go to the street.

The category lexicon (categories.yaml) says which section answers for a matter and which department or unit does
the work; the departments' own keywords (from the store) break ties and catch what the lexicon misses. A matter
on the public road outside the enterprise (a kerb, a street lamp, noise, drains) goes to the town/street of the
enterprise's address, found from the street's name and the place names among its keywords.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml

from kiosk.store.records import HALL_DESK, Department

CATEGORIES_FILE = Path(__file__).with_name("categories.yaml")
FALLBACK_SECTION = "sec_market"  # the section that takes in enterprise requests nobody else claims
DEFAULT_SLA_DAYS = 3
# The district's own name contains a street's short name (西湖区 ⊃ 西湖), so it is removed before matching.
REGION_PREFIXES = ("浙江省", "杭州市", "西湖区")
_ROAD = re.compile(r"([\u4e00-\u9fff]{2,4}(?:路|街|大道))\d")


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    section: str | None
    department: str | None
    sla_days: int
    keywords: tuple[str, ...]
    territorial: bool = False
    strong: tuple[str, ...] = ()


@dataclass(frozen=True)
class Route:
    """Where one item goes. ``section`` is None for territorial matters, which go straight to a street."""

    category: str
    category_name: str
    section: str | None
    department: str
    tier: str  # 'section' | 'street'
    sla_days: int
    confident: bool  # False when nothing matched and the item went to the intake section for a person to sort


def load_categories(path: Path = CATEGORIES_FILE) -> tuple[list[Category], tuple[str, ...]]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    cats = [
        Category(
            id=c["id"],
            name=c["name"],
            section=c.get("section"),
            department=c.get("department"),
            sla_days=int(c.get("sla_days", DEFAULT_SLA_DAYS)),
            keywords=tuple(c.get("keywords", ())),
            territorial=bool(c.get("territorial", False)),
            strong=tuple(c.get("strong", ())),
        )
        for c in raw["categories"]
    ]
    return cats, tuple(raw.get("place_cues", ()))


def _score(text: str, keywords: tuple[str, ...]) -> int:
    # Longer keywords are more specific; a keyword counts once however often it appears.
    return sum(len(k) for k in keywords if k in text)


class Router:
    """Routes request items among the given departments (the store's, or a test's fixtures)."""

    def __init__(self, departments: list[Department], categories_path: Path = CATEGORIES_FILE):
        self.departments = {d.id: d for d in departments}
        self.categories, self.place_cues = load_categories(categories_path)
        self._by_id = {c.id: c for c in self.categories}

    def use(self, departments: list[Department]) -> None:
        """Route among ``departments`` from now on (the store was rebuilt): one swap, safe beside a thread routing."""
        self.departments = {d.id: d for d in departments}

    @property
    def intake(self) -> str:
        """Who takes in what no other department claims: the hall's general window when it is the whole directory
        (a store without departments), else the centre's intake section."""
        return HALL_DESK.id if HALL_DESK.id in self.departments else FALLBACK_SECTION

    def category_of(self, text: str) -> Category | None:
        """The best-matching category, or None when no keyword matches."""
        territorial = self._by_id.get("territorial")
        if territorial and self._is_territorial(text, territorial):
            return territorial
        best, best_score = None, 0
        for cat in self.categories:
            if cat.territorial:
                continue
            score = _score(text, cat.keywords)
            if score > best_score:
                best, best_score = cat, score
        return best

    def _is_territorial(self, text: str, cat: Category) -> bool:
        if any(k in text for k in cat.strong):
            return True
        return any(k in text for k in cat.keywords) and any(c in text for c in self.place_cues)

    def route(self, text: str, address: str = "") -> Route:
        cat = self.category_of(text)
        if cat is not None and cat.territorial:
            street = self.street_for(address) or self.street_for(text, is_address=False)
            if street:
                return Route(cat.id, cat.name, None, street.id, "street", cat.sla_days, True)
            # The street is unknown: the intake section finds it out and passes the matter down.
            return Route(cat.id, cat.name, self.intake, self.intake, "section", cat.sla_days, False)
        if cat is not None:
            section = self._known(cat.section) or self.intake
            department = self._known(cat.department) or self._best_department(text, kind="unit") or section
            return Route(cat.id, cat.name, section, department, "section", cat.sla_days, True)
        # No lexicon match: the departments' own keywords may still know.
        unit = self._best_department(text, kind="unit")
        section = self._best_department(text, kind="section")
        if unit or section:
            chosen_section = section or self.intake
            return Route("general", "其他诉求", chosen_section, unit or chosen_section, "section", DEFAULT_SLA_DAYS, True)
        return Route("general", "其他诉求", self.intake, self.intake, "section", DEFAULT_SLA_DAYS, False)

    def _known(self, dept_id: str | None) -> str | None:
        # With fixtures or a partial store a lexicon id may be missing; never route to a department that isn't there.
        return dept_id if dept_id and dept_id in self.departments else None

    def _best_department(self, text: str, kind: str) -> str | None:
        best, best_score = None, 0
        for d in self.departments.values():
            if d.kind != kind:
                continue
            score = _score(text, tuple(k for k in d.keywords if k not in self._generic_keywords))
            if score > best_score:
                best, best_score = d.id, score
        return best

    @cached_property
    def _generic_keywords(self) -> frozenset[str]:
        """Keywords that many streets share (道路, 路灯…): they say what a street does, not where it is."""
        counts = Counter(k for d in self.departments.values() if d.kind == "street" for k in set(d.keywords))
        return frozenset(k for k, n in counts.items() if n >= 3)

    @cached_property
    def _office_roads(self) -> dict[str, tuple[str, ...]]:
        """The road each street office stands on (紫金港路 for 蒋村街道): a place name the data gives for free."""
        roads = {}
        for d in self.departments.values():
            if d.kind == "street" and d.address:
                address = d.address.replace(d.name, " ")
                for prefix in REGION_PREFIXES:
                    address = address.replace(prefix, " ")
                roads[d.id] = tuple(_ROAD.findall(address))
        return roads

    def street_for(self, place: str, is_address: bool = True) -> Department | None:
        """The town/street whose name or local place names appear in ``place`` (an address or the request).

        Short names (北山, 留下) are trusted only in an address: in free speech 留下 is an ordinary verb.
        """
        for prefix in REGION_PREFIXES:
            place = place.replace(prefix, " ")
        if not place.strip():
            return None
        best, best_score = None, 0
        for d in self.departments.values():
            if d.kind != "street":
                continue
            names = {d.name}
            short = d.name.removesuffix("街道").removesuffix("镇")
            if is_address and len(short) >= 2:
                names.add(short)
            names.update(k for k in d.keywords if k not in self._generic_keywords)
            names.update(self._office_roads.get(d.id, ()))
            score = _score(place, tuple(names))
            if score > best_score:
                best, best_score = d, score
        return best

    def category(self, category_id: str) -> Category | None:
        return self._by_id.get(category_id)
