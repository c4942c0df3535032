"""Rows and columns from OCR text boxes, tolerant of a photo taken at a slant.

OCR returns one box per run of text; a printed line is often several boxes (a label and its value, two columns
of a licence). Boxes are grouped into rows along the page's dominant text direction, so a skewed photo still
yields its lines, and a two-column licence can be read column by column.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

Point = tuple[float, float]


class Box(Protocol):
    text: str
    box: tuple[Point, Point, Point, Point]


@dataclass(frozen=True)
class Placed:
    """A text box in page coordinates turned so that text runs horizontally."""

    text: str
    x0: float  # left edge
    x1: float  # right edge
    y: float  # centre line
    height: float


def skew_angle(boxes: Sequence[Box]) -> float:
    """The dominant text direction in radians (0 for level text), from the top edges of wide boxes."""
    angles = []
    for b in boxes:
        (x0, y0), (x1, y1) = b.box[0], b.box[1]
        width = math.hypot(x1 - x0, y1 - y0)
        height = math.hypot(b.box[3][0] - x0, b.box[3][1] - y0)
        if width > 2 * height:
            angles.append(math.atan2(y1 - y0, x1 - x0))
    if not angles:
        return 0.0
    angle = statistics.median(angles)
    return angle if abs(angle) < math.radians(30) else 0.0


def place(boxes: Sequence[Box]) -> list[Placed]:
    angle = skew_angle(boxes)
    cos, sin = math.cos(angle), math.sin(angle)
    placed = []
    for b in boxes:
        xs = [cos * x + sin * y for x, y in b.box]
        ys = [-sin * x + cos * y for x, y in b.box]
        height = ((ys[3] - ys[0]) + (ys[2] - ys[1])) / 2
        placed.append(Placed(b.text, min(xs), max(xs), sum(ys) / 4, max(abs(height), 1.0)))
    return placed


def rows(boxes: Sequence[Box]) -> list[list[Placed]]:
    """Boxes grouped into rows, top to bottom, each row left to right."""
    result: list[list[Placed]] = []
    for p in sorted(place(boxes), key=lambda p: p.y):
        if result:
            row = result[-1]
            centre = sum(q.y for q in row) / len(row)
            if abs(p.y - centre) < 0.5 * max(p.height, max(q.height for q in row)):
                row.append(p)
                continue
        result.append([p])
    return [sorted(row, key=lambda p: p.x0) for row in result]


def row_texts(boxes: Sequence[Box]) -> list[str]:
    """The printed lines: each row's boxes joined with a space."""
    return [" ".join(p.text for p in row) for row in rows(boxes)]


def column_texts(boxes: Sequence[Box], right_labels: Sequence[str]) -> list[str]:
    """Lines read column by column when labels of a right-hand column start right of the page's middle.

    A two-column licence printed row by row interleaves its columns (经营范围 beside 住所); read left column
    first, then right, every field's text stays together.
    """
    grouped = rows(boxes)
    placed = [p for row in grouped for p in row]
    if not placed:
        return []
    left, right = min(p.x0 for p in placed), max(p.x1 for p in placed)
    starts = [p.x0 for p in placed if _starts_with_label(p.text, right_labels)]
    split = min(starts, default=right)
    if split - left < 0.35 * (right - left):
        return [" ".join(p.text for p in row) for row in grouped]
    margin = 0.01 * (right - left)
    first = [" ".join(p.text for p in row if p.x0 < split - margin) for row in grouped]
    second = [" ".join(p.text for p in row if p.x0 >= split - margin) for row in grouped]
    return [t for t in first + second if t]


def _starts_with_label(text: str, labels: Sequence[str]) -> bool:
    compact = "".join(text.split())
    return any(compact.startswith(label) for label in labels)
