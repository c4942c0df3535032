"""Street from a licence address and industry tags from its business scope, by the rules in scope_tags.yaml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

RULES_FILE = Path(__file__).with_name("scope_tags.yaml")


@dataclass(frozen=True)
class IndustryRule:
    label: str
    words: tuple[str, ...]
    industry: tuple[str, ...]
    sectors: tuple[str, ...]
    weak: bool


@dataclass(frozen=True)
class ScopeTags:
    tags: list[str]  # taxonomy ids: primary industry (门类, 大类) first, then sectors
    labels: list[str]  # short Chinese names of what matched, in scope order


@cache
def _rules() -> tuple[dict[str, str], tuple[IndustryRule, ...]]:
    raw = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    rules = tuple(
        IndustryRule(
            label=r["label"],
            words=tuple(r["words"]),
            industry=tuple(r.get("industry", ())),
            sectors=tuple(r.get("sectors", ())),
            weak=bool(r.get("weak", False)),
        )
        for r in raw["industries"]
    )
    return dict(raw["streets"]), rules


def streets() -> dict[str, str]:
    """Street/town id → its name (西溪街道, 三墩镇)."""
    return dict(_rules()[0])


def street_of(address: str) -> str | None:
    """The 西湖区 street or town an address names explicitly, or None."""
    compact = re.sub(r"\s+", "", address or "")
    for street_id, name in _rules()[0].items():
        if name in compact:
            return street_id
    return None


def scope_tags(scope: str) -> ScopeTags:
    """Industry and sector tags for a 经营范围 text."""
    _, rules = _rules()
    clauses = [c for c in re.split(r"[；;、，,。:：\n]", scope or "") if c.strip()]
    primary: tuple[str, ...] = ()
    weak_primary: tuple[str, ...] = ()
    sectors: list[str] = []
    labels: list[str] = []
    for clause in clauses:
        for rule in rules:
            if not any(word in clause for word in rule.words):
                continue
            if rule.label not in labels:
                labels.append(rule.label)
            sectors.extend(s for s in rule.sectors if s not in sectors)
            if rule.industry and not rule.weak and not primary:
                primary = rule.industry
            if rule.industry and rule.weak and not weak_primary:
                weak_primary = rule.industry
    return ScopeTags(tags=[*(primary or weak_primary), *sectors], labels=labels)
