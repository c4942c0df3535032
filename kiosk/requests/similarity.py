"""Near-duplicate detection by character n-grams: robust to word order and to how a visitor phrases things."""

from __future__ import annotations

import re

_NOISE = re.compile(r"[\s，。；、！？,.;!?：:“”\"'（）()]+")


def ngrams(text: str, n: int = 2) -> set[str]:
    text = _NOISE.sub("", text)
    if len(text) < n:
        return {text} if text else set()
    return {text[i : i + n] for i in range(len(text) - n + 1)}


def similarity(a: str, b: str) -> float:
    """Dice coefficient of the two texts' character bigrams, 0..1."""
    ga, gb = ngrams(a), ngrams(b)
    if not ga or not gb:
        return 0.0
    return 2 * len(ga & gb) / (len(ga) + len(gb))
