"""The hall's recognition path: the store's own words, weighted by use; homophones of its frequent terms; the
store choosing between what Whisper wrote and what the correction made of it; one path for every place a
visitor can speak."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from kiosk.engines.asr import Transcript
from kiosk.engines.pinyin_correct import FREQUENT_USES, PinyinCorrector
from kiosk.voice.recognition import Recogniser
from kiosk.voice.vocabulary import store_usage

EVERYDAY = {"攻击", "事业", "时间"}


def test_a_frequent_store_terms_homophone_is_taken_for_it_even_with_no_character_in_common() -> None:
    corrector = PinyinCorrector(["公积金"], {"公积金": FREQUENT_USES}, EVERYDAY.__contains__)
    assert corrector.correct("我想问攻击经怎么提取")[0] == "我想问公积金怎么提取"


def test_a_rare_term_or_an_everyday_word_keeps_what_was_written() -> None:
    rare = PinyinCorrector(["公积金"], {"公积金": FREQUENT_USES - 1}, EVERYDAY.__contains__)
    assert rare.correct("我想问攻击经怎么提取")[0] == "我想问攻击经怎么提取"
    unknown_language = PinyinCorrector(["公积金"], {"公积金": FREQUENT_USES})  # no word list: no guessing
    assert unknown_language.correct("攻击经")[0] == "攻击经"
    written_word = PinyinCorrector(["公积金"], {"公积金": FREQUENT_USES}, {"攻击经"}.__contains__)
    assert written_word.correct("攻击经")[0] == "攻击经"
    two_syllables = PinyinCorrector(["失业"], {"失业": 100}, EVERYDAY.__contains__)
    assert two_syllables.correct("湿叶")[0] == "湿叶"  # two-character homophones are everyday words too often


def test_the_store_usage_counts_documents_using_each_subject_word(tmp_path: Path) -> None:
    @dataclass
    class Doc:
        id: str

    @dataclass
    class Faq:
        question: str
        answer: str

    texts = {"a": "住房公积金的提取条件。个体户可以缴存公积金。", "b": "公积金贷款的额度。", "c": "个体户登记。第七条 时间。"}

    class FakeStore:
        path = tmp_path / "kiosk.db"

        def documents(self):
            return [Doc(k) for k in texts]

        def document_text(self, doc_id: str) -> str:
            return texts[doc_id]

        def faqs(self):
            return [Faq("公积金怎么取？", "带上身份证。")]

    FakeStore.path.write_bytes(b"store")
    usage = store_usage(FakeStore())
    assert usage["公积金"] == 3 and usage["个体户"] == 2  # once per document or entry, however often inside it
    assert "时间" not in usage and "第七条" not in usage  # everyday words and article numbers are not terms
    assert "贷款" not in usage  # one document only


class _Heard:
    """An ASR engine that heard ``raw`` and corrected it to ``text``."""

    def __init__(self, raw: str, text: str):
        self.raw, self.text = raw, text

    def load(self):
        return self

    def transcribe(self, samples: np.ndarray, bias: bool = True) -> Transcript:
        return Transcript(self.text if bias else self.raw, self.raw, 1.0, 0.1, ((self.raw, self.text),), self.raw)


def test_the_store_keeps_the_reading_it_answers_with_more_confidence() -> None:
    silence = np.zeros(1600, np.float32)
    sure = {"公积金怎么提取": 0.9, "攻击经怎么提取": 0.1, "换一首个体户": 0.3, "换一首歌曲": 0.6}
    kept = Recogniser(_Heard("攻击经怎么提取", "公积金怎么提取"), sure.get).transcribe(silence)
    assert kept.text == "公积金怎么提取" and kept.corrections
    undone = Recogniser(_Heard("换一首歌曲", "换一首个体户"), sure.get).transcribe(silence)
    assert undone.text == "换一首歌曲" and not undone.corrections
    tie = Recogniser(_Heard("攻击经", "公积金"), lambda text: 0.5).transcribe(silence)
    assert tie.text == "公积金"


def test_the_kiosk_window_hears_through_the_same_path_as_kiosk_talk(monkeypatch) -> None:
    import kiosk.ui.voice as ui_voice
    import kiosk.voice.recognition as recognition
    from kiosk.ui.backends import Unavailable

    made = []

    class Device:
        inputs = outputs = 1

    monkeypatch.setattr("kiosk.engines.audio.list_devices", lambda: [Device()])
    monkeypatch.setattr(recognition, "hall_recogniser", lambda *a, **k: made.append("hall") or _Heard("", ""))
    monkeypatch.setattr("kiosk.engines.tts.load_speaker", lambda **k: (_ for _ in ()).throw(RuntimeError("no voice")))
    with pytest.raises(Unavailable):  # the voice is missing on purpose: the recogniser is made before it
        ui_voice.load_voice(lambda text: [], lambda event: None)
    assert made == ["hall"]
