"""Small charts drawn with QPainter for the staff analytics: lines over days, bars, a ring and a histogram."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from kiosk.office.charts import ticks

SERIES = ["#12877F", "#E39B2D", "#5B7FD6", "#C2413B", "#7A5BB5", "#3B9E5A"]


class Chart(QWidget):
    def __init__(self, title: str, empty_text: str = "暂无数据"):
        super().__init__()
        self.title, self.empty_text = title, empty_text
        self.text_colour = QColor("#1D2B29")
        self.muted = QColor("#56676A")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(280, 220)

    def font_px(self, px: int, bold: bool = False) -> QFont:
        f = QFont(self.font())
        f.setPixelSize(max(12, int(px * max(0.8, min(1.6, self.height() / 330)))))
        f.setBold(bold)
        return f

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setFont(self.font_px(24, True))
        p.setPen(self.text_colour)
        p.drawText(QRectF(0, 0, self.width(), 40), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   self.title)
        self.draw(p, QRectF(0, 48, self.width(), self.height() - 48))
        p.end()

    def draw(self, p: QPainter, r: QRectF) -> None:
        raise NotImplementedError

    def empty(self, p: QPainter, r: QRectF) -> None:
        p.setFont(self.font_px(20))
        p.setPen(self.muted)
        p.drawText(r, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.empty_text)


class LineChart(Chart):
    def __init__(self, title: str, days: list[str], series: dict[str, list[int]], empty_text: str = "暂无数据"):
        super().__init__(title, empty_text)
        self.days, self.series = days, series

    def draw(self, p: QPainter, r: QRectF) -> None:
        values = [v for s in self.series.values() for v in s]
        if not any(values) or len(self.days) < 2:
            self.empty(p, r)
            return
        scale = ticks(max(values), 4)  # whole, distinct numbers: a small count never shows "0 0 1 1 1"
        top = scale[-1]
        legend_h = 36
        plot = QRectF(r.left() + 48, r.top() + 6, r.width() - 84, r.height() - 44 - legend_h)
        p.setFont(self.font_px(19))
        p.setPen(QPen(QColor("#D5E2DF"), 1))
        for value in scale:
            y = plot.bottom() - plot.height() * value / top
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.setPen(self.muted)
            p.drawText(QRectF(r.left(), y - 12, 40, 24), Qt.AlignmentFlag.AlignRight, str(value))
            p.setPen(QPen(QColor("#D5E2DF"), 1))
        step = plot.width() / (len(self.days) - 1)
        p.setPen(self.muted)
        for i, d in enumerate(self.days):
            p.drawText(QRectF(plot.left() + i * step - 40, plot.bottom() + 6, 80, 28), Qt.AlignmentFlag.AlignCenter, d)
        x_legend = plot.left()
        for k, (name, vals) in enumerate(self.series.items()):
            colour = QColor(SERIES[k % len(SERIES)])
            path = QPainterPath()
            for i, v in enumerate(vals):
                pt = QPointF(plot.left() + i * step, plot.bottom() - plot.height() * v / top)
                path.moveTo(pt) if i == 0 else path.lineTo(pt)
            p.setPen(QPen(colour, 4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawPath(path)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(colour)
            p.drawRoundedRect(QRectF(x_legend, r.bottom() - 24, 22, 14), 4, 4)
            p.setPen(self.text_colour)
            width = p.fontMetrics().horizontalAdvance(name)
            p.drawText(QPointF(x_legend + 30, r.bottom() - 11), name)
            x_legend += 30 + width + 28


class BarChart(Chart):
    def __init__(self, title: str, data: dict[str, int], empty_text: str = "暂无数据"):
        super().__init__(title, empty_text)
        self.data = data

    def draw(self, p: QPainter, r: QRectF) -> None:
        if not self.data:
            self.empty(p, r)
            return
        items = sorted(self.data.items(), key=lambda kv: -kv[1])[:8]
        top = max(v for _, v in items) or 1
        row_h = r.height() / len(items)
        p.setFont(self.font_px(20))
        label_w = min(r.width() * 0.35, max(p.fontMetrics().horizontalAdvance(k) for k, _ in items) + 12)
        for i, (name, v) in enumerate(items):
            y = r.top() + i * row_h
            p.setPen(self.text_colour)
            p.drawText(QRectF(r.left(), y, label_w - 8, row_h), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       name)
            bar_w = (r.width() - label_w - 56) * v / top
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(SERIES[0]))
            p.drawRoundedRect(QRectF(r.left() + label_w, y + row_h * 0.2, max(4, bar_w), row_h * 0.6), 6, 6)
            p.setPen(self.muted)
            p.drawText(QRectF(r.left() + label_w + bar_w + 8, y, 48, row_h), Qt.AlignmentFlag.AlignVCenter, str(v))


class RingChart(Chart):
    def __init__(self, title: str, rate: float | None, caption: str, empty_text: str = "暂无数据"):
        super().__init__(title, empty_text)
        self.rate, self.caption = rate, caption

    def draw(self, p: QPainter, r: QRectF) -> None:
        if self.rate is None:
            self.empty(p, r)
            return
        side = min(r.width(), r.height() - 36) - 24
        box = QRectF(r.center().x() - side / 2, r.top() + 8, side, side)
        width = max(10.0, side * 0.12)
        p.setPen(QPen(QColor("#E3F4F1"), width))
        p.drawArc(box, 0, 360 * 16)
        p.setPen(QPen(QColor(SERIES[0]), width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        p.drawArc(box, 90 * 16, int(-360 * 16 * self.rate))
        p.setFont(self.font_px(40, True))
        p.setPen(self.text_colour)
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, f"{self.rate * 100:.0f}%")
        p.setFont(self.font_px(20))
        p.setPen(self.muted)
        p.drawText(QRectF(r.left(), box.bottom() + 6, r.width(), 28), Qt.AlignmentFlag.AlignCenter, self.caption)


class RatingChart(Chart):
    def __init__(self, title: str, counts: list[int], empty_text: str = "暂无数据"):
        super().__init__(title, empty_text)
        self.counts = counts

    def draw(self, p: QPainter, r: QRectF) -> None:
        total = sum(self.counts)
        if not total:
            self.empty(p, r)
            return
        mean = sum((i + 1) * c for i, c in enumerate(self.counts)) / total
        p.setFont(self.font_px(20))
        col_w = (r.width() - 20) / 5
        plot_h = r.height() - 70
        top = max(self.counts)
        for i, c in enumerate(self.counts):
            h = plot_h * c / top
            x = r.left() + 10 + i * col_w
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(SERIES[1] if i >= 3 else "#C9D6D3"))
            p.drawRoundedRect(QRectF(x + col_w * 0.18, r.top() + plot_h - h + 4, col_w * 0.64, max(3, h)), 6, 6)
            p.setPen(self.text_colour)
            p.drawText(QRectF(x, r.top() + plot_h + 8, col_w, 24), Qt.AlignmentFlag.AlignCenter, f"{i + 1}星")
        p.setPen(self.muted)
        p.drawText(QRectF(r.left(), r.bottom() - 28, r.width(), 28), Qt.AlignmentFlag.AlignCenter,
                   f"平均 {mean:.1f} 星 · 共 {total} 次评价")
