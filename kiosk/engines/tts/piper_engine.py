"""Any piper voice in ``models/tts/``: a ``*.onnx`` file with its ``*.onnx.json`` beside it.

No Chinese piper voice can be had offline here, so a deployer who copies one in (zh_CN-huayan-medium, for
example) gets it through this engine; the English test voice exercises the same code path.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from kiosk.engines.modelpath import ModelMissing, model_folder, role_folders


def voice_file(folder_or_file: Path) -> Path | None:
    """The piper model in a folder (or the file itself), recognised by its ``.onnx.json`` config."""
    if folder_or_file.is_file():
        return folder_or_file if Path(f"{folder_or_file}.json").is_file() else None
    for onnx in sorted(folder_or_file.glob("*.onnx")):
        if Path(f"{onnx}.json").is_file():
            return onnx
    return None


def installed_voices() -> dict[str, Path]:
    """Name (folder name) → model file, for every piper voice installed."""
    found = {}
    for folder in role_folders("tts"):
        onnx = voice_file(folder)
        if onnx is not None:
            found[folder.name] = onnx
    return found


class PiperEngine:
    """Load once; :meth:`synthesize` yields one float32 array per sentence at the voice's own rate."""

    def __init__(self, name: str | None = None, path: Path | None = None):
        self.name = name or (path.stem if path else "")
        self.path = path
        self._voice = None
        self.sample_rate = 22050
        self.language = ""

    def _resolve(self) -> Path:
        if self.path:
            found = voice_file(self.path)
        else:
            folder = model_folder("tts", self.name)
            found = voice_file(folder) if folder else None
        if found is None:
            raise ModelMissing("tts", self.name or "piper")
        return found

    def load(self) -> PiperEngine:
        if self._voice is None:
            from piper import PiperVoice

            onnx = self._resolve()
            config = json.loads(Path(f"{onnx}.json").read_text(encoding="utf-8"))
            self.language = str(config.get("language", {}).get("code") or config.get("espeak", {}).get("voice", ""))
            self._voice = PiperVoice.load(str(onnx))
            self.sample_rate = int(self._voice.config.sample_rate)
        return self

    def synthesize(self, text: str, speed: float = 1.0) -> Iterator[np.ndarray]:
        from piper import SynthesisConfig

        self.load()
        config = SynthesisConfig(length_scale=1.0 / speed, normalize_audio=False)
        for chunk in self._voice.synthesize(text, syn_config=config):
            yield np.asarray(chunk.audio_float_array, np.float32).reshape(-1)
