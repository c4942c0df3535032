"""The words policy texts use for the taxonomy's tags, facts and places (from terms.yaml and the taxonomy)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from kiosk.policy.taxonomy import PLACES, load_taxonomy


@dataclass(frozen=True)
class FactWords:
    fact: str
    unit: str  # money | percent | people | area | age | years
    names: re.Pattern[str]


@dataclass(frozen=True)
class Vocabulary:
    tag_phrases: dict[str, tuple[str, ...]]  # phrase → tags it stands for
    tag_mode: dict[str, str]  # tag → require | exclude
    hired: dict[str, str]  # founder tag → the tag for hiring such people
    facts: tuple[FactWords, ...]
    places: dict[str, str]  # phrase → region value (a place name or a street tag)
    phrase_re: re.Pattern[str]
    place_re: re.Pattern[str]


@cache
def vocabulary() -> Vocabulary:
    raw = yaml.safe_load(resources.files("kiosk.content.drafting").joinpath("terms.yaml").read_text(encoding="utf-8"))
    taxonomy = load_taxonomy()
    modes = raw["categories"]
    tag_mode: dict[str, str] = {}
    phrases: dict[str, tuple[str, ...]] = {}
    for tag in taxonomy.tags.values():
        if tag.category in modes:
            tag_mode[tag.id] = modes[tag.category]
            phrases.setdefault(tag.name, (tag.id,))
    for phrase, tags in raw["tags"].items():
        phrases[phrase] = tuple(tags)
    # tax credit grades are qualifications a policy may ask for, not problems to exclude
    for tag in ("status_tax_a", "status_tax_b"):
        tag_mode[tag] = "require"
    facts = tuple(FactWords(fact, spec["unit"], re.compile("|".join(spec["names"])))
                  for fact, spec in raw["facts"].items())
    places = {p: p for p in PLACES if len(p) >= 2}
    places.update({t.name: t.id for t in taxonomy.tags.values() if t.category == "street"})
    return Vocabulary(phrases, tag_mode, dict(raw["hired"]), facts, places, _alternation(phrases), _alternation(places))


def _alternation(words: dict[str, object]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
