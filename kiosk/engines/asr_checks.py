"""What a transcript's text says about itself: comparable text, error rate, and signs of a degenerate decode.

A prompt of hotwords pulls Whisper towards the hall's words, and on speech that has none of them it can lock into
writing the prompt back ("专精特新小巨人专精特新小巨人…") for the whole output. Such decodes give themselves away
without any reference: a block of characters repeated back to back, text that compresses far better than
language does, more characters than anyone can say in the time, or text made of little but the hotwords. And
against the plain decode of the same audio, a prompted decode may only respell what was heard as a hotword.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from kiosk.engines.pinyin_correct import sounds_like

# Whisper's own limit for a repetitive decode (gzip ratio of the UTF-8 text).
MAX_COMPRESSION_RATIO = 2.4
# Fast Mandarin runs at about 6 characters a second; nobody in a service hall says more than 8.
MAX_CHARS_PER_SECOND = 8.0
# A block repeated back to back is a loop when the repeats cover this many characters (谢谢谢谢 is speech).
MIN_LOOP_CHARS = 8
# Hotwords covering this share of a transcript, in two or more occurrences, are the prompt written back.
MAX_HOTWORD_SHARE = 0.6
# Interjections and sentence particles: a transcript of nothing else carries no request.
FILLERS = frozenset("嗯哦噢喔啊呃额唉哎诶欸呀哈嘿哼唔呣咳嘛呢吧啦哇喽呐")

_LOOP = re.compile(r"(.{2,}?)\1+")


def comparable(text: str) -> str:
    """Text as a listener compares it: full/half width folded, letters lower-cased, punctuation and spaces gone."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return "".join(c for c in folded if unicodedata.category(c)[0] in "LN")


def edit_distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]


def char_errors(reference: str, hypothesis: str) -> int:
    """Character edits between the comparable forms of the two texts."""
    return edit_distance(comparable(reference), comparable(hypothesis))


def char_error_rate(reference: str, hypothesis: str) -> float:
    return char_errors(reference, hypothesis) / max(1, len(comparable(reference)))


def compression_ratio(text: str) -> float:
    data = text.encode("utf-8")
    return len(data) / len(zlib.compress(data)) if data else 0.0


def longest_loop(text: str) -> int:
    """Characters covered by the longest run of one block (two or more characters) repeated back to back."""
    flat = comparable(text)
    return max((len(m.group(0)) for m in _LOOP.finditer(flat)), default=0)


def hotword_share(text: str, hotwords: Sequence[str]) -> tuple[float, int]:
    """The share of the text's characters inside hotword occurrences, and how many occurrences there are."""
    flat = comparable(text)
    covered = [False] * len(flat)
    occurrences = 0
    for word in sorted({comparable(w) for w in hotwords if comparable(w)}, key=len, reverse=True):
        for m in re.finditer(re.escape(word), flat):
            if not any(covered[m.start():m.end()]):
                covered[m.start():m.end()] = [True] * len(word)
                occurrences += 1
    return (sum(covered) / len(flat) if flat else 0.0), occurrences


def filler_only(text: str) -> bool:
    """True for a transcript with no words but interjections (哦嗯, 啊？) — or none at all."""
    return all(c in FILLERS for c in comparable(text))


def max_chars(seconds: float) -> int:
    """The most characters a transcript of ``seconds`` of audio may hold."""
    return int(seconds * MAX_CHARS_PER_SECOND) + 2


def cut_to_duration(text: str, seconds: float) -> str:
    """A looping decode cut back to one pass of its loop, and to what ``seconds`` of speech can hold."""
    text = _LOOP.sub(lambda m: m.group(1) if len(m.group(0)) >= MIN_LOOP_CHARS else m.group(0), text)
    limit = max_chars(seconds)
    kept = 0
    for i, c in enumerate(text):
        kept += bool(comparable(c))
        if kept > limit:
            return text[:i]
    return text


@dataclass(frozen=True)
class Decode:
    """One decoding of the audio: its text and what the decoder said about it."""

    text: str
    avg_logprob: float
    compression_ratio: float = 0.0
    temperature: float = 0.0


def suspect(decode: Decode, seconds: float, hotwords: Sequence[str] = ()) -> str:
    """Why ``decode`` looks degenerate for ``seconds`` of audio ("" when it does not)."""
    text = decode.text
    if longest_loop(text) >= MIN_LOOP_CHARS:
        return "repeated block"
    if max(decode.compression_ratio, compression_ratio(text)) > MAX_COMPRESSION_RATIO:
        return "compression ratio"
    if len(comparable(text)) > max_chars(seconds):
        return "too many characters for the audio"
    share, occurrences = hotword_share(text, hotwords)
    if occurrences >= 2 and share >= MAX_HOTWORD_SHARE:
        return "mostly hotwords"
    return ""


def respellable(plain: str, hotwords: Sequence[str]) -> list[str]:
    """The hotwords a prompted decode could newly write into ``plain``: not in it, and sounding like a stretch of it.

    When there are none, :func:`strays` leaves a prompted decode of the same audio nothing but a one-character
    change to make, which is as likely to be wrong as right: that decode is not worth running.
    """
    p = comparable(plain)
    return [w for w in dict.fromkeys(comparable(h) for h in hotwords) if w and w not in p and sounds_like(w, p)]


def strays(plain: str, biased: str, hotwords: Sequence[str]) -> str:
    """Why the biased text is more than the plain one respelt with hotwords ("" when it is not).

    The prompt may turn what was heard into a hotword (加急扣除 → 加计扣除): the texts then differ by at most the
    characters of hotwords new in the biased text, and each new hotword sounds like a stretch of the plain text.
    Any other change means the prompt is being read instead of the audio.
    """
    p, b = comparable(plain), comparable(biased)
    new = [w for w in {comparable(h) for h in hotwords} if w and w in b and w not in p]
    if edit_distance(p, b) > sum(len(w) * b.count(w) for w in new) + 1:
        return "differs beyond its hotwords"
    if any(not sounds_like(w, p) for w in new):
        return "hotword not heard"
    return ""


def choose(plain: Decode, biased: Decode, seconds: float, hotwords: Sequence[str]) -> tuple[Decode, str]:
    """The biased decode only when it is sound and at least as confident as the plain one; with the reason."""
    if comparable(biased.text) == comparable(plain.text):
        return biased, "same text"
    reason = suspect(biased, seconds, hotwords) or strays(plain.text, biased.text, hotwords)
    if reason:
        return plain, f"biased decode rejected: {reason}"
    if biased.avg_logprob < plain.avg_logprob:
        return plain, "biased decode less confident"
    return biased, "biased decode"
