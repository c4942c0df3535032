"""The avatar's mouth follows the audio clock: lookup, the speaker mapping, and live drift."""

from __future__ import annotations

import time

from support_ui import make_window

from kiosk.events import MouthFrame
from kiosk.ui.avatar import Avatar
from kiosk.ui.mouth import FRAME_MS, MouthTimeline
from kiosk.ui.voice import PlaybackSync


def test_openness_interpolates_and_closes_outside_the_timeline():
    tl = MouthTimeline([MouthFrame(0, 0.0), MouthFrame(20, 1.0), MouthFrame(40, 0.5)])
    assert tl.openness_at(-5) == 0.0
    assert tl.openness_at(10) == 0.5
    assert tl.openness_at(20) == 1.0
    assert tl.openness_at(45) == 0.5
    assert tl.openness_at(60) == 0.0
    assert tl.end_ms == 60


def test_frames_arriving_out_of_order_and_pauses():
    tl = MouthTimeline()
    tl.extend([MouthFrame(40, 0.4)])
    tl.extend([MouthFrame(0, 0.2), MouthFrame(20, 0.3)])
    assert tl.openness_at(20) == 0.3
    tl.extend([MouthFrame(500, 0.9)])  # a pause between clauses: shut, not a slow glide
    assert tl.openness_at(300) == 0.0
    assert not tl.finished(10_000)
    tl.closed = True
    assert tl.finished(10_000)


def test_playback_sync_anchors_on_first_frame_and_after_barge_in():
    position = {"ms": 5000.0}
    sync = PlaybackSync(lambda: position["ms"])
    assert sync() < 0  # nothing playing yet
    sync.on_frame(MouthFrame(0, 0.3))
    position["ms"] += 250
    assert sync() == 250
    sync.on_frame(MouthFrame(400, 0.3))  # later pieces do not move the anchor
    assert sync() == 250
    sync.reset()
    position["ms"] += 1000
    sync.on_frame(MouthFrame(0, 0.1))  # the voice restarts its times after a barge-in
    assert sync() == 0


def test_avatar_mouth_stays_within_80_ms_of_the_audio(qtbot):
    """Drive the avatar by its own timer against a clock that runs like a speaker; find each syllable onset."""
    make_window(qtbot)  # the application, fonts and style as in the kiosk
    avatar = Avatar()
    qtbot.addWidget(avatar)
    avatar.resize(400, 520)
    avatar.show()
    onsets = [200, 600, 1000, 1400]
    frames = []
    for t in range(0, 1700, FRAME_MS):
        frames.append(MouthFrame(t, 0.9 if any(o <= t < o + 100 for o in onsets) else 0.0))
    timeline = MouthTimeline(frames)
    timeline.closed = True
    t0 = time.monotonic()

    def clock() -> float:
        return (time.monotonic() - t0) * 1000.0

    seen: list[float] = []
    was_open = False
    avatar.speak(timeline, clock)
    deadline = time.monotonic() + 2.5
    while avatar.state == "speaking" and time.monotonic() < deadline:
        qtbot.wait(5)
        is_open = avatar.openness > 0.45
        if is_open and not was_open:
            seen.append(clock())
        was_open = is_open
    assert avatar.state == "idle"  # played out, back to rest
    assert len(seen) == len(onsets)
    drift = [abs(s - o) for s, o in zip(seen, onsets, strict=True)]
    print(f"mouth onset drift against the audio clock: {[round(d) for d in drift]} ms")
    assert max(drift) < 80, drift


def test_a_hidden_avatar_rests_without_a_timer_yet_finishes_what_it_was_saying(qtbot):
    """Screens the visitor is not on cost no frames; a sentence under way still plays out and says so."""
    make_window(qtbot)
    avatar = Avatar()
    qtbot.addWidget(avatar)
    avatar.show()
    qtbot.waitUntil(avatar._timer.isActive, timeout=1000)
    avatar.hide()
    qtbot.waitUntil(lambda: not avatar._timer.isActive(), timeout=1000)
    timeline = MouthTimeline([MouthFrame(t, 0.9) for t in range(0, 300, FRAME_MS)])
    timeline.closed = True
    t0 = time.monotonic()
    with qtbot.waitSignal(avatar.speech_finished, timeout=3000):
        avatar.speak(timeline, lambda: (time.monotonic() - t0) * 1000.0)
    assert avatar.state == "idle"
    qtbot.waitUntil(lambda: not avatar._timer.isActive(), timeout=1000)
    avatar.show()
    assert avatar._timer.isActive()
