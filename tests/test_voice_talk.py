"""`kiosk talk` and `kiosk say` on files: real recordings, real models, and every kind of bad input."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np
import pytest
from support_models import KOKORO, WHISPER, needs

from kiosk.cli import main
from kiosk.config import REPO_ROOT
from kiosk.engines.asr_checks import comparable
from kiosk.engines.audio import AudioInputError, load_audio, write_wav

SPEECH = REPO_ROOT.parent / "shared" / "eval" / "speech"
CLIP = SPEECH / "fireredasr_IT0011W0001.wav"
needs_models = needs(WHISPER, KOKORO)


def one_json_object(out: str) -> dict:
    """stdout must be exactly one JSON object and nothing else."""
    lines = out.strip().splitlines()
    assert len(lines) == 1, out
    obj = json.loads(lines[0])
    assert isinstance(obj, dict)
    return obj


def _encode(path: Path, samples: np.ndarray, rate: int, channels: int = 1, codec: str = "pcm_s16le") -> Path:
    import av

    layout = "stereo" if channels == 2 else "mono"
    with av.open(str(path), "w") as out:
        stream = out.add_stream(codec, rate=rate, layout=layout)
        data = np.tile(samples.reshape(1, -1), (channels, 1)) if channels == 2 else samples.reshape(1, -1)
        fmt = "fltp" if codec == "mp3" else "s16p"
        frame_data = data.astype(np.float32) if fmt == "fltp" else (data * 32767).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(frame_data), format=fmt, layout=layout)
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def test_any_rate_channels_or_codec_decodes_to_16k_mono(tmp_path: Path) -> None:
    tone = (0.4 * np.sin(2 * np.pi * 300 * np.arange(8000 * 2) / 8000)).astype(np.float32)
    for name, rate, channels, codec in (("a.wav", 8000, 1, "pcm_s16le"), ("b.wav", 44100, 2, "pcm_s16le"),
                                        ("c.mp3", 44100, 2, "mp3")):
        samples = tone if rate == 8000 else (0.4 * np.sin(2 * np.pi * 300 * np.arange(rate * 2) / rate))
        clip = load_audio(_encode(tmp_path / name, np.asarray(samples, np.float32), rate, channels, codec))
        assert clip.source_channels == channels
        assert clip.seconds == pytest.approx(2.0, abs=0.1)


def test_float_wav_decodes() -> None:
    clip = load_audio(SPEECH / "cosyvoice_zero_shot_prompt.wav")
    assert clip.source_rate == 24000 and clip.seconds == pytest.approx(3.48, abs=0.05)


@pytest.mark.parametrize("kind", ["corrupt", "text", "empty", "missing", "long"])
def test_unusable_audio_gets_a_friendly_message_and_one_json_object(kind: str, tmp_path: Path, capsys) -> None:
    path = tmp_path / "q.wav"
    if kind == "corrupt":
        path.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 7)
    elif kind == "text":
        path.write_text("这不是录音", encoding="utf-8")
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "long":
        with wave.open(str(path), "wb") as w:  # ten minutes: refused while decoding, not transcribed
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(16000)
            w.writeframes(b"\x01\x00" * 16000 * 600)
    code = main(["talk", "--in", str(path), "--json", "--no-answer", "--no-bias"])
    captured = capsys.readouterr()
    assert code != 0
    assert "Traceback" not in captured.err
    assert any(word in captured.err for word in ("打不开", "空的", "找不到", "太长")), captured.err
    out = one_json_object(captured.out)
    assert out["heard"] is False and out["error"] is True and out["message"] in captured.err


@pytest.mark.parametrize("kind", ["silence", "noise", "blip"])
def test_nothing_heard_is_one_json_object_and_exit_0(kind: str, tmp_path: Path, capsys) -> None:
    path = tmp_path / "q.wav"
    rng = np.random.default_rng(1)
    samples = {"silence": np.zeros(16000 * 3, np.float32),
               "noise": rng.normal(0, 0.05, 16000 * 3).astype(np.float32),
               "blip": rng.normal(0, 0.3, 800).astype(np.float32)}[kind]
    write_wav(path, samples, 16000)
    assert main(["talk", "--in", str(path), "--json", "--no-answer", "--no-bias"]) == 0
    out = one_json_object(capsys.readouterr().out)
    assert out["heard"] is False and "没听清" in out["message"] and out["transcript"] == ""


def test_clipped_audio_is_flagged() -> None:
    from kiosk.engines.audio import Clip
    from kiosk.engines.vad import SileroVad
    from kiosk.voice.headless import check_clip

    speech = load_audio(CLIP).samples
    clipped = Clip(np.clip(speech * 40, -1, 1), 16000, 1)
    assert any("失真" in n for n in check_clip(clipped, SileroVad()))
    with pytest.raises(AudioInputError):
        check_clip(Clip(np.zeros(16000, np.float32), 16000, 1), SileroVad())


@needs_models
@pytest.mark.slow
def test_talk_transcribes_a_shipped_clip(capsys) -> None:
    assert main(["talk", "--in", str(CLIP), "--json", "--no-answer"]) == 0
    out = one_json_object(capsys.readouterr().out)
    assert out["heard"] is True
    assert comparable(out["transcript"]) == comparable("换一首歌")
    assert out["timings_ms"]["asr"] > 0


@needs_models
@pytest.mark.slow
def test_a_filler_only_clip_is_not_heard(tmp_path: Path, capsys) -> None:
    question = tmp_path / "q.wav"
    assert main(["say", "哦，嗯。", "--out", str(question)]) == 0
    capsys.readouterr()
    assert main(["talk", "--in", str(question), "--json"]) == 0
    out = one_json_object(capsys.readouterr().out)
    assert out["heard"] is False and "没听清" in out["message"] and not out["answer"]


@needs_models
@pytest.mark.slow
def test_say_then_talk_answers_aloud_with_citations(tmp_path: Path, capsys) -> None:
    question, answer = tmp_path / "q.wav", tmp_path / "a.wav"
    mouth = tmp_path / "mouth.json"
    assert main(["say", "请问研发费用加计扣除有什么政策？", "--out", str(question), "--mouth", str(mouth), "--json"]) == 0
    said = json.loads(capsys.readouterr().out)
    assert said["voice"] == "kokoro-82m-zh" and said["seconds"] > 1.5
    frames = json.loads(mouth.read_text(encoding="utf-8"))
    assert frames[1]["t_ms"] - frames[0]["t_ms"] == 20 and max(f["openness"] for f in frames) > 0.5

    assert main(["talk", "--in", str(question), "--out", str(answer), "--json"]) == 0
    out = one_json_object(capsys.readouterr().out)
    assert out["heard"] is True and "加计扣除" in comparable(out["transcript"])
    assert out["answer"] and out["citations"]
    assert out["timings_ms"]["first_audio_after_speech_end"] > 0
    heard = load_audio(answer)
    assert heard.seconds > 1.0 and heard.rms > 0.01


@needs_models
@pytest.mark.slow
def test_silence_with_out_gets_a_spoken_prompt(tmp_path: Path, capsys) -> None:
    question, answer = tmp_path / "q.wav", tmp_path / "a.wav"
    write_wav(question, np.zeros(16000 * 2, np.float32), 16000)
    assert main(["talk", "--in", str(question), "--out", str(answer)]) == 0
    assert "没听清" in capsys.readouterr().out
    assert load_audio(answer).seconds > 0.8
