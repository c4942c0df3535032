"""Push-to-talk on the screen: live transcript, the voice loop's answer, the mouth on the speaker's clock."""

from __future__ import annotations

from support_ui import ScriptedAdapter, make_window, settle

from kiosk.events import (
    AnswerDone,
    AnswerSentence,
    FinalTranscript,
    Interrupted,
    MouthFrame,
    Notice,
    PartialTranscript,
)
from kiosk.ui.chat import KioskBubble, VisitorBubble
from kiosk.ui.voice import PlaybackSync, VoiceBridge


class FakeLoop:
    """Stands in for kiosk.voice.loop.VoiceLoop: records the buttons, plays at a clock the test moves."""

    def __init__(self):
        self.calls: list[str] = []
        self.position_ms = 0.0
        self.speaking = False
        self.last_level_db = -20.0

    def press(self):
        self.calls.append("press")

    def release(self):
        self.calls.append("release")

    def barge_in(self):
        self.calls.append("barge_in")

    def run(self, stop):
        stop.wait()


class VoiceBackends(ScriptedAdapter):
    def start_voice(self, emit):
        self.loop = FakeLoop()
        self.voice = VoiceBridge(self.loop, PlaybackSync(lambda: self.loop.position_ms), emit)
        self.voice.start()
        return "就绪（按住说话）"


def voice_conversation(qtbot):
    """The window on scripted voice adapter, its voice started, on the conversation screen."""
    adapter = VoiceBackends()
    window = make_window(qtbot, adapter)
    window.bridge.start(voice=True)
    settle(window)
    window.navigate("conversation")
    return adapter, window, window.current()


def test_push_to_talk_shows_transcript_answer_and_drives_the_mouth(qtbot):
    adapter, window, conv = voice_conversation(qtbot)
    assert window.bridge.ready("voice")
    conv.mic.pressed.emit()
    assert adapter.loop.calls == ["press"] and conv.avatar.state == "listening"
    qtbot.wait(120)
    assert conv.avatar.mic_level > 0.5  # -20 dBFS is a clear voice
    voice = adapter.voice
    voice.on_event(PartialTranscript("研发"))
    settle(window)
    drafts = conv.area.widget().findChildren(VisitorBubble)
    assert drafts[-1].label.text().startswith("研发")
    conv.mic.released.emit()
    assert adapter.loop.calls == ["press", "release"] and conv.avatar.state == "thinking"
    voice.on_event(FinalTranscript("研发补贴有哪些"))
    voice.on_event(AnswerSentence("经认定的区级研发中心，给予一次性奖励20万元[1]。"))
    adapter.loop.position_ms = 1000.0
    for t in range(0, 600, 20):  # the first spoken piece: 0.6 s of open mouth, starting to play now
        voice.on_event(MouthFrame(t, 0.8))
    voice.on_event(AnswerDone("", False, 0.8, "extractive"))
    settle(window)
    assert drafts[-1].label.text() == "研发补贴有哪些"
    assert "20万元" in conv.area.widget().findChildren(KioskBubble)[-1].text
    assert conv.avatar.state == "speaking"
    conv.avatar.tick()
    assert conv.avatar.openness > 0.5
    assert 0 <= voice.clock() < 600
    qtbot.waitUntil(lambda: conv.avatar.state == "idle", timeout=3000)  # played out, mouth at rest


def test_speaking_again_interrupts_the_answer(qtbot):
    adapter, window, conv = voice_conversation(qtbot)
    conv.ask("研发补贴")
    conv.mic.pressed.emit()  # barge-in while the typed question is answered
    assert "barge_in" not in adapter.loop.calls or adapter.loop.calls[-1] == "press"
    adapter.voice.on_event(Interrupted("barge-in"))
    adapter.voice.on_event(Notice("没听清，请再说一遍"))
    settle(window)
    assert conv.avatar.state in ("listening", "idle")


def test_no_microphone_means_keyboard(qtbot):
    window = make_window(qtbot)  # no voice loaded
    window.navigate("conversation")
    conv = window.current()
    conv.mic.pressed.emit()
    assert conv.keyboard.isVisible() and conv.avatar.state != "listening"
