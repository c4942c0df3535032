"""Helpers for the document tests: an OCR stand-in that returns given rows of text, and image bytes."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from kiosk.documents.reading import OcrLine, OcrReading


class ScriptedOcr:
    """Returns the given rows as OCR boxes and records what it was shown.

    Piece i of a row starts at x = 10 + 350·i (30 px per character), so pieces form columns like a printed
    form; an empty piece is a gap.
    """

    name = "scripted"

    def __init__(self, rows: list[list[str]] | None = None):
        self.rows = rows or []
        self.seen: list[np.ndarray] = []

    def read(self, image: np.ndarray, budget_s: float | None = None) -> OcrReading:
        self.seen.append(image)
        lines = []
        for r, pieces in enumerate(self.rows):
            y = 20.0 + 50 * r
            for i, text in enumerate(pieces):
                if text:
                    x, width = 10.0 + 350 * i, 30.0 * len(text)
                    lines.append(OcrLine(text, 0.99, ((x, y), (x + width, y), (x + width, y + 30), (x, y + 30))))
        return OcrReading(lines, 0.01, self.name)


def image_bytes(image: Image.Image, fmt: str = "PNG", **kwargs) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


def text_image(size: tuple[int, int] = (400, 200)) -> Image.Image:
    """A white image with dark strokes (not blank), for pipeline tests that do not need real text."""
    image = Image.new("RGB", size, "white")
    pixels = np.asarray(image).copy()
    pixels[size[1] // 3 : size[1] // 3 + 10, 20 : size[0] - 20] = 0
    return Image.fromarray(pixels)
