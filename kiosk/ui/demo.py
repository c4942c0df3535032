"""Realistic screen states for `kiosk screenshot` and the docs, from the sample view records."""

from __future__ import annotations

from kiosk.ui import viewmodels as vm


def stage(window, screen: str) -> None:
    current = window.current()
    if hasattr(current, "stage_demo"):
        current.stage_demo(vm)


def licence_image(scan: vm.ScanView):
    """A drawn stand-in for a photographed licence, so the scan screen's preview looks like the real thing."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen

    image = QImage(800, 560, QImage.Format.Format_RGB32)
    image.fill(QColor("#FBF7EE"))
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QPen(QColor("#B8342C"), 10))
    p.drawRect(QRectF(18, 18, 764, 524))
    font = QFont("Noto Sans CJK SC")
    font.setPixelSize(44)
    font.setBold(True)
    p.setFont(font)
    p.setPen(QColor("#B8342C"))
    p.drawText(QRectF(0, 50, 800, 60), Qt.AlignmentFlag.AlignCenter, "营 业 执 照")
    font.setPixelSize(19)
    font.setBold(False)
    p.setFont(font)
    p.setPen(QColor("#222222"))
    y = 140
    for key, name in vm.SCAN_FIELDS[:8]:
        if key == "street":
            continue
        p.drawText(QRectF(70, y, 660, 40), Qt.AlignmentFlag.AlignLeft, f"{name}　{scan.fields.get(key, '')}")
        y += 46
    p.setPen(QPen(QColor("#C8453C"), 4))
    p.drawEllipse(QRectF(600, 400, 120, 120))
    p.end()
    return image
