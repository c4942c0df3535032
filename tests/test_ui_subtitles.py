"""Subtitles follow the voice sentence by sentence, and the mouth moves only while there is sound."""

from __future__ import annotations

import time

from support_ui import make_window, settle
from test_ui_voice import voice_conversation

from kiosk.events import AnswerDone, AnswerSentence, FinalTranscript, MouthFrame, SpokenText
from kiosk.ui.mouth import MouthTimeline

FIRST = "经认定的区级研发中心，给予一次性奖励20万元[1]。"
SECOND = "可以到3号窗口申报。"


def test_the_timeline_knows_which_sentence_is_heard():
    tl = MouthTimeline()
    tl.add_sentence(400, 900, SECOND)
    tl.add_sentence(0, 400, FIRST)
    assert tl.sentence_at(-1) == "" and tl.sentence_at(0) == FIRST and tl.sentence_at(399) == FIRST
    assert tl.sentence_at(400) == SECOND and tl.sentence_at(900) == "" and tl.end_ms == 900
    tl.extend([MouthFrame(0, 0.8), MouthFrame(20, 0.8)])
    assert tl.openness_at(100) == 0.0  # no frame there: a sentence without sound moves no mouth


def _speaking_window(qtbot):
    adapter, window, conv = voice_conversation(qtbot)
    conv.mic.pressed.emit()
    conv.mic.released.emit()
    voice = adapter.voice
    voice.on_event(FinalTranscript("研发补贴有哪些"))
    voice.on_event(AnswerSentence(FIRST, (1,)))
    voice.on_event(AnswerSentence(SECOND))
    adapter.loop.position_ms = 1000.0  # the speaker has played earlier audio; this answer starts now
    return window, conv, voice


def _frames(start: int, end: int) -> list[MouthFrame]:
    return [MouthFrame(t, 0.8) for t in range(start, end, 20)]


def test_each_sentence_shows_while_it_is_heard_and_clears_when_the_voice_stops(qtbot):
    window, conv, voice = _speaking_window(qtbot)
    for event in [SpokenText(FIRST, 0, 1500), *_frames(0, 1500), SpokenText(SECOND, 1500, 3000),
                  *_frames(1500, 3000), AnswerDone("", False, 0.8, "extractive")]:
        voice.on_event(event)
    settle(window)
    seen: list[tuple[float, float, str, bool]] = []  # (clock before and after the avatar's tick, what it showed)
    deadline = time.monotonic() + 10
    while conv.avatar.state == "speaking" and time.monotonic() < deadline:
        qtbot.wait(15)
        before = voice.clock()
        conv.avatar.tick()
        seen.append((before, voice.clock(), conv.subtitle.text(), conv.subtitle.isVisible()))
    settle(window)

    def during(start: float, end: float) -> list[tuple[str, bool]]:
        return [(text, shown) for t0, t1, text, shown in seen if start < t0 and t1 < end]

    first, second = during(0, 1500), during(1500, 3000)
    assert first and set(first) == {("经认定的区级研发中心，给予一次性奖励20万元。", True)}  # no citation mark
    assert second and set(second) == {(SECOND, True)}
    assert conv.avatar.state == "idle"
    assert not conv.subtitle.isVisible() and conv.subtitle.text() == "" and conv.caption.isVisible()
    assert conv.avatar.openness == 0.0


def test_when_the_sound_runs_dry_the_mouth_shuts_and_the_subtitle_goes(qtbot):
    """The next sentence is still being synthesised: the answer is not over, but nothing is heard."""
    window, conv, voice = _speaking_window(qtbot)
    for event in [SpokenText(FIRST, 0, 1500), *_frames(0, 1500)]:
        voice.on_event(event)  # the second sentence's audio does not come yet
    settle(window)
    conv.avatar.tick()
    assert voice.clock() > 1500 or (conv.subtitle.isVisible() and conv.avatar.openness > 0.5)
    qtbot.waitUntil(lambda: voice.clock() > 1600, timeout=5000)
    conv.avatar.tick()
    assert conv.avatar.state == "speaking"  # still waiting for the rest of the answer …
    assert conv.avatar.openness == 0.0 and not conv.subtitle.isVisible()  # … yet nothing is heard, so nothing moves


def test_without_a_voice_there_is_no_subtitle_and_no_mouth(qtbot):
    window = make_window(qtbot)  # no voice loaded: answers are read, not heard
    window.navigate("conversation")
    conv = window.current()
    conv.ask("研发补贴")
    for _ in range(15):
        settle(window, 0.05)
        qtbot.wait(30)
        assert not conv.subtitle.isVisible() and conv.avatar.openness == 0.0
