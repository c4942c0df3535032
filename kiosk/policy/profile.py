"""An enterprise profile: tags and facts, each remembering where it came from.

Provenance matters because the kiosk tells the visitor why it thinks a policy fits: "成立于2019年（营业执照）"
reads differently from "研发占比4%（您的回答）". A profile built from the district register is *closed*: a tag
the register does not list is known to be absent. A profile built at the kiosk is open: what nobody said is
unknown, and the eligibility engine asks about it.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kiosk.policy.taxonomy import DISTRICT, Taxonomy, is_place, load_taxonomy, place_chain
from kiosk.policy.values import parse_bool, parse_date, parse_number, years_between

SOURCES = ("document", "visitor", "register")
SOURCE_NAMES = {"document": "证照", "visitor": "您的回答", "register": "企业登记信息"}

_PLACE_RE = re.compile(r"([\u4e00-\u9fa5]{2,3}(?:省|市|区|县))")


@dataclass
class Fact:
    value: Any  # bool for tags and answers, float for numbers, ISO date string for dates, name for places
    source: str  # one of SOURCES
    detail: str = ""  # which field or question it came from

    def to_dict(self) -> dict[str, Any]:
        out = {"value": self.value, "source": self.source}
        if self.detail:
            out["detail"] = self.detail
        return out


@dataclass
class EnterpriseProfile:
    name: str = ""
    credit_code: str = ""
    tags: dict[str, Fact] = field(default_factory=dict)
    facts: dict[str, Fact] = field(default_factory=dict)
    # answers to yes/no questions that settle one condition without the underlying number ("研发占比超过3%吗？")
    answers: dict[str, Fact] = field(default_factory=dict)
    closed: bool = False  # True for register rows: unlisted tags are known to be absent

    # -- reading ------------------------------------------------------------------------------------------

    def tag(self, tag_id: str, taxonomy: Taxonomy | None = None) -> bool | None:
        """True/False when known, None when unknown. Exclusive categories settle their other tags."""
        fact = self.tags.get(tag_id)
        if fact is not None:
            return bool(fact.value)
        if self.closed:
            return False
        taxonomy = taxonomy or load_taxonomy()
        if tag_id in taxonomy.tags:
            category = taxonomy.category_of(tag_id)
            if category.exclusive and any(
                self.tags.get(other) is not None and self.tags[other].value for other in category.tags
            ):
                return False
        return None

    def tag_source(self, tag_id: str) -> str:
        fact = self.tags.get(tag_id)
        return fact.source if fact else ("register" if self.closed else "")

    def date(self, fact_id: str) -> date | None:
        fact = self.facts.get(fact_id)
        return None if fact is None else parse_date(fact.value)

    def source_of(self, fact_id: str) -> str:
        key = "established" if fact_id == "age_years" else fact_id
        fact = self.facts.get(key)
        return fact.source if fact else ""

    def places(self, taxonomy: Taxonomy | None = None) -> list[str] | None:
        """Where the enterprise is registered, innermost first (街道 id, 西湖区, 杭州市, 浙江省, 全国), or None."""
        taxonomy = taxonomy or load_taxonomy()
        for street in taxonomy.streets():
            if self.tag(street, taxonomy):
                return [street, *place_chain(DISTRICT)]
        district = self.facts.get("district")
        if district is not None:
            return place_chain(str(district.value))
        return None

    def snapshot(self, taxonomy: Taxonomy | None = None, today: date | None = None) -> ProfileView:
        """A read-only view for evaluating many conditions at once; build a new one after the profile changes."""
        return ProfileView(self, taxonomy or load_taxonomy(), today or date.today())

    # -- writing ------------------------------------------------------------------------------------------

    def set_tag(self, tag_id: str, value: bool, source: str, detail: str = "", taxonomy: Taxonomy | None = None) -> None:
        taxonomy = taxonomy or load_taxonomy()
        _check_source(source)
        if tag_id not in taxonomy.tags:
            raise ValueError(f"未知标签：{tag_id}")
        self.tags[tag_id] = Fact(bool(value), source, detail)
        category = taxonomy.category_of(tag_id)
        if value and category.exclusive:
            # a new street or size replaces the old one rather than contradicting it
            for other in category.tags:
                if other != tag_id and other in self.tags and self.tags[other].value:
                    del self.tags[other]
        if value and category.id == "industry_division":
            self.tags[taxonomy.section_of(tag_id)] = Fact(True, source, detail)
        if value and category.id == "street":
            self.facts["district"] = Fact(DISTRICT, source, detail)

    def set_fact(self, fact_id: str, value: Any, source: str, detail: str = "", taxonomy: Taxonomy | None = None) -> None:
        taxonomy = taxonomy or load_taxonomy()
        _check_source(source)
        if fact_id == "district":
            if not is_place(str(value)):
                raise ValueError(f"未知地区：{value}")
            self.facts["district"] = Fact(str(value), source, detail)
            return
        spec = taxonomy.facts.get(fact_id)
        if spec is None or spec.derived_from:
            raise ValueError(f"未知事实：{fact_id}")
        if spec.kind == "date":
            established = parse_date(value)
            self.facts[fact_id] = Fact(established.isoformat(), source, detail)
            if fact_id == "established":
                self._set_age_tag(established, source, detail, taxonomy)
        else:
            self.facts[fact_id] = Fact(parse_number(value), source, detail)

    def set_answer(self, key: str, value: Any, detail: str = "") -> None:
        self.answers[key] = Fact(parse_bool(value), "visitor", detail)

    def _set_age_tag(self, established: date, source: str, detail: str, taxonomy: Taxonomy) -> None:
        years = years_between(established, date.today())
        band = "age_0_1" if years < 1 else "age_1_3" if years < 3 else "age_3_5" if years < 5 else (
            "age_5_10" if years < 10 else "age_10p")
        self.set_tag(band, True, source, detail, taxonomy)

    # -- JSON -----------------------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "credit_code": self.credit_code,
            "tags": {k: v.to_dict() for k, v in self.tags.items()},
            "facts": {k: v.to_dict() for k, v in self.facts.items()},
            "answers": {k: v.to_dict() for k, v in self.answers.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], taxonomy: Taxonomy | None = None) -> EnterpriseProfile:
        """Read a profile file. Accepts this class's own JSON, a short hand-written form, or `kiosk scan --json`.

        Short form: ``{"name": "…", "tags": ["qual_gaoxin", "高新技术企业"], "not_tags": [...],
        "facts": {"revenue": "3000万", "rd_ratio": 4.2, "established": "2019-05-01", "district": "西湖区"}}``;
        plain values count as the visitor's own statements.
        """
        taxonomy = taxonomy or load_taxonomy()
        if "fields" in data and "kind" in data:
            if data["kind"] != "business_licence" or not isinstance(data["fields"], dict):
                raise ValueError("这份识别结果不是营业执照，无法据此匹配企业政策")
            return profile_from_fields(data["fields"], taxonomy)
        profile = cls(name=str(data.get("name") or ""), credit_code=str(data.get("credit_code") or ""))
        tags = data.get("tags") or {}
        if isinstance(tags, list):
            tags = {str(t): True for t in tags}
        not_tags = data.get("not_tags") or []
        if not isinstance(tags, dict) or not isinstance(not_tags, list):
            raise ValueError("“tags”应为标签列表，“not_tags”应为列表")
        for key in ("facts", "answers"):
            if not isinstance(data.get(key) or {}, dict):
                raise ValueError(f"“{key}”应为键值对象，如 {{\"revenue\": \"3000万\"}}")
        for t in not_tags:
            tags[str(t)] = False
        for key, raw in tags.items():
            tag_id = taxonomy.resolve_tag(str(key))
            if tag_id is None:
                raise ValueError(f"未知标签：{key}")
            value, source, detail = _unpack(raw)
            profile.set_tag(tag_id, parse_bool(value), source, detail, taxonomy)
        for key, raw in (data.get("facts") or {}).items():
            value, source, detail = _unpack(raw)
            profile.set_fact(str(key), value, source, detail, taxonomy)
        for key, raw in (data.get("answers") or {}).items():
            value, _, detail = _unpack(raw)
            profile.set_answer(str(key), value, detail)
        return profile


class ProfileView:
    """A profile's tags, numbers (with the age in years on the evaluation day) and place, precomputed once for
    the hundreds of lookups one match makes."""

    def __init__(self, profile: EnterpriseProfile, taxonomy: Taxonomy, today: date):
        self.profile = profile
        self.answers = profile.answers
        self._tags = {t: bool(f.value) for t, f in profile.tags.items()}
        self._closed = profile.closed
        self._taxonomy = taxonomy
        # exclusive categories with a known member: their other tags are known to be absent
        self._settled = {taxonomy.tags[t].category for t, v in self._tags.items()
                         if v and t in taxonomy.tags and taxonomy.category_of(t).exclusive}
        self._numbers = {k: float(f.value) for k, f in profile.facts.items()
                         if k in taxonomy.facts and taxonomy.facts[k].kind == "number"}
        established = profile.facts.get("established")
        self._established = parse_date(established.value) if established is not None else None
        if self._established is not None:
            self._numbers["age_years"] = years_between(self._established, today)
        self._places = profile.places(taxonomy)

    def tag(self, tag_id: str) -> bool | None:
        value = self._tags.get(tag_id)
        if value is not None:
            return value
        if self._closed or self._taxonomy.tags[tag_id].category in self._settled:
            return False
        return None

    def tag_source(self, tag_id: str) -> str:
        return self.profile.tag_source(tag_id)

    def number(self, fact_id: str) -> float | None:
        return self._numbers.get(fact_id)

    def date(self, fact_id: str) -> date | None:
        return self._established if fact_id == "established" else self.profile.date(fact_id)

    def source_of(self, fact_id: str) -> str:
        return self.profile.source_of(fact_id)

    def places(self) -> list[str] | None:
        return self._places


def _unpack(raw: Any) -> tuple[Any, str, str]:
    if isinstance(raw, dict) and "value" in raw:
        return raw["value"], str(raw.get("source") or "visitor"), str(raw.get("detail") or "")
    return raw, "visitor", ""


def _check_source(source: str) -> None:
    if source not in SOURCES:
        raise ValueError(f"未知来源：{source}")


# Licence 类型 wording → ownership tag; checked in order, so the specific forms come first.
_OWNERSHIP_WORDS = (
    ("个体", "own_individual"), ("农民专业合作社", "own_coop"), ("合伙", "own_partnership"),
    ("港澳台", "own_hmt"), ("台港澳", "own_hmt"), ("外商", "own_foreign"), ("外国", "own_foreign"),
    ("中外合资", "own_foreign"), ("国有", "own_state"), ("集体", "own_collective"),
    ("自然人", "own_private"), ("私营", "own_private"), ("有限责任公司", "own_private"), ("股份有限公司", "own_private"),
)


def profile_from_fields(fields: dict[str, Any], taxonomy: Taxonomy | None = None) -> EnterpriseProfile:
    """A profile from business-licence fields (as `kiosk scan --json` prints them); every fact is 'document'."""
    taxonomy = taxonomy or load_taxonomy()
    # a field that overlaps text printed to look like an instruction is left unknown: the engine asks instead
    untrusted = set(fields.get("untrusted_fields") or [])
    fields = {k: v for k, v in fields.items() if k not in untrusted}
    profile = EnterpriseProfile(name=str(fields.get("name") or ""), credit_code=str(fields.get("credit_code") or ""))
    kind = str(fields.get("type") or "")
    for word, tag in _OWNERSHIP_WORDS:
        if word in kind:
            profile.set_tag(tag, True, "document", f"营业执照·类型：{kind}", taxonomy)
            break
    capital = fields.get("registered_capital_yuan")
    if capital not in (None, ""):
        profile.set_fact("registered_capital", capital, "document", "营业执照·注册资本", taxonomy)
    if fields.get("established"):
        with contextlib.suppress(ValueError):  # an unreadable date stays unknown; the engine will ask for it
            profile.set_fact("established", fields["established"], "document", "营业执照·成立日期", taxonomy)
    street = str(fields.get("street") or "")
    if street in taxonomy.tags and taxonomy.tags[street].category == "street":
        profile.set_tag(street, True, "document", "营业执照·住所", taxonomy)
    else:
        address = str(fields.get("address") or "")
        for place in _PLACE_RE.findall(address):
            if is_place(place) and place.endswith(("区", "县")):
                profile.set_fact("district", place, "document", "营业执照·住所", taxonomy)
                break
    for raw in fields.get("industry_tags") or []:
        tag_id = taxonomy.resolve_tag(str(raw))
        if tag_id is not None:
            profile.set_tag(tag_id, True, "document", "营业执照·经营范围", taxonomy)
    return profile


def profile_from_scan(result: Any, taxonomy: Taxonomy | None = None) -> EnterpriseProfile:
    """A profile from a ScanResult of a business licence (``result.fields``)."""
    return profile_from_fields(dict(getattr(result, "fields", None) or {}), taxonomy)
