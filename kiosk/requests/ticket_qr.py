"""The QR code a visitor takes away with the ticket: on screen, in the terminal, or as a PNG."""

from __future__ import annotations

import io
from pathlib import Path

import qrcode


def _code(text: str) -> qrcode.QRCode:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    qr.add_data(text)
    qr.make(fit=True)
    return qr


def qr_ascii(text: str) -> str:
    """The code drawn with block characters, for a terminal."""
    buf = io.StringIO()
    _code(text).print_ascii(out=buf, invert=True)
    return buf.getvalue()


def qr_png(text: str, path: Path | None = None, box_size: int = 8) -> bytes:
    """The code as PNG bytes; also written to ``path`` when given."""
    qr = _code(text)
    qr.box_size = box_size
    image = qr.make_image(fill_color="black", back_color="white")
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    data = buf.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data
