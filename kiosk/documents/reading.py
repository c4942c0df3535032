"""What the document reader needs of a text-recognition engine: lines of text with their boxes on the page.

The engine itself (`kiosk.engines.ocr`) is handed in by the caller; this package only names the shapes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

Point = tuple[float, float]


@dataclass(frozen=True)
class OcrLine:
    text: str
    score: float
    box: tuple[Point, Point, Point, Point]  # top-left, top-right, bottom-right, bottom-left


@dataclass
class OcrReading:
    lines: list[OcrLine]
    seconds: float
    engine: str
    notes: list[str] = field(default_factory=list)  # what the pipeline did: rotated_90, over_budget, ...


class OcrEngine(Protocol):
    name: str

    def read(self, image: Any, budget_s: float | None = None) -> OcrReading: ...
