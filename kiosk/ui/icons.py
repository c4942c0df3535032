"""The kiosk's own line icons: one 24×24 grid, 2 px round strokes, tinted to the theme at render time."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QIcon, QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

# Shapes only; the stroke colour is filled in by `svg()`.
SHAPES: dict[str, str] = {
    "mic": '<rect x="9" y="3" width="6" height="11" rx="3"/><path d="M5 11a7 7 0 0 0 14 0M12 18v3M8 21h8"/>',
    "keyboard": '<rect x="2.5" y="6" width="19" height="12" rx="2"/>'
                '<path d="M6 10h.01M10 10h.01M14 10h.01M18 10h.01M6 14h.01M18 14h.01M9 14h6"/>',
    "scan": '<path d="M4 8V5a1 1 0 0 1 1-1h3M16 4h3a1 1 0 0 1 1 1v3M20 16v3a1 1 0 0 1-1 1h-3M8 20H5a1 1 0 0 1-1-1v-3"/>'
            '<path d="M8 9h8M8 12h8M8 15h5"/>',
    "chat": '<path d="M4 5h16v11H9l-5 4z"/><path d="M8 9h8M8 12h5"/>',
    "award": '<circle cx="12" cy="9" r="5"/><path d="M9 13.5 7.5 21l4.5-2.5 4.5 2.5-1.5-7.5"/>',
    "clipboard": '<rect x="5" y="4" width="14" height="17" rx="2"/><path d="M9 4V3h6v1M9 10h6M9 14h6M9 18h3"/>',
    "checklist": '<path d="M4 6l1.5 1.5L8 5M4 12l1.5 1.5L8 11M4 18l1.5 1.5L8 17M11 6.5h9M11 12.5h9M11 18.5h9"/>',
    "search": '<circle cx="10.5" cy="10.5" r="6"/><path d="M15 15l5 5"/>',
    "home": '<path d="M4 11l8-7 8 7M6 9.5V20h12V9.5M10 20v-5h4v5"/>',
    "back": '<path d="M15 5l-7 7 7 7"/>',
    "shield": '<path d="M12 3l8 3v6c0 4.5-3.4 8-8 9-4.6-1-8-4.5-8-9V6z"/><path d="M9 12l2 2 4-4"/>',
    "lock": '<rect x="5" y="11" width="14" height="10" rx="2"/><path d="M8 11V8a4 4 0 0 1 8 0v3M12 15v2"/>',
    "text-size": '<path d="M3 19l5-13 5 13M5 14h6M14 19l3.5-8 3.5 8M15.2 16.5h4.6"/>',
    "contrast": '<circle cx="12" cy="12" r="8.5"/><path d="M12 3.5v17" /><path d="M12 5a7 7 0 0 1 0 14z" fill="{c}"/>',
    "check": '<path d="M5 12.5l4.5 4.5L19 7.5"/>',
    "cross": '<path d="M6.5 6.5l11 11M17.5 6.5l-11 11"/>',
    "question": '<circle cx="12" cy="12" r="9"/><path d="M9.5 9.5a2.5 2.5 0 1 1 3.5 2.3c-.7.3-1 .9-1 1.7M12 17h.01"/>',
    "print": '<path d="M7 9V3h10v6M7 17H4v-8h16v8h-3"/><rect x="7" y="14" width="10" height="7"/>',
    "send": '<path d="M4 12l16-8-6 16-2.5-6.5z"/><path d="M11.5 13.5 20 4"/>',
    "camera": '<path d="M4 8h3l2-3h6l2 3h3v11H4z"/><circle cx="12" cy="13" r="3.5"/>',
    "image": '<rect x="3.5" y="4.5" width="17" height="15" rx="2"/><circle cx="9" cy="10" r="1.8"/>'
             '<path d="M4 17l5-4.5 4 3.5 3-2.5 4 3.5"/>',
    "star": '<path d="M12 3.5l2.6 5.4 5.9.8-4.3 4.1 1 5.8L12 16.9l-5.2 2.7 1-5.8L3.5 9.7l5.9-.8z"/>',
    "refresh": '<path d="M20 11a8 8 0 0 0-14.5-4.5M4 5v3.5h3.5M4 13a8 8 0 0 0 14.5 4.5M20 19v-3.5h-3.5"/>',
    "thumb-up": '<path d="M7 10v11M7 10l4-8a2.5 2.5 0 0 1 3 2.5V8h5a2 2 0 0 1 2 2.3l-1.4 8.7a2 2 0 0 1-2 1.7H7M7 10H4v11h3"/>',
    "thumb-down": '<g transform="matrix(1 0 0 -1 0 24)"><path d="M7 10v11M7 10l4-8a2.5 2.5 0 0 1 3 2.5V8h5a2 2 0 0 1 2 2.3l-1.4 8.7a2 2 0 0 1-2 1.7H7M7 10H4v11h3"/></g>',
    "chart": '<path d="M4 20h16M7 16v-5M12 16V7M17 16v-8"/>',
    "person": '<circle cx="12" cy="8" r="4"/><path d="M4.5 20.5a7.5 7.5 0 0 1 15 0"/>',
    "clock": '<circle cx="12" cy="12" r="8.5"/><path d="M12 7.5V12l3 2"/>',
    "doc": '<path d="M6 3h8l4 4v14H6z"/><path d="M14 3v4h4M9 12h6M9 16h6"/>',
    "qr": '<rect x="4" y="4" width="6" height="6"/><rect x="14" y="4" width="6" height="6"/>'
          '<rect x="4" y="14" width="6" height="6"/><path d="M14 14h2v2h-2zM18 18h2v2h-2zM14 18h2M18 14h2"/>',
    "info": '<circle cx="12" cy="12" r="9"/><path d="M12 11v6M12 7.5h.01"/>',
    "backspace": '<path d="M8 5h12v14H8l-5-7z"/><path d="M11 9l6 6M17 9l-6 6"/>',
    "wifi-off": '<path d="M3 3l18 18M8.5 16.5a5 5 0 0 1 7 0M5 12.5a10 10 0 0 1 5-2.7M14.5 9.9a10 10 0 0 1 4.5 2.6M12 20h.01"/>',
}


def svg(name: str, colour: str, stroke: float = 2.0) -> str:
    shape = SHAPES[name].replace("{c}", colour)
    return ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" '
            f'stroke="{colour}" stroke-width="{stroke}" stroke-linecap="round" stroke-linejoin="round">{shape}</svg>')


@lru_cache(maxsize=512)
def pixmap(name: str, colour: str, size: int, stroke: float = 2.0) -> QPixmap:
    renderer = QSvgRenderer(QByteArray(svg(name, colour, stroke).encode()))
    image = QImage(QSize(size, size), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return QPixmap.fromImage(image)


def icon(name: str, colour: str, size: int = 48) -> QIcon:
    return QIcon(pixmap(name, colour, size))
