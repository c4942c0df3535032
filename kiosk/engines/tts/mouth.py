"""The avatar's mouth: how open it is in each 20 ms frame, read from the very audio that is played.

Openness follows the loudness envelope in decibels between a floor (closed) and the clip's own loud level
(wide open), so quiet and loud voices animate alike; the mouth opens quickly and closes a little slower, as
lips do, which hides frame-to-frame flicker.
"""

from __future__ import annotations

import numpy as np

from kiosk.events import MouthFrame

FRAME_MS = 20
FLOOR_DB = -48.0


def openness(samples: np.ndarray, sample_rate: int, frame_ms: int = FRAME_MS) -> np.ndarray:
    """Openness 0..1 per frame."""
    hop = int(sample_rate * frame_ms / 1000)
    count = int(np.ceil(samples.size / hop)) if samples.size else 0
    if not count:
        return np.zeros(0, np.float32)
    padded = np.zeros(count * hop, np.float32)
    padded[: samples.size] = samples
    rms = np.sqrt(np.mean(padded.reshape(count, hop) ** 2, axis=1))
    db = 20 * np.log10(np.maximum(rms, 1e-6))
    loud = max(float(np.percentile(db, 95)), FLOOR_DB + 12.0)
    raw = np.clip((db - FLOOR_DB) / (loud - FLOOR_DB), 0.0, 1.0)
    out = np.empty_like(raw)
    level = 0.0
    for i, target in enumerate(raw):
        level += (target - level) * (0.7 if target > level else 0.35)
        out[i] = level
    return out.astype(np.float32)


def timeline(samples: np.ndarray, sample_rate: int, start_ms: int = 0, frame_ms: int = FRAME_MS) -> list[MouthFrame]:
    """MouthFrame events for one clip, timed from ``start_ms`` (the clip's place in the whole answer)."""
    return [MouthFrame(t_ms=start_ms + i * frame_ms, openness=round(float(v), 3))
            for i, v in enumerate(openness(samples, sample_rate, frame_ms))]
