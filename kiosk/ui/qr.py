"""A QR code drawn straight from the qrcode library's module matrix (no image library needed)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget


class QrCode(QWidget):
    def __init__(self, text: str = "", size: int = 220):
        super().__init__()
        self.setFixedSize(size, size)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.matrix: list[list[bool]] = []
        self.set_text(text)

    def set_text(self, text: str) -> None:
        self.setAccessibleName(f"二维码：{text}")
        self.matrix = []
        if text:
            import qrcode

            code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
            code.add_data(text)
            code.make(fit=True)
            self.matrix = code.get_matrix()
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#FFFFFF"))
        if self.matrix:
            n = len(self.matrix)
            cell = min(self.width(), self.height()) / n
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor("#000000"))
            for y, row in enumerate(self.matrix):
                for x, on in enumerate(row):
                    if on:
                        p.drawRect(QRectF(x * cell, y * cell, cell + 0.3, cell + 0.3))
        p.end()
