"""Audio in and out: reading visitor recordings, writing WAV, and the live microphone and speaker.

Everything inside the kiosk is mono float32 in [-1, 1]; speech recognition works at 16 kHz, voices speak at
their own rate. Files are decoded with PyAV (FFmpeg), so WAV of any rate or width, stereo, MP3 and the rest
all arrive the same way. The live devices use PortAudio through ``sounddevice``: capture fills a ring buffer
and reports levels; playback drains a queue that ``stop()`` empties at once, so barge-in cuts speech within
one audio block. A device that disappears mid-stream is reported and reopened, never a crash.
"""

from __future__ import annotations

import logging
import threading
import time
import wave
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kiosk.errors import FriendlyError

log = logging.getLogger(__name__)

SAMPLE_RATE = 16000
BLOCK = 512  # 32 ms at 16 kHz: the VAD's frame, and short enough for a responsive level meter


class AudioInputError(FriendlyError, ValueError):
    """Audio that cannot be used; ``friendly`` is the message for the visitor."""


class NothingHeard(AudioInputError):
    """A readable recording with no usable speech in it: silence, noise, a cough, only "嗯" or "哦"."""


class AudioDeviceError(FriendlyError, RuntimeError):
    """No usable microphone or speaker; ``friendly`` is the message for the visitor or the deployer."""


@dataclass(frozen=True)
class Clip:
    """A decoded recording, resampled to 16 kHz mono."""

    samples: np.ndarray
    source_rate: int
    source_channels: int

    @property
    def seconds(self) -> float:
        return len(self.samples) / SAMPLE_RATE

    @property
    def peak(self) -> float:
        return float(np.max(np.abs(self.samples))) if len(self.samples) else 0.0

    @property
    def rms(self) -> float:
        return float(np.sqrt(np.mean(self.samples**2))) if len(self.samples) else 0.0

    @property
    def clipped_fraction(self) -> float:
        """Share of samples at full scale: above about 1 % the recording was overdriven."""
        if not len(self.samples):
            return 0.0
        return float(np.mean(np.abs(self.samples) >= 0.999))


def load_audio(path: str | Path, max_seconds: float = 60.0) -> Clip:
    """Decode any audio file to 16 kHz mono float32, or raise AudioInputError with a visitor-fit message."""
    import av

    path = Path(path)
    if not path.is_file():
        raise AudioInputError(f"找不到录音文件：{path}")
    if path.stat().st_size == 0:
        raise AudioInputError("录音文件是空的，请重新录一段。")
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise AudioInputError("这个文件里没有声音，请换一个录音文件。")
            stream = container.streams.audio[0]
            source_rate = int(stream.codec_context.sample_rate or 0)
            source_channels = int(stream.codec_context.channels or 0)
            resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
            parts: list[np.ndarray] = []
            total = 0
            limit = int((max_seconds + 1) * SAMPLE_RATE)
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    parts.append(out.to_ndarray().reshape(-1))
                    total += parts[-1].size
                if total > limit:
                    raise AudioInputError(f"录音太长了（超过{max_seconds:.0f}秒），请简短地说出您的问题。")
            for out in resampler.resample(None):
                parts.append(out.to_ndarray().reshape(-1))
    except AudioInputError:
        raise
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError, OSError) as exc:
        raise AudioInputError("这个录音文件打不开或已损坏，请重新录一段。", str(exc)) from exc
    samples = np.concatenate(parts).astype(np.float32) if parts else np.zeros(0, np.float32)
    if samples.size < SAMPLE_RATE // 10:
        raise NothingHeard("录音太短了，没听清，请再说一遍。")
    return Clip(np.clip(samples, -1.0, 1.0), source_rate, source_channels)


def to_pcm16(samples: np.ndarray) -> bytes:
    return (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()


def from_pcm16(pcm: bytes) -> np.ndarray:
    return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0


def write_wav(path: str | Path, samples: np.ndarray, sample_rate: int) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(to_pcm16(samples))
    return path


def resample(samples: np.ndarray, src_rate: int, dst_rate: int) -> np.ndarray:
    """Band-limited resampling through libswresample (already present with PyAV)."""
    if src_rate == dst_rate or samples.size == 0:
        return samples.astype(np.float32, copy=False)
    import av

    frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(samples, np.float32).reshape(1, -1), format="flt",
                                       layout="mono")
    frame.sample_rate = src_rate
    resampler = av.AudioResampler(format="flt", layout="mono", rate=dst_rate)
    out = [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
    out += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    return np.concatenate(out).astype(np.float32) if out else np.zeros(0, np.float32)


def level_dbfs(block: np.ndarray) -> float:
    rms = float(np.sqrt(np.mean(block**2))) if block.size else 0.0
    return 20.0 * np.log10(max(rms, 1e-6))


# --- live devices ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AudioDevice:
    index: int
    name: str
    inputs: int
    outputs: int
    default_rate: float


def _sounddevice():
    try:
        import sounddevice as sd
    except OSError as exc:  # PortAudio itself is missing
        raise AudioDeviceError("没有找到音频系统（PortAudio），请安装 libportaudio2。", str(exc)) from exc
    return sd


def device_errors() -> tuple[type[Exception], ...]:
    """What a failing audio device raises: AudioDeviceError, PortAudio's own error and the driver's OSError."""
    try:
        return (AudioDeviceError, OSError, _sounddevice().PortAudioError)
    except AudioDeviceError:
        return (AudioDeviceError, OSError)


def list_devices() -> list[AudioDevice]:
    sd = _sounddevice()
    return [
        AudioDevice(i, d["name"], d["max_input_channels"], d["max_output_channels"], d["default_samplerate"])
        for i, d in enumerate(sd.query_devices())
    ]


def find_device(name_or_index: str | int | None, *, output: bool) -> int | None:
    """Resolve a device by index or by part of its name; None means the system default."""
    if name_or_index is None or name_or_index == "":
        return None
    devices = list_devices()
    wanted = [d for d in devices if (d.outputs if output else d.inputs) > 0]
    if isinstance(name_or_index, int) or str(name_or_index).isdigit():
        idx = int(name_or_index)
        if any(d.index == idx for d in wanted):
            return idx
    else:
        for d in wanted:
            if str(name_or_index).lower() in d.name.lower():
                return d.index
    kind = "扬声器" if output else "麦克风"
    raise AudioDeviceError(f"找不到指定的{kind}「{name_or_index}」，请检查设备连接。")


class RingBuffer:
    """The last ``seconds`` of captured audio, so speech that began just before the VAD fired is kept."""

    def __init__(self, seconds: float, rate: int = SAMPLE_RATE):
        self._buf = np.zeros(int(seconds * rate), np.float32)
        self._filled = 0
        self._lock = threading.Lock()

    def write(self, block: np.ndarray) -> None:
        with self._lock:
            n = min(block.size, self._buf.size)
            self._buf = np.roll(self._buf, -n)
            self._buf[-n:] = block[-n:]
            self._filled = min(self._buf.size, self._filled + n)

    def read(self, seconds: float | None = None) -> np.ndarray:
        with self._lock:
            n = self._filled if seconds is None else min(self._filled, int(seconds * SAMPLE_RATE))
            return self._buf[self._buf.size - n:].copy()


class Microphone:
    """Capture at 16 kHz mono in blocks of 512 samples; ``blocks()`` yields them, ``on_level`` hears dBFS.

    When the device vanishes (unplugged), ``read`` raises :class:`AudioDeviceError`; whoever listens closes it and
    opens it again when it wants to retry (the voice loop does, with a growing pause).
    """

    def __init__(self, device: str | int | None = None, on_level: Callable[[float], None] | None = None,
                 ring_seconds: float = 2.0):
        self.device = device
        self.on_level = on_level
        self.ring = RingBuffer(ring_seconds)
        self._queue: deque[np.ndarray] = deque(maxlen=2000)
        self._ready = threading.Event()
        self._stream = None
        self._closed = False
        self._broken = False

    def _callback(self, indata, frames, time_info, status) -> None:
        block = indata[:, 0].copy()
        self.ring.write(block)
        self._queue.append(block)
        self._ready.set()
        if self.on_level:
            self.on_level(level_dbfs(block))

    def _finished(self) -> None:
        if not self._closed:
            self._broken = True
            self._ready.set()

    def open(self) -> Microphone:
        sd = _sounddevice()
        try:
            stream = sd.InputStream(samplerate=SAMPLE_RATE, channels=1, dtype="float32", blocksize=BLOCK,
                                    device=find_device(self.device, output=False), callback=self._callback,
                                    finished_callback=self._finished)
            stream.start()
        except sd.PortAudioError as exc:
            raise AudioDeviceError("没有找到可用的麦克风，请检查麦克风是否连接好。", str(exc)) from exc
        self._stream, self._broken, self._closed = stream, False, False
        return self

    def close(self) -> None:
        self._closed = True
        self._ready.set()
        if self._stream is not None:
            try:
                self._stream.stop()
                self._stream.close()
            except Exception:  # noqa: BLE001 - closing a device that is already gone
                log.debug("microphone close failed", exc_info=True)
            self._stream = None

    def __enter__(self) -> Microphone:
        return self.open()

    def __exit__(self, *exc) -> None:
        self.close()

    def read(self, timeout: float = 0.5) -> np.ndarray | None:
        """The next captured block, or None when nothing arrived within ``timeout``; AudioDeviceError once the
        device has gone (its last blocks are still handed out first)."""
        if not self._queue:
            self._ready.clear()
            self._ready.wait(timeout)
        if self._queue:
            return self._queue.popleft()
        if self._broken and not self._closed:
            raise AudioDeviceError("麦克风断开了。", "input stream finished")
        return None

    def blocks(self):
        while not self._closed:
            block = self.read()
            if block is not None:
                yield block


class Player:
    """A speaker fed from a queue; ``stop()`` silences it within one block and drops what was queued.

    ``position_s`` tells how much of the current utterance has been heard, which drives the avatar's mouth.
    """

    def __init__(self, sample_rate: int, device: str | int | None = None, block: int = 480):
        self.sample_rate = sample_rate
        self.device = device
        self.block = block
        self._chunks: deque[np.ndarray] = deque()
        self._current = np.zeros(0, np.float32)
        self._lock = threading.Lock()
        self._idle = threading.Event()
        self._idle.set()
        self._played = 0
        self._levels: deque[tuple[float, float]] = deque(maxlen=400)  # (when, RMS) of recent output blocks
        self._stream = None

    def _callback(self, outdata, frames, time_info, status) -> None:
        out = np.zeros(frames, np.float32)
        filled = 0
        with self._lock:
            while filled < frames:
                if not self._current.size:
                    if not self._chunks:
                        break
                    self._current = self._chunks.popleft()
                take = min(frames - filled, self._current.size)
                out[filled:filled + take] = self._current[:take]
                self._current = self._current[take:]
                filled += take
            self._played += filled
            if not filled and not self._chunks:
                self._idle.set()
        if filled:
            self._levels.append((time.monotonic(), float(np.sqrt(np.mean(out**2)))))
        outdata[:, 0] = out

    def open(self) -> Player:
        sd = _sounddevice()
        try:
            self._stream = sd.OutputStream(samplerate=self.sample_rate, channels=1, dtype="float32",
                                           blocksize=self.block, device=find_device(self.device, output=True),
                                           callback=self._callback)
            self._stream.start()
        except sd.PortAudioError as exc:
            raise AudioDeviceError("没有找到可用的扬声器，请检查音箱是否连接好。", str(exc)) from exc
        return self

    def close(self) -> None:
        if self._stream is not None:
            try:
                self._stream.stop()
                self._stream.close()
            except Exception:  # noqa: BLE001 - the device may already be gone
                log.debug("player close failed", exc_info=True)
            self._stream = None

    def __enter__(self) -> Player:
        return self.open()

    def __exit__(self, *exc) -> None:
        self.close()

    def play(self, samples: np.ndarray, sample_rate: int | None = None) -> float:
        """Queue audio; returns when it will start, on the :attr:`position_s` clock."""
        if sample_rate and sample_rate != self.sample_rate:
            samples = resample(samples, sample_rate, self.sample_rate)
        with self._lock:
            ahead = self._current.size + sum(c.size for c in self._chunks)
            self._chunks.append(samples.astype(np.float32, copy=False))
            self._idle.clear()
            return (self._played + ahead) / self.sample_rate

    def stop(self) -> None:
        with self._lock:
            self._chunks.clear()
            self._current = np.zeros(0, np.float32)
            self._idle.set()

    @property
    def playing(self) -> bool:
        return not self._idle.is_set()

    @property
    def position_s(self) -> float:
        return self._played / self.sample_rate

    def recent_level(self, window_s: float = 0.4) -> float:
        """Mean output RMS of the last ``window_s`` seconds: what the microphone may be hearing as echo."""
        since = time.monotonic() - window_s
        recent = [rms for when, rms in list(self._levels) if when >= since]
        return float(np.mean(recent)) if recent else 0.0

    def wait(self, timeout: float | None = None) -> bool:
        """Block until everything queued has been played; False when ``timeout`` ran out first."""
        return self._idle.wait(timeout)
