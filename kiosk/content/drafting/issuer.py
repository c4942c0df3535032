"""The place a local policy is for, read from who issued it: a region condition the text leaves unsaid.

A city's, district's or street's support for enterprises is for enterprises of that place, though its clauses say
only “对…企业，给予…” (a city party committee and government's 若干意见 on enterprises resuming work).
The place is the most specific one the title or the opening lines naming a government body give (the issuer, its
signature, the addressees), as the conditions language writes places (a street of the district by its full name,
西溪街道). Nothing is drafted when those lines name places that do not nest (two cities), a place the conditions
language cannot write (a district of a city it knows: writing the city would let in the whole city), a national
scope (addressed to every province) or a law, nor when no clause grants enterprises anything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from kiosk.content.drafting.places import walk
from kiosk.content.drafting.sentences import TARGET, stating
from kiosk.content.drafting.vocabulary import vocabulary
from kiosk.knowledge.places import ALIASES, most_specific, places_in
from kiosk.policy.taxonomy import DISTRICT, PLACES, place_chain
from kiosk.store.records import Passage

TITLE_CLAUSE = "标题"
ISSUER_CLAUSE = "发文机关"
WHOLE_COUNTRY = "全国"
# a line naming a government body: the issuer, its signature or the addressees (“各区、县（市）人民政府：”)
BODY_RE = re.compile(r"人民政府|政府办|党委|[省市区县]委|委员会|管委会|办公厅|办公室|[厅局]|街道办事处")
# how the opening of a national document reads: addressed to every province, or the whole country as its scope
NATIONAL_RE = re.compile(r"省、自治区、直辖市|全国")
OPENING_LINES = 12  # the issuer, document number, addressees and signature come before the body
# a longer line, or one with a full stop, is the body (a news report's “中国人民银行杭州中心支行…联合出台…”), whose
# places are what it is about, not who issued it
LINE_LENGTH = 30
# a law or local regulation, passed by a people's congress, states duties and rights, not support
LEGISLATION_RE = re.compile(r"人民代表大会|条例$")
# an enterprise, an employer or an enterprise's project receiving support: the target of a grant (“对…企业，给予”,
# “给予…企业”), the one applying for it (“企业可申请…补贴”) or the one a support item is named for (“高新技术企业
# 认定奖励”); not a person (“给予引进的人员”), nor an employer applying for a procedure (“用人单位可以申请补缴”)
_ENTERPRISE = r"(?:企业|公司|用人单位|个体工商户|市场主体|经营主体|项目)"
RECIPIENT_RE = re.compile(rf"{TARGET}{_ENTERPRISE}|给予[^，,。；;]{{0,12}}{_ENTERPRISE}|"
                          rf"{_ENTERPRISE}[^，,。；;]{{0,8}}(?:申请|申报|享受|获得)|{_ENTERPRISE}[^，,。；;]{{0,6}}(?:奖励|补助|补贴|资助|贴息)")
GRANT_RE = re.compile(r"给予|奖励|补助|补贴|资助|扶持|贴息|减免|减按|免征|优惠")
CITATION_RE = re.compile(r"《[^》]*》|[（(][^）)]*〔\d{4}〕[^）)]*[）)]")


def issuer_region(title: str, passages: Iterable[Passage]) -> dict[str, Any] | None:
    """A region leaf for the place a local issuer's policy is for (None when there is none to draft)."""
    passages = list(passages)
    if not _for_enterprises(passages):
        return None
    lines = _opening(title, passages)
    if any(NATIONAL_RE.search(line) or LEGISLATION_RE.search(line) for _, line in lines):
        return None
    named = {line: places_in(line) for _, line in lines}
    found = set().union(*named.values())
    place = _writable(found, _streets(line for _, line in lines))
    if place is None:
        return None
    clause, line = next((clause, line) for clause, line in lines if named[line] & most_specific(found))
    return {"text": line, "clause": clause, "region": [place]}


def states_region(conditions: Iterable[dict[str, Any]]) -> bool:
    """Whether a drafted rule already has a region condition, at any depth."""
    return any("region" in leaf for _, leaf in walk(conditions))


def _opening(title: str, passages: list[Passage]) -> list[tuple[str, str]]:
    """(clause label, line) for the title and the first passage's opening lines naming a government body."""
    lines = [(TITLE_CLAUSE, _plain(title))] if title.strip() else []
    head = passages[0].text.splitlines()[:OPENING_LINES] if passages else []
    for raw in head:
        line = _plain(raw)
        if line and len(line) <= LINE_LENGTH and "。" not in line and BODY_RE.search(line):
            lines.append((ISSUER_CLAUSE, line))
    return lines


def _plain(line: str) -> str:
    # a cited document (“根据《杭州市…的通知》”) is another issuer's
    return CITATION_RE.sub("", line).strip(" \t:：,，")


def _streets(lines: Iterable[str]) -> dict[str, str]:
    """The district's streets the lines name in full (西溪街道, 三墩镇, not a bare 西溪 that may be the wetland):
    place → street tag."""
    vocab = vocabulary()
    out: dict[str, str] = {}
    for line in lines:
        for m in vocab.place_re.finditer(line):
            if (value := vocab.places[m.group(0)]).startswith("street_"):
                out.update(dict.fromkeys(places_in(m.group(0)), value))
    return out


def _writable(found: set[str], streets: dict[str, str]) -> str | None:
    """The most specific place named, as the conditions language writes it, when every place named is it or
    contains it and it is not the whole country."""
    narrowest = most_specific(found)
    if len(narrowest) != 1:
        return None
    place = _written(next(iter(narrowest)), streets)
    if place is None or place == WHOLE_COUNTRY:
        return None
    chain = [place, *place_chain(DISTRICT)] if place in streets.values() else place_chain(place)
    return place if all(_written(p, streets) in chain for p in found) else None


def _written(place: str, streets: dict[str, str]) -> str | None:
    """A place of the national register as the conditions language names it (杭州 → 杭州市, 西溪 → street_xixi when
    named in full), None when it cannot."""
    if place in streets:
        return streets[place]
    return next((name for name in ALIASES.get(place, ()) if name in PLACES or name == WHOLE_COUNTRY), None)


def _for_enterprises(passages: list[Passage]) -> bool:
    """Whether some sentence that may state conditions grants an enterprise or employer something."""
    return any(RECIPIENT_RE.search(sentence) and GRANT_RE.search(sentence)
               for passage in passages for sentence in stating(passage.text, listed=False))
