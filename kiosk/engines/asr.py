"""Speech recognition: faster-whisper (int8 on the CPU), Mandarin in, simplified Chinese out.

Recognition is biased towards the hall's own words in two ways. Before decoding, the store's vocabulary
(policy names, departments, towns and streets, service items) is handed to Whisper as hotwords, which makes
it prefer those spellings. After decoding, a pinyin pass replaces stretches that *sound* like a vocabulary
term but were written with other characters (加急扣除 → 加计扣除): Whisper hears the syllables right far more
often than it picks the right homophone for a rare term.

Greedy decoding (beam 1) is both faster and, measured on this model, more accurate than beam search.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kiosk.engines.audio import SAMPLE_RATE
from kiosk.engines.modelpath import ModelMissing, model_folder

log = logging.getLogger(__name__)

DEFAULT_MODEL = "whisper-base"
MODEL_FILES = ("model.bin", "config.json", "tokenizer.json", "vocabulary.json")
# Whisper allows about 220 prompt tokens; a longer list also pulls unrelated speech towards the domain.
HOTWORD_BUDGET_CHARS = 100
# Phrases Whisper invents on silence or noise, learnt from subtitled video.
_HALLUCINATIONS = ("字幕", "订阅", "点赞", "谢谢观看", "Amara", "优优独播剧场", "请不吝")


@dataclass(frozen=True)
class Transcript:
    text: str
    raw_text: str
    audio_s: float
    elapsed_s: float
    corrections: tuple[tuple[str, str], ...] = ()

    @property
    def rtf(self) -> float:
        return self.elapsed_s / self.audio_s if self.audio_s else 0.0


def to_simplified(text: str) -> str:
    import zhconv

    return zhconv.convert(text, "zh-cn")


def select_hotwords(vocabulary: Iterable[str], core: Sequence[str] = (),
                    budget_chars: int = HOTWORD_BUDGET_CHARS) -> list[str]:
    """The terms that fit Whisper's prompt: ``core`` terms in their order, then the vocabulary's core words.

    A vocabulary term's weight is how many vocabulary entries contain it (知识产权 recurs across many titles, a single
    long title does not); long titles are left to the pinyin correction pass.
    """
    entries = [t.strip() for t in vocabulary if t.strip()]
    candidates = {t for t in entries if 2 <= len(t) <= 6 and all(map(_is_hanzi, t))}
    weight = {t: sum(t in e for e in entries) for t in candidates}
    chosen: list[str] = []
    used = 0
    for term in [*core, *sorted(candidates, key=lambda t: (-weight[t], len(t), t))]:
        if used + len(term) + 1 > budget_chars:
            break
        if any(term in c or c in term for c in chosen):
            continue
        chosen.append(term)
        used += len(term) + 1
    return chosen


_HALF_TO_FULL = str.maketrans({",": "，", "?": "？", "!": "！", ";": "；", ":": "："})


def tidy(text: str) -> str:
    """Chinese punctuation, and no spaces between characters (Whisper spaces out prompted speech)."""
    text = re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", text.strip())
    return text.translate(_HALF_TO_FULL)


# --- pinyin correction ----------------------------------------------------------------------------------------

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


def _pinyin(text: str) -> list[str]:
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: ["?"] * len(chars))


def _is_hanzi(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


@dataclass
class PinyinCorrector:
    """Replaces stretches of a transcript that sound like a vocabulary term with that term.

    Two-character terms need identical syllables and one shared character (short homophones are common
    words too); longer terms may differ by a regional confusion in one syllable or so.
    """

    vocabulary: Sequence[str]
    _terms: list[tuple[str, list[str]]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        terms = {t.strip() for t in self.vocabulary if 2 <= len(t.strip()) <= 16 and all(map(_is_hanzi, t.strip()))}
        # Longest first: a whole policy title wins over a department name inside it.
        self._terms = [(t, _pinyin(t)) for t in sorted(terms, key=lambda t: (-len(t), t))]

    @staticmethod
    def _threshold(length: int) -> float:
        return 1.0 if length == 2 else 0.86 if length == 3 else 0.84

    def correct(self, text: str) -> tuple[str, list[tuple[str, str]]]:
        if not self._terms or not text:
            return text, []
        syllables = _pinyin(text)
        if len(syllables) != len(text):
            syllables = [(_pinyin(ch) or ["?"])[0] if _is_hanzi(ch) else "?" for ch in text]
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
                if not all(map(_is_hanzi, window)):
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


# --- the engine -----------------------------------------------------------------------------------------------


class AsrEngine:
    """Load once with :meth:`load`; :meth:`transcribe` takes 16 kHz mono float32 samples."""

    def __init__(self, model_dir: Path | None = None, vocabulary: Sequence[str] = (), core: Sequence[str] = (),
                 threads: int = 2, beam_size: int = 1):
        self.model_dir = model_dir
        self.threads = threads
        self.beam_size = beam_size
        self._model = None
        self.set_vocabulary(vocabulary, core)

    def set_vocabulary(self, vocabulary: Sequence[str], core: Sequence[str] = ()) -> None:
        """``core`` terms are always among the hotwords; every term takes part in the pinyin correction."""
        self.vocabulary = list(dict.fromkeys([*core, *vocabulary]))
        self.hotwords = select_hotwords(vocabulary, core)
        self.corrector = PinyinCorrector(self.vocabulary)

    @staticmethod
    def default_model_dir() -> Path:
        folder = model_folder("asr", DEFAULT_MODEL)
        if folder is None or not all((folder / f).is_file() for f in MODEL_FILES):
            raise ModelMissing("asr", DEFAULT_MODEL)
        return folder

    def load(self) -> AsrEngine:
        if self._model is None:
            from faster_whisper import WhisperModel

            folder = self.model_dir or self.default_model_dir()
            self._model = WhisperModel(str(folder), device="cpu", compute_type="int8", cpu_threads=self.threads)
        return self

    def transcribe(self, samples: np.ndarray, bias: bool = True) -> Transcript:
        self.load()
        started = time.perf_counter()
        segments, _info = self._model.transcribe(
            samples.astype(np.float32, copy=False),
            language="zh",
            task="transcribe",
            beam_size=self.beam_size,
            temperature=0.0,
            condition_on_previous_text=False,
            without_timestamps=True,
            vad_filter=False,
            # The closing 。 marks the terms as a finished sentence: without it Whisper continues the list and
            # bends the visitor's first words towards it.
            hotwords=" ".join(self.hotwords) + "。" if bias and self.hotwords else None,
        )
        pieces = [s.text.strip() for s in segments if not (s.no_speech_prob > 0.6 and s.avg_logprob < -1.0)]
        raw = tidy(to_simplified("".join(pieces)))
        if any(h in raw for h in _HALLUCINATIONS):
            raw = ""
        text, corrections = self.corrector.correct(raw) if bias else (raw, [])
        return Transcript(text=text, raw_text=raw, audio_s=len(samples) / SAMPLE_RATE,
                          elapsed_s=time.perf_counter() - started, corrections=tuple(corrections))
