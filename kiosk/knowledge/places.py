"""Places named in questions and documents, and whether a document can speak for the place asked about."""

from __future__ import annotations

from kiosk.store.records import Document

# place → its parent; a document about a place also covers the places below it
PARENT = {
    "浙江": "中国", "广东": "中国", "杭州": "浙江", "广州": "广东",
    "西湖": "杭州", "滨江": "杭州", "萧山": "杭州", "余杭": "杭州", "上城": "杭州", "拱墅": "杭州",
    "天河": "广州", "越秀": "广州", "海珠": "广州", "白云": "广州", "黄埔": "广州", "番禺": "广州",
}
# Places the store has nothing about: naming one of them means the question is about somewhere else.
OTHER_PLACES = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "安徽", "福建", "江西", "山东", "河南",
    "湖北", "湖南", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆",
    "香港", "澳门", "深圳", "南京", "苏州", "宁波", "温州", "绍兴", "嘉兴", "湖州", "金华", "台州", "衢州", "丽水", "舟山",
    "武汉", "成都", "西安", "长沙", "郑州", "青岛", "厦门", "合肥", "东莞", "佛山", "珠海", "无锡", "济南", "沈阳", "大连",
)
PARENT.update({p: "外地" for p in OTHER_PLACES})
XIHU_STREETS = ("北山", "西溪", "灵隐", "翠苑", "文新", "古荡", "留下", "转塘", "蒋村", "三墩", "双浦")
PARENT.update({s: "西湖" for s in XIHU_STREETS})
# how places appear in questions and titles ("西湖" alone is also the lake: require 西湖区 for the district)
ALIASES = {name: (name,) for name in PARENT}
ALIASES["西湖"] = ("西湖区",)
ALIASES["中国"] = ("全国", "国家")
ID_PREFIX = {"cn": "中国", "zj": "浙江", "gd": "广东", "gz": "广州", "hz": "杭州", "hzs": "杭州", "xh": "西湖"}
ID_PLACES = {"xihu": "西湖", "binjiang": "滨江", "xiaoshan": "萧山", "tianhe": "天河"}


def places_in(text: str) -> set[str]:
    found = {place for place, names in ALIASES.items() if any(n in text for n in names)}
    # a named place implies nothing about its parents, but "杭州西湖区" names both
    return found


def document_places(doc: Document) -> set[str]:
    parts = doc.id.removesuffix(".md").removesuffix(".txt").split("_")
    found = places_in(f"{doc.title} {doc.region} {doc.issuer}")
    if parts[0] in ID_PREFIX:
        found.add(ID_PREFIX[parts[0]])
    found.update(ID_PLACES[p] for p in parts if p in ID_PLACES)
    # the most specific places only: a 西湖区 document mentioning 杭州 is about 西湖区
    return {p for p in found if not any(_ancestors(q) & {p} for q in found if q != p)} or found


def _ancestors(place: str) -> set[str]:
    out = set()
    while place in PARENT:
        place = PARENT[place]
        out.add(place)
    return out


def covers(doc_places: set[str], asked: set[str]) -> bool:
    """Whether a document about ``doc_places`` can answer a question about ``asked``.

    A national or provincial document applies to the places inside it; a district document answers a question
    about its city too (it is one of that city's rules), but not one about another city or district.
    """
    if not asked or not doc_places or "中国" in doc_places:
        return True
    for place in asked:
        for doc_place in doc_places:
            if doc_place == place or doc_place in _ancestors(place) or place in _ancestors(doc_place):
                return True
    return False
