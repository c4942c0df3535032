"""Pinyin correction: a stretch of a transcript that sounds like a vocabulary term becomes that term.

Whisper hears the syllables of a rare term right far more often than it picks the right homophone for it
(加急扣除 → 加计扣除), so the syllables decide, with rules strict enough that everyday words stay as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


def is_hanzi(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def sounds_like(term: str, text: str, threshold: float = 0.6) -> bool:
    """Whether some stretch of ``text`` as long as ``term`` is close to it in sound (toneless syllables)."""
    term_py, text_py = pinyin(term), pinyin(text)
    n = len(term_py)
    return any(sum(syllable_similarity(a, b) for a, b in zip(text_py[i:i + n], term_py, strict=True)) / n >= threshold
               for i in range(len(text_py) - n + 1))


_FUZZY_INITIALS = {frozenset(p) for p in (("z", "zh"), ("c", "ch"), ("s", "sh"), ("n", "l"), ("f", "h"), ("r", "l"))}
_FUZZY_FINALS = {frozenset(p) for p in (("an", "ang"), ("en", "eng"), ("in", "ing"), ("ian", "iang"),
                                         ("uan", "uang"), ("ong", "eng"))}


def _split_syllable(syllable: str) -> tuple[str, str]:
    for initial in ("zh", "ch", "sh"):
        if syllable.startswith(initial):
            return initial, syllable[2:]
    if syllable[:1] in "bpmfdtnlgkhjqxrzcsyw" and len(syllable) > 1:
        return syllable[0], syllable[1:]
    return "", syllable


def syllable_similarity(a: str, b: str) -> float:
    """1 for the same toneless syllable, 0.8 for a common regional confusion (z/zh, an/ang …), else less."""
    if a == b:
        return 1.0
    ia, fa = _split_syllable(a)
    ib, fb = _split_syllable(b)
    same_i = ia == ib or frozenset((ia, ib)) in _FUZZY_INITIALS
    same_f = fa == fb or frozenset((fa, fb)) in _FUZZY_FINALS
    if same_i and same_f:
        return 0.8
    return 0.4 if (ia == ib or fa == fb) else 0.0


def pinyin(text: str) -> list[str]:
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: ["?"] * len(chars))


@dataclass
class PinyinCorrector:
    """Replaces stretches of a transcript that sound like a vocabulary term with that term.

    Two-character terms need identical syllables and one shared character (short homophones are common
    words too); longer terms may differ by a regional confusion in one syllable or so.
    """

    vocabulary: Sequence[str]
    _terms: list[tuple[str, list[str]]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        terms = {t.strip() for t in self.vocabulary if 2 <= len(t.strip()) <= 16 and all(map(is_hanzi, t.strip()))}
        # Longest first: a whole policy title wins over a department name inside it.
        self._terms = [(t, pinyin(t)) for t in sorted(terms, key=lambda t: (-len(t), t))]

    @staticmethod
    def _threshold(length: int) -> float:
        return 1.0 if length == 2 else 0.86 if length == 3 else 0.84

    def correct(self, text: str) -> tuple[str, list[tuple[str, str]]]:
        if not self._terms or not text:
            return text, []
        syllables = pinyin(text)
        if len(syllables) != len(text):
            syllables = [(pinyin(ch) or ["?"])[0] if is_hanzi(ch) else "?" for ch in text]
        taken = [False] * len(text)
        out = list(text)
        corrections: list[tuple[str, str]] = []
        for term, term_py in self._terms:
            n = len(term)
            threshold = self._threshold(n)
            for start in range(len(text) - n + 1):
                if any(taken[start:start + n]):
                    continue
                window = text[start:start + n]
                if window == term:
                    taken[start:start + n] = [True] * n
                    continue
                if not all(map(is_hanzi, window)):
                    continue
                score = sum(syllable_similarity(a, b) for a, b in zip(syllables[start:start + n], term_py, strict=True)) / n
                if score < threshold:
                    continue
                shared = sum(a == b for a, b in zip(window, term, strict=True))
                if n == 2 and shared == 0:
                    continue
                if n >= 3 and shared < (n + 1) // 2:
                    continue
                out[start:start + n] = list(term)
                taken[start:start + n] = [True] * n
                corrections.append((window, term))
        return "".join(out), corrections
