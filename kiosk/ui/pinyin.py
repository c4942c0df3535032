"""Pinyin → Chinese candidates for the on-screen keyboard.

The candidate list is built from the store's domain vocabulary (policy titles, departments, streets, services),
which comes first, and from the common words and characters of jieba's dictionary ordered by frequency. Input is
toneless pinyin; a full spelling ("kaigongsi"), a spelling prefix ("kaig") and initials ("kgs") all match.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from pathlib import Path

COMMON_WORDS = 12000
COMMON_CHARS = 3500


@dataclass(frozen=True)
class Candidate:
    text: str
    consumed: int  # how many letters of the input this candidate replaces


@dataclass(frozen=True)
class _Entry:
    key: str
    text: str
    initials: str
    rank: int  # lower is better: domain terms first, then by corpus frequency


class PinyinIndex:
    def __init__(self, entries: list[_Entry], chars: dict[str, list[tuple[int, str]]]):
        self._entries = sorted(entries, key=lambda e: (e.key, e.rank))
        self._keys = [e.key for e in self._entries]
        self._by_initials: dict[str, list[_Entry]] = {}
        for e in self._entries:
            self._by_initials.setdefault(e.initials, []).append(e)
        self._chars = {s: [c for _, c in sorted(v)] for s, v in chars.items()}
        self._syllables = set(self._chars)

    @classmethod
    def build(cls, vocabulary: list[str], common: list[tuple[str, int]] | None = None) -> PinyinIndex:
        """`common` is (word, frequency) pairs; by default the most frequent words and characters of jieba."""
        from pypinyin import Style, pinyin

        common = jieba_common() if common is None else common
        entries: list[_Entry] = []
        seen: set[str] = set()
        for rank, word in enumerate(dict.fromkeys(w.strip() for w in vocabulary if w and w.strip())):
            if _is_han(word):
                entries.append(_entry(word, rank))
                seen.add(word)
        chars: dict[str, list[tuple[int, str]]] = {}
        base = len(entries)
        for rank, (word, _freq) in enumerate(sorted(common, key=lambda wf: -wf[1])):
            if len(word) == 1:
                # a character's rarer readings sink below the common characters that have them as main reading
                for k, reading in enumerate(pinyin(word, style=Style.NORMAL, heteronym=True)[0]):
                    chars.setdefault(reading, []).append((rank + k * len(common), word))
            elif word not in seen and _is_han(word):
                entries.append(_entry(word, base + rank))
                seen.add(word)
        return cls(entries, chars)

    def split(self, letters: str) -> list[str]:
        """Greedy longest-syllable segmentation; an unfinished tail stays as it is."""
        out, i = [], 0
        while i < len(letters):
            for j in range(min(len(letters), i + 6), i, -1):
                if letters[i:j] in self._syllables:
                    out.append(letters[i:j])
                    i = j
                    break
            else:
                out.append(letters[i:])
                break
        return out

    def lookup(self, letters: str, limit: int = 12) -> list[Candidate]:
        letters = letters.lower().replace("'", "")
        if not letters:
            return []
        found: list[Candidate] = []
        lo = bisect.bisect_left(self._keys, letters)
        hi = bisect.bisect_right(self._keys, letters + "\uffff")
        exact = sorted((e for e in self._entries[lo:hi] if e.key == letters), key=lambda e: e.rank)
        prefix = sorted((e for e in self._entries[lo:hi] if e.key != letters), key=lambda e: (e.rank, len(e.key)))
        found += [Candidate(e.text, len(letters)) for e in exact]
        syllables = self.split(letters)
        if len(letters) >= 2 and not (len(syllables) == 1 and letters in self._syllables):
            found += [Candidate(e.text, len(letters)) for e in sorted(self._by_initials.get(letters, []),
                                                                       key=lambda e: e.rank)[:limit]]
        chars = [Candidate(c, len(syllables[0])) for c in self._chars.get(syllables[0], [])[:limit]]
        words = [Candidate(e.text, len(letters)) for e in prefix[:limit]]
        # one syllable most likely means one character; several mean a word
        found += chars + words if len(syllables) == 1 else words + chars
        unique: dict[str, Candidate] = {}
        for cand in found:
            unique.setdefault(cand.text, cand)
        return list(unique.values())[:limit]


def _entry(word: str, rank: int) -> _Entry:
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(word, style=Style.NORMAL, errors="ignore")
    return _Entry("".join(syllables), word, "".join(s[0] for s in syllables if s), rank)


def _is_han(word: str) -> bool:
    return 1 < len(word) <= 12 and all("\u4e00" <= ch <= "\u9fff" for ch in word)


def jieba_common(words: int = COMMON_WORDS, chars: int = COMMON_CHARS) -> list[tuple[str, int]]:
    """The most frequent words and single characters in jieba's dictionary (empty if jieba is missing)."""
    try:
        import jieba
    except ImportError:
        return []
    path = Path(jieba.__file__).parent / "dict.txt"
    multi: list[tuple[str, int]] = []
    single: list[tuple[str, int]] = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) < 2 or not parts[1].isdigit():
                continue
            word, freq = parts[0], int(parts[1])
            if len(word) == 1 and "\u4e00" <= word <= "\u9fff" and _is_simplified(word):
                single.append((word, freq))
            elif 1 < len(word) <= 4 and _is_han(word) and _is_simplified(word):
                multi.append((word, freq))
    multi.sort(key=lambda wf: -wf[1])
    single.sort(key=lambda wf: -wf[1])
    return single[:chars] + multi[:words]


def _is_simplified(text: str) -> bool:
    """GB2312 holds the 6,763 characters of everyday simplified Chinese; rarer or traditional ones are left out."""
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True
