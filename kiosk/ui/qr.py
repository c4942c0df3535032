"""A QR code drawn straight from the qrcode library's module matrix (no image library needed)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from kiosk.ui.widgets import IconButton, label


class QrCode(QWidget):
    """`size` fixes the side in pixels; with `cell` the side follows the code instead, `cell` pixels a module
    (at least `size`), so a long text is not squeezed into modules too small for a phone to read."""

    def __init__(self, text: str = "", size: int = 220, border: int = 2, cell: int = 0):
        super().__init__()
        self.min_side, self.border, self.cell = size, border, cell
        self.setFixedSize(size, size)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.matrix: list[list[bool]] = []
        self.text = ""
        self.set_text(text)

    def set_text(self, text: str) -> None:
        self.text = text
        self.setAccessibleName(f"二维码：{text}")
        self.matrix = []
        if text:
            import qrcode

            code = qrcode.QRCode(border=self.border, error_correction=qrcode.constants.ERROR_CORRECT_M)
            code.add_data(text)
            code.make(fit=True)
            self.matrix = code.get_matrix()
            if self.cell:
                side = max(self.min_side, len(self.matrix) * self.cell)
                self.setFixedSize(side, side)
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


class TakeAway(QWidget):
    """"扫码带走" under an answer: one tap shows the answer and its sources as a code for the visitor's phone,
    a second tap folds it away. The code is made on the first tap only, so answers nobody takes cost nothing."""

    opened = Signal(QWidget)  # the code now shown, for the conversation to bring into view

    def __init__(self, text: str):
        super().__init__()
        self.text = text
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(10)
        self.button = IconButton("扫码带走答复", "qr", "source", self.toggle)
        self.button.setCheckable(True)
        box.addWidget(self.button, 0, Qt.AlignmentFlag.AlignLeft)
        self.hint = label("用手机扫一扫，答复和依据的文件名、文号就存在手机上，不需要联网。", "muted")
        self.code: QrCode | None = None
        self.hint.hide()
        box.addWidget(self.hint)

    def toggle(self) -> None:
        if self.code is None:
            self.code = QrCode(self.text, size=300, border=4, cell=4)
            self.layout().addWidget(self.code, 0, Qt.AlignmentFlag.AlignLeft)
        shown = self.code.isHidden()
        self.code.setVisible(shown)
        self.hint.setVisible(shown)
        self.button.setChecked(shown)
        self.button.setText("收起二维码" if shown else "扫码带走答复")
        if shown:
            self.opened.emit(self.code)
