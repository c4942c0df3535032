"""The last-resort voice: eSpeak NG (``cmn``) from the espeakng-loader wheel, called through ctypes.

Robotic but always present, needing no model download; the kiosk falls back to it when no neural voice is
installed, so a visitor is never left without speech.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from kiosk.engines.tts.clauses import split_clauses

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_CHARS_UTF8 = 1
_RATE = 1
_SYNTH_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)
_LOCK = threading.Lock()  # the library keeps global state: one synthesis at a time
# The library holds one callback and one voice for the whole process, so they live here, not in an engine
# instance that could be collected while the library still points at its callback.
_pieces: list[np.ndarray] = []
_lib: ctypes.CDLL | None = None
_sample_rate = 22050


def _collect(wav, count, events) -> int:
    if count > 0 and wav:
        _pieces.append(np.ctypeslib.as_array(wav, shape=(count,)).astype(np.float32) / 32768.0)
    return 0


_CALLBACK = _SYNTH_CALLBACK(_collect)


def _library() -> tuple[ctypes.CDLL, int]:
    """The process's eSpeak NG, initialised once."""
    global _lib, _sample_rate
    if _lib is None:
        import espeakng_loader

        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        data_parent = str(Path(espeakng_loader.get_data_path()).parent).encode()
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data_parent, 0)
        if rate <= 0:
            raise RuntimeError("eSpeak NG could not start")
        lib.espeak_SetSynthCallback(_CALLBACK)
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
                                     ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
        _lib, _sample_rate = lib, rate
    return _lib, _sample_rate


class EspeakEngine:
    name = "espeak-ng"
    language = "zh"

    def __init__(self, voice: str = "cmn", words_per_minute: int = 165):
        self.voice = voice
        self.words_per_minute = words_per_minute
        self.sample_rate = 22050

    def load(self) -> EspeakEngine:
        with _LOCK:
            lib, self.sample_rate = _library()
            if lib.espeak_SetVoiceByName(self.voice.encode()) != 0:
                raise RuntimeError(f"eSpeak NG has no voice {self.voice}")
        return self

    def _speak(self, text: str, speed: float) -> np.ndarray:
        raw = text.encode("utf-8") + b"\0"
        with _LOCK:
            lib, _ = _library()
            _pieces.clear()
            lib.espeak_SetVoiceByName(self.voice.encode())
            lib.espeak_SetParameter(_RATE, int(self.words_per_minute * speed), 0)
            lib.espeak_Synth(raw, len(raw), 0, 0, 0, _CHARS_UTF8, None, None)
            lib.espeak_Synchronize()
            pieces = list(_pieces)
            _pieces.clear()
        return np.concatenate(pieces) if pieces else np.zeros(0, np.float32)

    def synthesize(self, text: str, speed: float = 1.0) -> Iterator[np.ndarray]:
        self.load()
        for clause, pause in split_clauses(text):
            audio = self._speak(clause, speed)
            if audio.size:
                yield np.concatenate([audio, np.zeros(int(pause * self.sample_rate), np.float32)])
