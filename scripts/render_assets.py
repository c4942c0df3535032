"""Render the shipped art from the code that draws it: 西小服 in each state (assets/avatar/) and the app icon
(assets/icons/), so the packaged pictures always match the avatar on screen.

    python scripts/render_assets.py
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QImage, QPainter  # noqa: E402

from kiosk.ui.app import application  # noqa: E402
from kiosk.ui.avatar import STATES, Avatar, H, W  # noqa: E402
from kiosk.ui.theme import Palette  # noqa: E402

ASSETS = Path(__file__).resolve().parent.parent / "assets"


def render(avatar: Avatar, width: int, height: int, crop: QRectF, background: QColor | None) -> QImage:
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(background or Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    s = min(width / crop.width(), height / crop.height())
    p.translate((width - crop.width() * s) / 2, (height - crop.height() * s) / 2)
    p.scale(s, s)
    p.translate(-crop.left(), -crop.top())
    avatar.draw(p, 0.3, s)
    p.end()
    return image


def main() -> None:
    application()
    avatar = Avatar()
    (ASSETS / "avatar").mkdir(parents=True, exist_ok=True)
    for state in STATES:
        avatar.set_state(state)
        render(avatar, 400, 520, QRectF(0, 0, W, H), None).save(str(ASSETS / "avatar" / f"{state}.png"))
    avatar.set_state("idle")
    (ASSETS / "icons").mkdir(parents=True, exist_ok=True)
    head = QRectF(40, 20, 320, 320)  # the face, which reads at icon sizes where the whole figure does not
    for size in (256, 64):
        render(avatar, size, size, head, QColor(Palette().brand_soft)).save(str(ASSETS / "icons" / f"xixiaofu-{size}.png"))


if __name__ == "__main__":
    main()
