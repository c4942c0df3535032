"""The hall's recognition path: the store's own words, weighted by use; homophones of its frequent terms; one
path for every place a visitor can speak."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.engines.pinyin_correct import FREQUENT_USES, PinyinCorrector
from kiosk.voice.vocabulary import store_usage

EVERYDAY = {"攻击": 5330, "事业": 10025, "时间": 33288, "公积金": 556, "高级": 5737, "高技": 3}.get


def test_a_frequent_store_terms_homophone_is_taken_for_it_even_with_no_character_in_common() -> None:
    corrector = PinyinCorrector(["公积金"], {"公积金": FREQUENT_USES}, lambda w: EVERYDAY(w, 0))
    assert corrector.correct("我想问攻击经怎么提取")[0] == "我想问公积金怎么提取"


def test_a_rare_term_or_an_everyday_word_keeps_what_was_written() -> None:
    rare = PinyinCorrector(["公积金"], {"公积金": FREQUENT_USES - 1}, lambda w: EVERYDAY(w, 0))
    assert rare.correct("我想问攻击经怎么提取")[0] == "我想问攻击经怎么提取"
    unknown_language = PinyinCorrector(["公积金"], {"公积金": FREQUENT_USES})  # no word list: no guessing
    assert unknown_language.correct("攻击经")[0] == "攻击经"
    written_word = PinyinCorrector(["公积金"], {"公积金": FREQUENT_USES}, lambda w: {"攻击经": 1}.get(w, 0))
    assert written_word.correct("攻击经")[0] == "攻击经"
    two_syllables = PinyinCorrector(["失业"], {"失业": 100}, lambda w: EVERYDAY(w, 0))
    assert two_syllables.correct("湿叶")[0] == "湿叶"  # two-character homophones are everyday words too often
    common = PinyinCorrector(["高技"], {}, lambda w: EVERYDAY(w, 0))
    assert common.correct("高级职称")[0] == "高级职称"  # the word people say more often is what they said


def test_a_stretch_that_is_already_a_term_stays_that_term() -> None:
    corrector = PinyinCorrector(["社会保险法", "社会保险费"], {"社会保险费": 9, "社会保险法": 2})
    assert corrector.correct("按照社会保险法的规定")[0] == "按照社会保险法的规定"


def test_the_store_usage_counts_documents_using_each_subject_word(tmp_path: Path) -> None:
    @dataclass
    class Doc:
        id: str

    @dataclass
    class Faq:
        question: str
        answer: str

    texts = {"a": "住房公积金的提取条件。个体户可以缴存公积金。", "b": "公积金贷款的额度，我市。", "c": "个体户登记。第七条 时间。我市"}

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
    assert "我市" not in usage  # a pronoun in front: the documents' style, not a subject
    assert "贷款" not in usage  # one document only


def test_the_kiosk_window_hears_through_the_same_path_as_kiosk_talk(monkeypatch) -> None:
    import kiosk.ui.voice as ui_voice
    import kiosk.voice.recognition as recognition
    from kiosk.root import Kiosk
    from kiosk.ui.adapter import Unavailable

    made = []

    class Device:
        inputs = outputs = 1

    monkeypatch.setattr("kiosk.engines.audio.list_devices", lambda: [Device()])
    class Heard:
        def load(self):
            made.append("loaded")
            return self

    monkeypatch.setattr(recognition, "hall_recogniser", lambda *a, **k: made.append("hall") or Heard())
    monkeypatch.setattr("kiosk.engines.tts.load_speaker",
                        lambda *a, **k: (_ for _ in ()).throw(RuntimeError("no voice")))
    with pytest.raises(Unavailable, match="语音模型"):  # the voice is missing on purpose: the recogniser first
        ui_voice.load_voice(Kiosk(), lambda text: [], lambda event: None)
    assert made == ["hall", "loaded"]
