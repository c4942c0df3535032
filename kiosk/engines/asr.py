"""Speech recognition: faster-whisper (int8 on the CPU), Mandarin in, simplified Chinese out.

Recognition is biased towards the hall's own words in two ways. Before decoding, a short list of hotwords (the
terms visitors' questions keep coming back to) is handed to Whisper as a prompt, which makes it prefer those
spellings. After decoding, a pinyin pass replaces stretches that *sound* like a vocabulary term but were written
with other characters (加急扣除 → 加计扣除).

The prompt can only help. Each 30-second window is encoded once and decoded without the prompt. It is decoded
again with the prompt only when some hotword not yet written sounds like a stretch of that plain decode: a
prompted decode may change nothing else but one character (``asr_checks.strays``), so otherwise the second
decode, about a fifth of recognition's work, would buy no hotword. The prompted decode is kept only when it
shows no sign of degenerating (see ``asr_checks``) and is at least as confident (average log-probability) as
the plain one. It uses Whisper's temperature fallback (a looping or unsure greedy decode is sampled again at
rising temperatures); the plain decode stays greedy, so without hotwords a clip always transcribes the same way.
Neither may hold more tokens than the audio's duration allows, so a decode that loops stops early.

Greedy decoding (beam 1) is both faster and, measured on this model, more accurate than beam search.

A draft (``transcribe(..., draft=True)``: the live loop's partial transcripts while the visitor is still speaking)
is cheaper: the encoder sees only the audio and two seconds of padding instead of a full 30-second window, and
there is no prompted decode; it costs about a third of a final transcript. Whisper was trained on full windows
and hears a little worse on short ones (24 spoken domain questions: character error rate 14.8 % → 15.7 % without
the prompt; the real clips unchanged), so final transcripts keep the full window. A draft is only shown, then
replaced; being cheap, it no longer holds the recogniser when the final transcript needs it.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kiosk.engines.asr_checks import Decode, choose, cut_to_duration, filler_only, max_chars, respellable
from kiosk.engines.audio import SAMPLE_RATE
from kiosk.engines.modelpath import ModelMissing, model_folder
from kiosk.engines.pinyin_correct import PinyinCorrector

log = logging.getLogger(__name__)

DEFAULT_MODEL = "whisper-base"
MODEL_FILES = ("model.bin", "config.json", "tokenizer.json", "vocabulary.json")
# Phrases Whisper invents on silence or noise, learnt from subtitled video.
_HALLUCINATIONS = ("字幕", "订阅", "点赞", "谢谢观看", "Amara", "优优独播剧场", "请不吝")
# Whisper's defaults for a window that holds no speech.
NO_SPEECH_PROB = 0.6
LOGPROB_FLOOR = -1.0
# Temperatures tried in turn while a prompted decode is repetitive or unsure (Whisper's schedule).
TEMPERATURES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
# A Chinese character is one or two tokens; punctuation adds a few.
TOKENS_PER_CHAR = 2
# Padding after the audio in a draft's shortened encoder window (a bare window without it hears worse).
DRAFT_PAD_S = 2.0


@dataclass(frozen=True)
class Transcript:
    text: str
    raw_text: str
    audio_s: float
    elapsed_s: float
    corrections: tuple[tuple[str, str], ...] = ()
    plain_text: str = ""  # what Whisper heard without the hotword prompt
    choice: str = ""  # which decode was kept, and why

    @property
    def rtf(self) -> float:
        return self.elapsed_s / self.audio_s if self.audio_s else 0.0


def to_simplified(text: str) -> str:
    import zhconv

    return zhconv.convert(text, "zh-cn")


_HALF_TO_FULL = str.maketrans({",": "，", "?": "？", "!": "！", ";": "；", ":": "："})


def tidy(text: str) -> str:
    """Chinese punctuation, and no spaces between characters (Whisper spaces out prompted speech)."""
    text = re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", text.strip())
    return text.translate(_HALF_TO_FULL)


def hotword_prompt(hotwords: Sequence[str]) -> str | None:
    # The closing 。 marks the terms as a finished sentence: without it Whisper continues the list and bends the
    # visitor's first words towards it.
    return " ".join(hotwords) + "。" if hotwords else None


class AsrEngine:
    """Load once with :meth:`load`; :meth:`transcribe` takes 16 kHz mono float32 samples."""

    def __init__(self, model_dir: Path | None = None, vocabulary: Sequence[str] = (), core: Sequence[str] = (),
                 hotwords: Sequence[str] = (), threads: int = 2, beam_size: int = 1, *,
                 weights: Mapping[str, int] | None = None, everyday: Callable[[str], int] | None = None):
        self.model_dir = model_dir
        self.threads = threads
        self.beam_size = beam_size
        self._model = None
        self._tokenizer = None
        self._options = None
        self.set_vocabulary(vocabulary, core, hotwords, weights=weights, everyday=everyday)

    def set_vocabulary(self, vocabulary: Sequence[str], core: Sequence[str] = (), hotwords: Sequence[str] = (), *,
                       weights: Mapping[str, int] | None = None, everyday: Callable[[str], int] | None = None) -> None:
        """Every term of ``core`` and ``vocabulary`` takes part in the pinyin correction; only ``hotwords`` go
        into Whisper's prompt (keep them few: a long prompt pulls unrelated speech towards it). ``weights`` (how
        often the store uses each term) and ``everyday`` (how often general Chinese uses a word) are the correction's, see
        :class:`PinyinCorrector`."""
        self.vocabulary = list(dict.fromkeys([*core, *vocabulary]))
        self.hotwords = list(hotwords)
        self.weights, self.everyday = dict(weights or {}), everyday
        self.corrector = PinyinCorrector(self.vocabulary, self.weights, everyday)

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
            self._attach(WhisperModel(str(folder), device="cpu", compute_type="int8", cpu_threads=self.threads))
        return self

    def sharing(self, vocabulary: Sequence[str] = (), core: Sequence[str] = (), hotwords: Sequence[str] = (), *,
                weights: Mapping[str, int] | None = None, everyday: Callable[[str], int] | None = None) -> AsrEngine:
        """Another configuration of this engine on the same loaded model (one model in memory serves both)."""
        other = AsrEngine(self.model_dir, vocabulary, core, hotwords, self.threads, self.beam_size, weights=weights,
                          everyday=everyday)
        other._attach(self.load()._model)
        return other

    def _attach(self, model) -> None:
        from faster_whisper.tokenizer import Tokenizer
        from faster_whisper.transcribe import TranscriptionOptions, get_suppressed_tokens

        self._model = model
        self._tokenizer = Tokenizer(model.hf_tokenizer, model.model.is_multilingual, task="transcribe",
                                    language="zh")
        # faster-whisper's own defaults for transcribe(), except greedy search and no timestamps.
        self._options = TranscriptionOptions(
            beam_size=self.beam_size, best_of=5, patience=1.0, length_penalty=1.0, repetition_penalty=1.0,
            no_repeat_ngram_size=0, log_prob_threshold=LOGPROB_FLOOR, no_speech_threshold=NO_SPEECH_PROB,
            compression_ratio_threshold=2.4, condition_on_previous_text=False, prompt_reset_on_temperature=0.5,
            temperatures=[0.0], initial_prompt=None, prefix=None, suppress_blank=True,
            suppress_tokens=get_suppressed_tokens(self._tokenizer, [-1]), without_timestamps=True,
            max_initial_timestamp=1.0, word_timestamps=False, prepend_punctuations="", append_punctuations="",
            multilingual=False, max_new_tokens=None, clip_timestamps="0", hallucination_silence_threshold=None,
            hotwords=None,
        )

    def transcribe(self, samples: np.ndarray, bias: bool = True, *, draft: bool = False,
                   abandon: threading.Event | None = None) -> Transcript:
        """``draft``: a quick, slightly less accurate transcript for display while the visitor still speaks (see
        the module notes); the pinyin correction still applies, the prompted decode does not. ``abandon``: once
        set, :class:`Abandoned` is raised at the next step (before encoding, before each decode), so a
        transcript nobody needs any more stops holding the CPU; a step already running is not interrupted."""
        _check(abandon)
        self.load()
        started = time.perf_counter()
        samples = samples.astype(np.float32, copy=False)
        plain_parts, chosen_parts, choices = [], [], []
        prompt = hotword_prompt(self.hotwords) if bias and not draft else None
        windows = self._windows(samples, pad_s=DRAFT_PAD_S) if draft else self._windows(samples)
        for encoded, seconds in windows:
            _check(abandon)
            plain = self._decode(encoded, seconds, None, (0.0,))
            chosen, why = plain, "plain decode"
            if prompt and respellable(plain.text, self.hotwords):
                _check(abandon)
                biased = self._decode(encoded, seconds, prompt, TEMPERATURES)
                chosen, why = choose(plain, biased, seconds, self.hotwords)
            elif prompt:
                why = "no hotword sounds like what was heard"
            plain_parts.append(cut_to_duration(plain.text, seconds))
            chosen_parts.append(cut_to_duration(chosen.text, seconds))
            choices.append(why)
        plain_text, raw = _clean("".join(plain_parts)), _clean("".join(chosen_parts))
        text, corrections = self.corrector.correct(raw) if bias else (raw, [])
        if choices and choices[0] != "same text":
            log.debug("asr: %s (plain %r, kept %r)", "; ".join(choices), plain_text, raw)
        return Transcript(text=text, raw_text=raw, audio_s=len(samples) / SAMPLE_RATE,
                          elapsed_s=time.perf_counter() - started, corrections=tuple(corrections),
                          plain_text=plain_text, choice="; ".join(choices))

    def _windows(self, samples: np.ndarray, pad_s: float | None = None) -> Iterator[tuple[object, float]]:
        """Each 30-second window of the audio, encoded once, with the seconds of audio in it. ``pad_s``: encode
        only the audio and that much padding after it, not the whole window (a draft)."""
        from faster_whisper.audio import pad_or_trim

        extractor = self._model.feature_extractor
        features = extractor(samples)
        frames = features.shape[-1] - 1
        for seek in range(0, max(frames, 1), extractor.nb_max_frames):
            size = min(extractor.nb_max_frames, frames - seek)
            length = extractor.nb_max_frames
            if pad_s is not None:
                # even: the encoder's strided convolution halves the frames
                length = min(length, size + round(pad_s / extractor.time_per_frame) + size % 2)
            yield (self._model.encode(pad_or_trim(features[:, seek:seek + size], length)),
                   size * extractor.time_per_frame)

    def _decode(self, encoded, seconds: float, prompt: str | None, temperatures: Sequence[float]) -> Decode:
        """One decode of a window, falling back through ``temperatures``, no longer than ``seconds`` of speech."""
        model = self._model
        tokens = model.get_prompt(self._tokenizer, [], without_timestamps=True, hotwords=prompt)
        budget = min(TOKENS_PER_CHAR * max_chars(seconds) + 4, model.max_length - len(tokens))
        options = dataclasses.replace(self._options, max_new_tokens=budget, temperatures=list(temperatures))
        result, avg_logprob, temperature, ratio = model.generate_with_fallback(encoded, tokens, self._tokenizer,
                                                                               options)
        silent = result.no_speech_prob > NO_SPEECH_PROB and avg_logprob < LOGPROB_FLOOR
        text = "" if silent else tidy(to_simplified(self._tokenizer.decode(result.sequences_ids[0])))
        return Decode(text, avg_logprob, ratio, temperature)


class Abandoned(Exception):
    """A transcript given up part-way (``transcribe(abandon=...)``)."""


def _check(abandon: threading.Event | None) -> None:
    if abandon is not None and abandon.is_set():
        raise Abandoned


def _clean(text: str) -> str:
    """Nothing for subtitle boilerplate or interjections alone."""
    return "" if any(h in text for h in _HALLUCINATIONS) or filler_only(text) else text
