"""Turn taking and the live loop: the VAD endpointer on real speech and noise, a capture/playback round trip
through a real PortAudio device (a PulseAudio null sink started here), and barge-in during playback."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time

import numpy as np
import pytest
from support_models import WHISPER, needs

from kiosk.config import REPO_ROOT
from kiosk.engines.asr_checks import comparable
from kiosk.engines.audio import BLOCK, Microphone, Player, load_audio
from kiosk.engines.vad import EndpointConfig, Endpointer, SileroVad

SPEECH = REPO_ROOT.parent / "shared" / "eval" / "speech"


def _blocks(samples: np.ndarray):
    usable = samples[: samples.size // BLOCK * BLOCK]
    return usable.reshape(-1, BLOCK)


def _pad(samples: np.ndarray, before: float = 0.5, after: float = 1.2) -> np.ndarray:
    return np.concatenate([np.zeros(int(before * 16000), np.float32), samples, np.zeros(int(after * 16000), np.float32)])


def test_endpointer_finds_one_utterance_in_a_question() -> None:
    speech = load_audio(SPEECH / "fireredasr_BAC009S0764W0121.wav").samples
    endpointer = Endpointer(SileroVad())
    utterances = [u for b in _blocks(_pad(speech)) if (u := endpointer.push(b)) is not None]
    assert len(utterances) == 1
    assert not utterances[0].truncated
    assert 3.0 < utterances[0].samples.size / 16000 < 5.5


def test_hall_noise_does_not_start_a_turn() -> None:
    rng = np.random.default_rng(7)
    hum = 0.05 * np.sin(2 * np.pi * 50 * np.arange(16000 * 8) / 16000)
    noise = (rng.normal(0, 0.03, 16000 * 8) + hum).astype(np.float32)
    endpointer = Endpointer(SileroVad())
    assert all(endpointer.push(b) is None for b in _blocks(noise))
    assert not endpointer.speaking


def test_endless_speech_is_cut_at_the_maximum_length() -> None:
    speech = load_audio(SPEECH / "fireredasr_BAC009S0764W0121.wav").samples
    endpointer = Endpointer(SileroVad(), EndpointConfig(max_utterance_s=3.0, end_silence_s=2.0))
    utterances = [u for b in _blocks(np.concatenate([speech, speech])) if (u := endpointer.push(b)) is not None]
    assert utterances and utterances[0].truncated
    assert utterances[0].samples.size / 16000 == pytest.approx(3.0, abs=0.1)


# --- a real PortAudio device ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def null_sink(tmp_path_factory: pytest.TempPathFactory):
    """A PulseAudio daemon with a null sink whose monitor is the default source: playback becomes capture."""
    if not shutil.which("pulseaudio"):
        pytest.skip("pulseaudio is not installed (apt-get install -y pulseaudio libportaudio2)")
    runtime = tmp_path_factory.mktemp("pulse")
    env = {**os.environ, "PULSE_RUNTIME_PATH": str(runtime), "PULSE_STATE_PATH": str(runtime)}
    started = subprocess.run(
        ["pulseaudio", "-D", "-n", "--exit-idle-time=-1", "--disallow-exit", "--use-pid-file=yes",
         "--load=module-native-protocol-unix", "--load=module-null-sink sink_name=kiosk_test"],
        env=env, capture_output=True, text=True, timeout=30)
    socket = runtime / "native"
    for _ in range(50):
        if socket.exists():
            break
        time.sleep(0.1)
    if started.returncode or not socket.exists():
        pytest.skip(f"PulseAudio could not start: {started.stderr.strip()[-300:]}")
    subprocess.run(["pactl", "set-default-source", "kiosk_test.monitor"], env=env, timeout=10)
    subprocess.run(["pactl", "set-default-sink", "kiosk_test"], env=env, timeout=10)
    old = {k: os.environ.get(k) for k in ("PULSE_SERVER", "PULSE_RUNTIME_PATH")}
    os.environ["PULSE_SERVER"] = f"unix:{socket}"
    os.environ["PULSE_RUNTIME_PATH"] = str(runtime)
    import sounddevice as sd

    sd._terminate()
    sd._initialize()
    if not any("pulse" in d["name"] for d in sd.query_devices()):
        pytest.skip("PortAudio has no PulseAudio device (ALSA pulse plugin missing)")
    yield "pulse"
    subprocess.run(["pulseaudio", "--kill"], env=env, timeout=10)
    for key, value in old.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def _capture_while(mic: Microphone, seconds: float) -> np.ndarray:
    got, end = [], time.monotonic() + seconds
    while time.monotonic() < end:
        block = mic.read(0.1)
        if block is not None:
            got.append(block)
    return np.concatenate(got) if got else np.zeros(0, np.float32)


def test_playback_is_captured_back_through_the_device(null_sink: str) -> None:
    rate = 24000
    tone = (0.5 * np.sin(2 * np.pi * 440 * np.arange(rate * 2) / rate)).astype(np.float32)
    levels: list[float] = []
    with Microphone(null_sink, on_level=levels.append) as mic, Player(rate, null_sink) as player:
        player.play(tone)
        captured = _capture_while(mic, 3.0)
    assert captured.size > 1600
    spectrum = np.abs(np.fft.rfft(captured))
    assert np.argmax(spectrum) * 16000 / captured.size == pytest.approx(440, abs=10)
    assert max(levels) > -20


def test_stop_silences_the_speaker_at_once(null_sink: str) -> None:
    rate = 24000
    tone = (0.5 * np.sin(2 * np.pi * 440 * np.arange(rate * 10) / rate)).astype(np.float32)
    with Player(rate, null_sink) as player:
        player.play(tone)
        deadline = time.monotonic() + 5
        while player.position_s < 0.2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert player.playing
        player.stop()
        assert not player.playing
        heard = player.position_s
        time.sleep(0.5)
        assert player.position_s - heard < 0.5  # nothing more of the tone is fed after stop()
        assert player.wait(0.1)


def test_missing_device_is_a_friendly_error() -> None:
    from kiosk.engines.audio import AudioDeviceError

    with pytest.raises(AudioDeviceError) as err:
        Microphone("no-such-microphone-anywhere").open()
    assert "麦克风" in err.value.friendly


@needs(WHISPER)
@pytest.mark.slow
def test_visitor_speech_during_playback_barges_in(null_sink: str) -> None:
    """The kiosk is talking; the visitor starts speaking: playback stops, the answer is abandoned, and the
    visitor's new question is transcribed."""
    from kiosk.engines.asr import AsrEngine
    from kiosk.engines.tts import Speaker
    from kiosk.engines.tts.espeak import EspeakEngine
    from kiosk.engines.tts.style import VoiceStyle
    from kiosk.events import AnswerSentence, FinalTranscript, Interrupted
    from kiosk.voice.loop import Turn, VoiceLoop
    events: list[object] = []
    second_answer = threading.Event()

    def source(question: str, cancel=None):
        yield AnswerSentence("好的，我来为您查询。")
        second_answer.set()

    speaker = Speaker(EspeakEngine(), VoiceStyle.plain())
    player = Player(speaker.sample_rate, null_sink).open()
    loop = VoiceLoop(AsrEngine().load(), speaker, source, events.append, player=player,
                     microphone=Microphone(null_sink))
    try:
        loop._turn = Turn()
        loop.speech.say("您好，欢迎来到企业服务中心。" * 6)
        deadline = time.monotonic() + 10
        while not player.playing and time.monotonic() < deadline:
            time.sleep(0.05)
        assert player.playing
        seen = []
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and max(seen, default=0.0) < 0.3:
            seen.append(loop.mouth_openness())
            time.sleep(0.02)
        assert max(seen) >= 0.3  # the mouth moves with the speech being heard
        question = load_audio(SPEECH / "fireredasr_IT0011W0001.wav").samples
        for block in _blocks(_pad(question, before=0.6, after=1.5)):
            loop.feed(block)
            time.sleep(0.002)
        assert any(isinstance(e, Interrupted) for e in events)
        assert loop.mouth_openness() == 0.0
        deadline = time.monotonic() + 60
        while not second_answer.is_set() and time.monotonic() < deadline:
            time.sleep(0.1)
        finals = [comparable(e.text) for e in events if isinstance(e, FinalTranscript)]
        assert finals == ["换一首歌"]
        interrupted_at = next(i for i, e in enumerate(events) if isinstance(e, Interrupted))
        assert interrupted_at < events.index(next(e for e in events if isinstance(e, FinalTranscript)))
    finally:
        player.close()


@needs(WHISPER)
@pytest.mark.slow
def test_final_transcript_is_decoded_during_the_closing_pause() -> None:
    """Hands-free turn: the transcript is started in the pause and reused at the end, not decoded twice."""
    from kiosk.engines.asr import AsrEngine
    from kiosk.engines.tts import Speaker
    from kiosk.engines.tts.espeak import EspeakEngine
    from kiosk.events import FinalTranscript
    from kiosk.voice.loop import VoiceLoop

    class CountingAsr(AsrEngine):
        lengths: list[int] = []

        def transcribe(self, samples, bias=True, **options):
            self.lengths.append(samples.size)
            return super().transcribe(samples, bias, **options)

    events: list[object] = []
    answered = threading.Event()

    def source(question: str, cancel=None):
        answered.set()
        return iter(())

    speaker = Speaker(EspeakEngine())
    loop = VoiceLoop(CountingAsr().load(), speaker, source, events.append,
                     player=Player(speaker.sample_rate), microphone=Microphone())
    turns = []
    start_turn = loop._start_turn
    loop._start_turn = lambda utterance, speculation=None: (turns.append(utterance.samples.size),
                                                            start_turn(utterance, speculation))
    question = load_audio(SPEECH / "fireredasr_IT0011W0001.wav").samples
    for block in _blocks(_pad(question, before=0.3, after=1.5)):
        loop.feed(block)
        time.sleep(0.01)
    assert answered.wait(60)
    assert [comparable(e.text) for e in events if isinstance(e, FinalTranscript)] == ["换一首歌"]
    assert len(turns) == 1
    # the last decode ran on the utterance minus the rest of its closing pause, and none on the whole turn
    assert turns[0] - 16000 * 0.6 < CountingAsr.lengths[-1] < turns[0]
    assert max(CountingAsr.lengths) < turns[0]


def test_echo_guard_learns_the_coupling() -> None:
    from kiosk.voice.loop import EchoGuard

    guard = EchoGuard()
    assert guard.is_echo(0.15, 0.2)  # before learning, anything up to twice the output level may be echo
    for _ in range(50):
        guard.is_echo(0.02, 0.2)  # the room returns a tenth of the output
    assert guard.coupling == pytest.approx(0.1, abs=0.01)
    assert guard.is_echo(0.03, 0.2)
    assert not guard.is_echo(0.1, 0.2)  # a visitor speaking over the kiosk
    assert not guard.is_echo(0.1, 0.0)  # nothing played: everything heard is the room


def test_the_kiosk_does_not_answer_its_own_voice(null_sink: str) -> None:
    """Loopback: everything the kiosk says comes straight back into the microphone, and must not start a turn."""
    from kiosk.engines.asr import AsrEngine
    from kiosk.engines.tts import Speaker
    from kiosk.engines.tts.espeak import EspeakEngine
    from kiosk.events import FinalTranscript, Interrupted
    from kiosk.voice.loop import Turn, VoiceLoop

    events: list[object] = []
    speaker = Speaker(EspeakEngine())
    loop = VoiceLoop(AsrEngine(), speaker, lambda q, cancel=None: iter(()), events.append,
                     input_device=null_sink, output_device=null_sink)
    stop = threading.Event()
    runner = threading.Thread(target=loop.run, args=(stop,), daemon=True)
    runner.start()
    try:
        time.sleep(0.5)
        loop._turn = Turn()
        loop.speech.say("您好，欢迎来到企业服务中心，请问您想办理什么业务？我可以帮您查政策、办事项。")
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline and not loop.speaking:
            time.sleep(0.05)
        while time.monotonic() < deadline and loop.speaking:
            time.sleep(0.05)
        time.sleep(1.0)  # the echo's tail
    finally:
        stop.set()
        runner.join(5)
    assert not [e for e in events if isinstance(e, FinalTranscript | Interrupted)]
