"""The kiosk's speaking style: a youthful cartoon voice, and a slower pace for elderly visitors.

Pitch is raised by resampling, which lifts the formants with it (a smaller, younger-sounding speaker), and the
duration is restored with WSOLA time-stretching, which keeps the waveform's periods intact instead of smearing
them as a phase vocoder would on speech. About +200 to +300 cents stays intelligible; beyond +300 the voice
turns chipmunk-like and recognition suffers, so the setting is capped there.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kiosk.engines.audio import resample

MAX_PITCH_CENTS = 300


@dataclass(frozen=True)
class VoiceStyle:
    pitch_cents: int = 250
    speed: float = 1.05  # >1 speaks faster
    gain: float = 0.9  # peak level after styling, leaving headroom for the speaker

    @classmethod
    def from_settings(cls, settings, elderly: bool = False) -> VoiceStyle:
        speed = settings.elderly_speed if elderly else settings.tts_speed
        return cls(pitch_cents=max(-MAX_PITCH_CENTS, min(MAX_PITCH_CENTS, int(settings.tts_pitch_cents))),
                   speed=max(0.5, min(2.0, float(speed))))

    @classmethod
    def plain(cls) -> VoiceStyle:
        return cls(pitch_cents=0, speed=1.0)

    def apply(self, samples: np.ndarray, sample_rate: int, stretch_speed: float = 1.0) -> np.ndarray:
        """Raise the pitch by ``pitch_cents``; ``stretch_speed`` speeds up speech for engines without a rate control."""
        cents = max(-MAX_PITCH_CENTS, min(MAX_PITCH_CENTS, self.pitch_cents))
        ratio = 2.0 ** (cents / 1200.0)
        out = samples
        if cents or stretch_speed != 1.0:
            out = wsola(samples, ratio / stretch_speed, sample_rate)
            if cents:
                out = resample(out, int(round(sample_rate * ratio)), sample_rate)
        peak = float(np.max(np.abs(out))) if out.size else 0.0
        return (out * (self.gain / peak)).astype(np.float32) if peak > 1e-4 else out.astype(np.float32)


def wsola(x: np.ndarray, factor: float, sample_rate: int, frame_ms: float = 30.0, tolerance_ms: float = 8.0) -> np.ndarray:
    """Time-stretch to ``factor`` times the length, keeping pitch (waveform-similarity overlap-add)."""
    if x.size == 0 or abs(factor - 1.0) < 1e-3:
        return x.astype(np.float32, copy=True)
    n = int(sample_rate * frame_ms / 1000) // 2 * 2
    hop_out = n // 2
    hop_in = hop_out / factor
    tol = int(sample_rate * tolerance_ms / 1000)
    window = np.hanning(n + 1)[:n].astype(np.float32)  # periodic Hann: 50 % overlaps sum to one
    # Silence in front lets the first real samples fall under two overlapping windows, like all the others.
    padded = np.concatenate([np.zeros(tol + n, np.float32), x.astype(np.float32), np.zeros(2 * n + tol, np.float32)])
    start = tol  # input position of output sample 0; the signal itself begins n samples later
    length = int(round(x.size * factor))
    lead = int(round(n * factor))
    frames = (lead + length) // hop_out + 2
    out = np.zeros(frames * hop_out + n, np.float32)
    ones = np.ones(n, np.float32)
    prev = start
    for k in range(frames):
        target = start + int(round(k * hop_in))
        if k:
            natural = padded[prev + hop_out: prev + hop_out + n]
            lo = max(0, target - tol)
            region = padded[lo: target + tol + n]
            if region.size <= n or natural.size < n:
                break
            corr = np.correlate(region, natural, mode="valid")
            energy = np.sqrt(np.convolve(region * region, ones, mode="valid")) + 1e-6
            target = lo + int(np.argmax(corr / energy))
        segment = padded[target: target + n]
        if segment.size < n:
            break
        out[k * hop_out: k * hop_out + n] += segment * window
        prev = target
    return out[lead: lead + length].astype(np.float32)
