"""Query normalisation: the visitor's words, tidied, plus the official terms documents use for them."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib import resources

import yaml

from kiosk.knowledge.numbers import arabic

MAX_QUESTION_CHARS = 300

_UNIT_RULES = [
    (re.compile(r"(\d+(?:\.\d+)?)\s*[wW](?![a-zA-Z])"), r"\1万"),
    (re.compile(r"(\d+(?:\.\d+)?万?)\s*块钱?"), r"\1元"),
    (re.compile(r"(\d+(?:\.\d+)?)\s*个点"), r"\1%"),
    (re.compile(r"百分之(\d+(?:\.\d+)?)"), r"\1%"),
]
_MEASURE_AFTER_VERB_RE = re.compile(r"(开|办|注册|成立)(?:一个|一家|一间|个|家|间)")


@cache
def synonyms() -> dict[str, tuple[str, ...]]:
    text = resources.files("kiosk.knowledge").joinpath("synonyms.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    return {k: tuple(v) for k, v in sorted(data.items(), key=lambda kv: -len(kv[0]))}


def clean(question: str) -> str:
    """Width-fold, drop emoji and control characters, collapse space, cap the length."""
    text = unicodedata.normalize("NFKC", question)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] in "LNPZ" or ch in "%+-.")
    text = re.sub(r"\s+", " ", text).strip()
    # "开个茶馆" and "开一家公司" mean "开茶馆" and "开公司"
    text = _MEASURE_AFTER_VERB_RE.sub(r"\1", text)
    return text[:MAX_QUESTION_CHARS]


def normalize(question: str) -> str:
    """The question as the index should see it: cleaned, units standardised, colloquial terms expanded."""
    text = arabic(clean(question))
    for pattern, repl in _UNIT_RULES:
        text = pattern.sub(repl, text)
    extra: list[str] = []
    covered = text
    for phrase, terms in synonyms().items():
        if phrase in covered:
            extra.extend(t for t in terms if t not in text and t not in extra)
            covered = covered.replace(phrase, " ")
    return f"{text} {' '.join(extra)}".strip() if extra else text
