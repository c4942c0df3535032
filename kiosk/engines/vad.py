"""Voice activity: the Silero VAD (the ONNX model shipped inside faster-whisper), run block by block.

``SileroVad`` gives a speech probability per 512-sample block at 16 kHz. ``Endpointer`` turns that stream
into utterances for hands-free listening: speech must last a moment before it counts (a cough or a door is
not a visitor), the utterance ends after a pause, and it is cut at a maximum length so hall noise that the
model mistakes for speech can never keep the kiosk listening forever.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kiosk.engines.audio import BLOCK, SAMPLE_RATE

_CONTEXT = 64  # samples of the previous block the v6 model expects in front of each block
HOLD_MARGIN = 0.2


def silero_path() -> Path:
    import faster_whisper

    return Path(faster_whisper.__file__).parent / "assets" / "silero_vad_v6.onnx"


class SileroVad:
    """Streaming speech probability; call :meth:`reset` between unrelated recordings."""

    def __init__(self, path: Path | None = None):
        import onnxruntime

        opts = onnxruntime.SessionOptions()
        opts.inter_op_num_threads = 1
        opts.intra_op_num_threads = 1
        opts.log_severity_level = 4
        self._session = onnxruntime.InferenceSession(str(path or silero_path()), sess_options=opts,
                                                     providers=["CPUExecutionProvider"])
        self.reset()

    def reset(self) -> None:
        self._h = np.zeros((1, 1, 128), np.float32)
        self._c = np.zeros((1, 1, 128), np.float32)
        self._context = np.zeros(_CONTEXT, np.float32)

    def __call__(self, block: np.ndarray) -> float:
        """Speech probability of one block of exactly 512 samples."""
        x = np.concatenate([self._context, block.astype(np.float32, copy=False)]).reshape(1, -1)
        out, self._h, self._c = self._session.run(None, {"input": x, "h": self._h, "c": self._c})
        self._context = block[-_CONTEXT:].astype(np.float32, copy=True)
        return float(np.asarray(out).reshape(-1)[0])

    def probabilities(self, samples: np.ndarray) -> np.ndarray:
        """Per-block probabilities of a whole recording (the last partial block is padded with silence)."""
        self.reset()
        pad = (-samples.size) % BLOCK
        padded = np.concatenate([samples, np.zeros(pad, np.float32)]) if pad else samples
        return np.array([self(b) for b in padded.reshape(-1, BLOCK)], np.float32)

    def speech_seconds(self, samples: np.ndarray, threshold: float = 0.5) -> float:
        return float(np.sum(self.probabilities(samples) >= threshold)) * BLOCK / SAMPLE_RATE


@dataclass
class EndpointConfig:
    threshold: float = 0.5
    min_speech_s: float = 0.25  # shorter bursts (a cough, a dropped bag) are not a visitor speaking
    end_silence_s: float = 0.7  # the pause that ends a turn
    max_utterance_s: float = 15.0  # a hard cap, so noise mistaken for speech cannot hold the turn
    pre_roll_s: float = 0.3  # kept from before the onset, so the first syllable is not clipped


@dataclass
class Utterance:
    samples: np.ndarray
    truncated: bool = False


@dataclass
class Endpointer:
    """Feed 512-sample blocks; ``push`` returns an Utterance when one has ended, else None.

    ``speaking`` is true from the confirmed onset until the end, so the voice loop can stop playback
    (barge-in) and show the listening state as soon as a visitor starts talking.
    """

    vad: SileroVad
    config: EndpointConfig = field(default_factory=EndpointConfig)

    def __post_init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.vad.reset()
        self._pre: list[np.ndarray] = []
        self._speech: list[np.ndarray] = []
        self._voiced_run = 0
        self._silent_run = 0
        self.speaking = False

    @property
    def _block_s(self) -> float:
        return BLOCK / SAMPLE_RATE

    @property
    def silent_s(self) -> float:
        """How long the visitor has been quiet within the current utterance."""
        return self._silent_run * self._block_s if self.speaking else 0.0

    def buffered(self) -> np.ndarray:
        """The utterance so far (for partial transcripts while the visitor is still speaking)."""
        return np.concatenate(self._speech) if self._speech else np.zeros(0, np.float32)

    def push(self, block: np.ndarray, echo: bool = False) -> Utterance | None:
        """``echo`` marks a block judged to be the kiosk's own voice: the VAD still hears it (its state
        must follow the audio), but it counts as silence."""
        cfg = self.config
        probability = self.vad(block)
        if echo:
            probability = 0.0
        voiced = probability >= cfg.threshold
        if not self.speaking:
            self._pre.append(block)
            keep = int((cfg.pre_roll_s + cfg.min_speech_s) / self._block_s) + 1
            del self._pre[:-keep]
            # Hysteresis: a brief dip inside a syllable holds the onset count instead of restarting it.
            if voiced:
                self._voiced_run += 1
            elif probability < cfg.threshold - HOLD_MARGIN:
                self._voiced_run = 0
            if self._voiced_run * self._block_s >= cfg.min_speech_s:
                self.speaking = True
                self._speech = list(self._pre)
                self._pre = []
                self._silent_run = 0
            return None
        self._speech.append(block)
        self._silent_run = 0 if voiced else self._silent_run + 1
        length_s = len(self._speech) * self._block_s
        if self._silent_run * self._block_s >= cfg.end_silence_s or length_s >= cfg.max_utterance_s:
            utterance = Utterance(self.buffered(), truncated=length_s >= cfg.max_utterance_s)
            self.reset()
            return utterance
        return None
