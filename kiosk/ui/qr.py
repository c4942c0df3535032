"""A QR code drawn straight from the qrcode library's module matrix (no image library needed), and 扫码带走.

The qrcode library (pure Python, already used for tickets and printed guides) is kept rather than adding segno:
segno encodes about a quarter faster, but either takes a worker thread for a long answer's code."""

from __future__ import annotations

import contextlib
import threading

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from kiosk.ui.widgets import IconButton, label


def qr_matrix(text: str, border: int = 2) -> list[list[bool]]:
    """The modules of `text`'s QR code at error-correction level M, with a quiet zone of `border` modules."""
    import qrcode

    code = qrcode.QRCode(border=border, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(text)
    code.make(fit=True)
    return code.get_matrix()


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
        self.set_matrix(qr_matrix(text, self.border) if text else [])

    def set_matrix(self, matrix: list[list[bool]]) -> None:
        """Show a code made elsewhere (a long text's code takes a worker thread a few hundred milliseconds)."""
        self.matrix = matrix
        if self.cell and matrix:
            side = max(self.min_side, len(matrix) * self.cell)
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
    _made = Signal(object)  # the code's modules, from the worker thread that made them

    def __init__(self, text: str, with_sources: bool = True):
        super().__init__()
        self.text = text
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(10)
        self.button = IconButton("扫码带走答复", "qr", "source", self.toggle)
        self.button.setCheckable(True)
        box.addWidget(self.button, 0, Qt.AlignmentFlag.AlignLeft)
        kept = "答复和依据的文件名、文号" if with_sources else "这条答复"
        self.hint = label(f"用手机扫一扫，{kept}就存在手机上，不需要联网。", "muted")
        self.code: QrCode | None = None
        self.hint.hide()
        box.addWidget(self.hint)
        self._made.connect(self._show_code)

    def toggle(self) -> None:
        if self.code is None:
            self.code = QrCode("", size=300, border=4, cell=4)
            self.code.text = self.text
            self.code.setAccessibleName(f"二维码：{self.text}")
            self.layout().addWidget(self.code, 0, Qt.AlignmentFlag.AlignLeft)
            # a long answer's code costs pure-Python work the screen must not wait for
            threading.Thread(target=self._make, daemon=True).start()
        shown = self.code.isHidden()
        self.code.setVisible(shown)
        self.hint.setVisible(shown)
        self.button.setChecked(shown)
        self.button.setText("收起二维码" if shown else "扫码带走答复")
        if shown:
            self.opened.emit(self.code)

    def _make(self) -> None:
        matrix = qr_matrix(self.text, 4)
        with contextlib.suppress(RuntimeError):  # the visitor left and the answer is gone: nobody to show it to
            self._made.emit(matrix)

    def _show_code(self, matrix: list[list[bool]]) -> None:
        self.code.set_matrix(matrix)
        if self.code.isVisible():
            self.opened.emit(self.code)  # its final size is known now
