"""Mandarin text → the IPA phoneme string Kokoro v1.0 reads, with tone sandhi applied as people speak.

misaki's Mandarin front end (the one Kokoro was trained with) turns each pinyin syllable into IPA with the tone
as an arrow (→ ↗ ↓ ↘). Its plain path reads every character in its dictionary tone, which makes phrases such
as 可以 or 有什么 sound foreign and Whisper mishears them; so words are tagged by jieba, merged the way sandhi
needs (不/一/reduplication/third-tone runs) and their tones changed by misaki's ToneSandhi before the IPA step.
"""

from __future__ import annotations

import logging
import re

_HANZI = re.compile(r"[\u4e00-\u9fff]+")


class MandarinIpa:
    """Callable: clause text → IPA string (punctuation kept as Kokoro's ASCII marks)."""

    def __init__(self) -> None:
        import jieba
        import jieba.posseg
        from misaki.tone_sandhi import ToneSandhi
        from misaki.zh import ZHG2P

        jieba.setLogLevel(logging.WARNING)
        self._cut = jieba.posseg.lcut
        self._sandhi = ToneSandhi()
        self._zh = ZHG2P

    def syllables(self, word: str, pos: str) -> list[str]:
        """Toned pinyin (TONE3, neutral 5) of a Chinese word after tone sandhi."""
        from pypinyin import Style, lazy_pinyin

        toned = lazy_pinyin(word, style=Style.TONE3, neutral_tone_with_five=True)
        finals = lazy_pinyin(word, style=Style.FINALS_TONE3, neutral_tone_with_five=True)
        if len(toned) != len(finals):
            return toned
        finals = self._sandhi.modified_tone(word, pos, finals)
        return [s[:-1] + f[-1] if s[-1:].isdigit() and f[-1:].isdigit() else s for s, f in zip(toned, finals, strict=True)]

    def _ipa(self, syllable: str) -> str:
        """One syllable's IPA; a syllable pinyin_to_ipa does not know (a rare interjection) is left out."""
        try:
            return self._zh.py2ipa(syllable)
        except (ValueError, KeyError, IndexError, AssertionError):
            return ""

    def __call__(self, text: str) -> str:
        text = self._zh.map_punctuation(text)
        words = self._sandhi.pre_merge_for_modify(self._cut(text))
        out: list[str] = []
        for word, pos in words:
            if _HANZI.fullmatch(word):
                out.append(" " + "".join(self._ipa(s) for s in self.syllables(word, pos)))
            else:
                out.append(word)
        return re.sub(r"\s+", " ", "".join(out)).strip()
