"""Pinyin correction: a stretch of a transcript that sounds like a vocabulary term becomes that term.

Whisper hears the syllables of a rare term right far more often than it picks the right homophone for it
(加急扣除 → 加计扣除), so the syllables decide, with rules strict enough that everyday words stay as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

# A term the store uses in at least this many documents is one visitors ask about often enough that Whisper's
# homophone for it is taken for it even with no character in common (攻击经 → 公积金).
FREQUENT_USES = 3


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


@cache
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


def _close(heard: Sequence[str], term: Sequence[str], threshold: float) -> bool:
    """Whether the mean syllable similarity reaches ``threshold``; stops at the first syllable that rules it out
    (most stretches differ from most terms at once, and thousands of terms are tried on every transcript)."""
    allowed = (1.0 - threshold) * len(term) + 1e-9
    lost = 0.0
    for a, b in zip(heard, term, strict=True):
        lost += 1.0 - syllable_similarity(a, b)
        if lost > allowed:
            return False
    return True


@dataclass
class PinyinCorrector:
    """Replaces stretches of a transcript that sound like a vocabulary term with that term.

    Two-character terms need identical syllables and one shared character (short homophones are common
    words too); longer terms may differ by a regional confusion in one syllable or so, and need half their
    characters in common, unless the store uses the term often (``weights``: term → documents using it) and
    what was written is not a word of general Chinese itself. With ``everyday`` (how often general Chinese uses
    a word), a word that is more common than the term stays as written (高级 is not 高技), and only a stretch
    that is no word at all may become a term it shares no character with.
    """

    vocabulary: Sequence[str]
    weights: Mapping[str, int] = field(default_factory=dict)
    everyday: Callable[[str], int] | None = None  # without it, no homophone is taken for a term
    _terms: list[tuple[str, list[str]]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        terms = {t.strip() for t in self.vocabulary if 2 <= len(t.strip()) <= 16 and all(map(is_hanzi, t.strip()))}
        # Longest first: a whole policy title wins over a department name inside it; then the store's most used.
        self._terms = [(t, pinyin(t)) for t in sorted(terms, key=lambda t: (-len(t), -self.weights.get(t, 0), t))]

    def _homophone(self, window: str, term: str) -> bool:
        """Whether ``window`` may become ``term`` when they share too few characters."""
        return (self.everyday is not None and len(term) >= 3 and self.weights.get(term, 0) >= FREQUENT_USES
                and self.everyday(window) == 0)

    def _more_common(self, window: str, term: str) -> bool:
        return self.everyday is not None and self.everyday(window) > self.everyday(term)

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
        for term, _ in self._terms:  # a stretch that is already a term stays that term
            start = text.find(term)
            while start >= 0:
                taken[start:start + len(term)] = [True] * len(term)
                start = text.find(term, start + 1)
        for term, term_py in self._terms:
            n = len(term)
            threshold = self._threshold(n)
            for start in range(len(text) - n + 1):
                if not _close(syllables[start:start + n], term_py, threshold) or any(taken[start:start + n]):
                    continue
                window = text[start:start + n]
                if not all(map(is_hanzi, window)) or self._more_common(window, term):
                    continue
                shared = sum(a == b for a, b in zip(window, term, strict=True))
                if shared < (1 if n == 2 else (n + 1) // 2) and not self._homophone(window, term):
                    continue
                out[start:start + n] = list(term)
                taken[start:start + n] = [True] * n
                corrections.append((window, term))
        return "".join(out), corrections
