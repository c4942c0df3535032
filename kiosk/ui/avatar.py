"""西小服, the kiosk's own cartoon boy, drawn with QPainter paths.

A round-faced boy in a West-Lake-teal hoodie with a 西 badge and a curl of hair on top. States: idle (blinks,
breathes), waving (attract screen), listening (eyebrows up, sound arcs that follow the microphone level),
thinking (eyes up, a thought bubble of dots) and speaking (mouth openness read from the audio timeline).
"""

from __future__ import annotations

import math
import random
import time

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

from kiosk.ui.mouth import MouthTimeline, PlaybackClock

W, H = 400.0, 520.0
SKIN, SKIN_SHADE = QColor("#FFDCC4"), QColor("#F5C3A5")
HAIR, LINE = QColor("#33241F"), QColor("#3A2A24")
HOODIE, HOODIE_DARK = QColor("#17A093"), QColor("#0E6F67")
STATES = ("idle", "waving", "listening", "thinking", "speaking")


class Avatar(QWidget):
    speech_finished = Signal()
    sentence_changed = Signal(str)  # the sentence heard now ("" when none), read on the same clock as the mouth

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 208)
        self.setAccessibleName("西小服")
        self.state = "idle"
        self.mic_level = 0.0
        self.openness = 0.0
        self.sentence = ""
        self._timeline: MouthTimeline | None = None
        self._clock: PlaybackClock | None = None
        self._t0 = time.monotonic()
        self._next_blink = self._t0 + 2.5
        self._blink_until = 0.0
        self.contrast = False
        self._layers: dict[tuple, QPixmap] = {}
        self._timer = QTimer(self)
        self._timer.setInterval(33)
        self._timer.timeout.connect(self.tick)
        self._timer.start()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        self._timer.start()
        super().showEvent(event)

    # -- state ---------------------------------------------------------------------------------------------
    def set_state(self, state: str) -> None:
        if state not in STATES:
            raise ValueError(state)
        if state != "speaking":
            self._timeline, self._clock, self.openness = None, None, 0.0
            self._hear("")
        self.state = state
        self.update()

    def set_mic_level(self, level: float) -> None:
        self.mic_level = max(0.0, min(1.0, level))

    def speak(self, timeline: MouthTimeline, clock: PlaybackClock) -> None:
        """Follow `timeline` against `clock` until the timeline is closed and played out."""
        self._timeline, self._clock = timeline, clock
        self.state = "speaking"
        self._timer.start()  # followed to the end even on a screen the visitor has left

    def _hear(self, sentence: str) -> None:
        if sentence != self.sentence:
            self.sentence = sentence
            self.sentence_changed.emit(sentence)

    def tick(self) -> None:
        now = time.monotonic()
        if now >= self._next_blink:
            self._blink_until = now + 0.14
            self._next_blink = now + random.uniform(2.5, 5.5)
        if self.state == "speaking" and self._timeline is not None and self._clock is not None:
            t = self._clock()
            self.openness = self._timeline.openness_at(t)
            self._hear(self._timeline.sentence_at(t))
            if self._timeline.finished(t):
                self.set_state("idle")
                self.speech_finished.emit()
        if not self.isVisible():
            if self.state != "speaking":
                self._timer.stop()  # a hidden avatar at rest costs the two cores nothing; showing it restarts it
            return
        self.update()
        # a resting avatar breathes smoothly at 15 frames a second; talking and listening need 30
        self._timer.setInterval(33 if self.state in ("speaking", "listening", "waving") else 66)

    # -- drawing -------------------------------------------------------------------------------------------
    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        s = min(self.width() / W, self.height() / H)
        p.translate((self.width() - W * s) / 2, (self.height() - H * s) / 2)
        p.scale(s, s)
        self.draw(p, time.monotonic() - self._t0, s * self.devicePixelRatioF())
        p.end()

    def _layer(self, name: str, area: QRectF, paint, scale: float) -> QPixmap:
        """A still part of the figure rendered once per size, so each frame only draws what moves."""
        key = (name, round(scale, 3), self.contrast)
        pix = self._layers.get(key)
        if pix is None:
            pix = QPixmap(max(1, round(area.width() * scale)), max(1, round(area.height() * scale)))
            pix.fill(Qt.GlobalColor.transparent)
            lp = QPainter(pix)
            lp.setRenderHint(QPainter.RenderHint.Antialiasing)
            lp.scale(scale, scale)
            lp.translate(-area.left(), -area.top())
            paint(lp)
            lp.end()
            self._layers = {k: v for k, v in self._layers.items() if k[1] == key[1]}
            self._layers[key] = pix
        return pix

    def draw(self, p: QPainter, t: float, scale: float = 1.0) -> None:
        breathe = math.sin(t * 2 * math.pi / 4.0)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(0, 0, 0, 28))
        p.drawEllipse(QRectF(90, 498, 220, 20))
        body = QRectF(54, 270, 292, 244)
        p.drawPixmap(body.translated(0, -breathe * 1.2), self._layer("body", body, self._draw_body, scale),
                     QRectF())
        self._draw_arm(p, left=True, angle=8 + breathe * 2)
        if self.state == "waving":
            self._draw_arm(p, left=False, angle=-150 + 22 * math.sin(t * 2 * math.pi / 1.1))
        else:
            self._draw_arm(p, left=False, angle=-8 - breathe * 2)
        bob = breathe * 2.5 + (self.openness * 3 if self.state == "speaking" else 0)
        tilt = {"listening": -5.0, "thinking": 4.0}.get(self.state, 0.0)
        p.save()
        p.translate(200, 300 + bob)
        p.rotate(tilt)
        p.translate(-200, -300)
        head = QRectF(54, 60, 292, 250)
        p.drawPixmap(head, self._layer("head", head, self._draw_head, scale), QRectF())
        self._draw_curl(p, t)
        self._draw_face(p, t)
        p.restore()
        if self.state == "listening":
            self._draw_sound_arcs(p, t)
        elif self.state == "thinking":
            self._draw_thought(p, t)

    def _pen(self, width: float = 4.0) -> QPen:
        return QPen(QColor("#000000") if self.contrast else LINE, width, Qt.PenStyle.SolidLine,
                    Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)

    def _draw_body(self, p: QPainter) -> None:
        lift = 0.0
        torso = QPainterPath()
        torso.moveTo(128, 300 - lift)
        torso.cubicTo(60, 320, 62, 420, 70, 505)
        torso.lineTo(330, 505)
        torso.cubicTo(338, 420, 340, 320, 272, 300 - lift)
        torso.closeSubpath()
        p.setPen(self._pen())
        p.setBrush(HOODIE)
        p.drawPath(torso)
        p.setBrush(HOODIE_DARK)  # hood folds behind the neck
        p.drawChord(QRectF(130, 282 - lift, 140, 60), 180 * 16, 180 * 16)
        p.setBrush(QColor("#FFFFFF"))
        collar = QPainterPath()
        collar.moveTo(168, 305 - lift)
        collar.lineTo(200, 350)
        collar.lineTo(232, 305 - lift)
        collar.closeSubpath()
        p.drawPath(collar)
        p.setPen(QPen(QColor("#FFFFFF"), 3.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        p.drawLine(QPointF(186, 330), QPointF(182, 372))  # hoodie strings
        p.drawLine(QPointF(214, 330), QPointF(218, 372))
        p.setPen(self._pen(3))
        p.setBrush(QColor("#FFFFFF"))
        p.drawEllipse(QPointF(200, 420), 30, 30)
        p.setPen(HOODIE_DARK)
        font = QFont("Noto Sans CJK SC")
        font.setPixelSize(34)
        font.setBold(True)
        p.setFont(font)
        p.drawText(QRectF(170, 390, 60, 60), Qt.AlignmentFlag.AlignCenter, "西")

    def _draw_arm(self, p: QPainter, left: bool, angle: float) -> None:
        p.save()
        p.translate(96 if left else 304, 338)
        p.rotate(angle)
        p.setPen(self._pen())
        p.setBrush(HOODIE)
        p.drawRoundedRect(QRectF(-22, -10, 44, 120), 22, 22)
        p.setBrush(SKIN)
        p.drawEllipse(QPointF(0, 118), 22, 22)
        p.restore()

    def _draw_head(self, p: QPainter) -> None:
        """Ears, face, hair, cheeks and nose: everything on the head that does not move by itself."""
        p.setPen(self._pen())
        p.setBrush(SKIN)
        p.drawEllipse(QPointF(84, 200), 24, 28)  # ears
        p.drawEllipse(QPointF(316, 200), 24, 28)
        p.drawEllipse(QPointF(200, 190), 120, 114)
        self._draw_hair(p)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(255, 120, 120, 80))
        p.drawEllipse(QPointF(122, 250), 22, 13)
        p.drawEllipse(QPointF(278, 250), 22, 13)
        p.setPen(self._pen(3))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawArc(QRectF(192, 228, 16, 12), 200 * 16, 140 * 16)

    def _draw_hair(self, p: QPainter) -> None:
        hair = QPainterPath()
        hair.moveTo(82, 196)
        hair.cubicTo(70, 90, 150, 62, 205, 68)
        hair.cubicTo(275, 70, 338, 110, 318, 196)
        hair.cubicTo(306, 160, 290, 140, 268, 132)  # fringe, right to left in soft scallops
        hair.cubicTo(258, 150, 236, 152, 226, 136)
        hair.cubicTo(212, 156, 180, 156, 172, 134)
        hair.cubicTo(160, 152, 132, 150, 128, 134)
        hair.cubicTo(108, 148, 92, 170, 82, 196)
        p.setPen(self._pen())
        p.setBrush(HAIR)
        p.drawPath(hair)
        p.setPen(QPen(QColor(255, 255, 255, 70), 5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        p.drawArc(QRectF(120, 84, 110, 60), 100 * 16, 50 * 16)

    def _draw_curl(self, p: QPainter, t: float) -> None:
        sway = math.sin(t * 2 * math.pi / 2.6) * 4
        curl = QPainterPath()
        curl.moveTo(200, 70)
        curl.cubicTo(196 + sway, 30, 236 + sway, 28, 232 + sway, 52)
        curl.cubicTo(230 + sway, 64, 214 + sway, 60, 218 + sway, 50)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(HAIR, 7, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        p.drawPath(curl)

    def _draw_face(self, p: QPainter, t: float) -> None:
        blink = time.monotonic() < self._blink_until
        look = {"thinking": QPointF(5, -7), "listening": QPointF(-3, 0)}.get(self.state, QPointF(0, 2))
        brow_lift = {"listening": 8, "thinking": 5}.get(self.state, 0)
        for cx in (152, 248):
            p.setPen(QPen(HAIR, 7, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawArc(QRectF(cx - 20, 160 - brow_lift, 40, 18), 30 * 16, 120 * 16)
            if blink:
                p.setPen(self._pen(5))
                p.drawArc(QRectF(cx - 20, 196, 40, 20), 200 * 16, 140 * 16)
                continue
            p.setPen(self._pen(3.5))
            p.setBrush(QColor("#FFFFFF"))
            p.drawEllipse(QPointF(cx, 207), 22, 27)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor("#2B1E1A"))
            p.drawEllipse(QPointF(cx, 210) + look, 14, 16)
            p.setBrush(QColor("#FFFFFF"))
            p.drawEllipse(QPointF(cx + 5, 203) + look, 5.5, 5.5)
            p.drawEllipse(QPointF(cx - 4, 216) + look, 2.5, 2.5)
        self._draw_mouth(p)

    def _draw_mouth(self, p: QPainter) -> None:
        o = self.openness if self.state == "speaking" else 0.0
        if o < 0.06:
            p.setPen(self._pen(4.5))
            p.setBrush(Qt.BrushStyle.NoBrush)
            smile = QRectF(174, 248, 52, 30) if self.state != "thinking" else QRectF(186, 262, 28, 10)
            p.drawArc(smile, 200 * 16, 140 * 16)
            return
        width, depth = 44 - 8 * o, 8 + 34 * o
        mouth = QPainterPath()
        mouth.moveTo(200 - width / 2, 266)
        mouth.cubicTo(200 - width / 4, 262, 200 + width / 4, 262, 200 + width / 2, 266)
        mouth.cubicTo(200 + width / 2, 266 + depth, 200 - width / 2, 266 + depth, 200 - width / 2, 266)
        p.setPen(self._pen(3.5))
        p.setBrush(QColor("#8E2F3A"))
        p.drawPath(mouth)
        p.save()
        p.setClipPath(mouth)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#F07C7C"))
        p.drawEllipse(QPointF(200, 266 + depth * 0.95), width * 0.34, depth * 0.38)
        p.restore()

    def _draw_sound_arcs(self, p: QPainter, t: float) -> None:
        level = max(self.mic_level, 0.15 + 0.1 * math.sin(t * 6))
        for i in range(3):
            alpha = int(255 * max(0.0, min(1.0, level * 1.6 - i * 0.3)))
            p.setPen(QPen(QColor(23, 160, 147, alpha), 7, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            r = 22 + i * 18
            p.drawArc(QRectF(330 - r, 200 - r, 2 * r, 2 * r), -40 * 16, 80 * 16)

    def _draw_thought(self, p: QPainter, t: float) -> None:
        p.setPen(self._pen(3))
        p.setBrush(QBrush(QColor("#FFFFFF")))
        p.drawEllipse(QPointF(300, 92), 9, 9)
        p.drawEllipse(QPointF(318, 64), 13, 13)
        p.drawRoundedRect(QRectF(304, 4, 92, 46), 23, 23)
        p.setPen(Qt.PenStyle.NoPen)
        for i in range(3):
            phase = (t * 2.2 - i * 0.25) % 1.0
            p.setBrush(HOODIE if phase < 0.5 else QColor("#B7DAD5"))
            p.drawEllipse(QPointF(328 + i * 22, 27 - (4 if phase < 0.5 else 0)), 7, 7)
