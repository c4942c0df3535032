"""Text recognition on images: PP-OCR detection, orientation and recognition models.

The default backend runs the PP-OCRv4 ONNX models that ship inside ``rapidocr-onnxruntime`` on onnxruntime, fully
offline. PaddleOCR is an optional backend, used only when it is installed *and* its model folders are present
under ``<models>/paddleocr/`` (it cannot download models here). Both are built once and reused: loading takes
about a second; reading a licence-sized photo takes about 1.5 s on two idle cores.

``read()`` takes an RGB array and returns one ``OcrLine`` per detected text box, with its box in the coordinates of
the page as read (turned upright when it was sideways or upside down), so that callers can rebuild rows and columns.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np

from kiosk.config import models_dir
from kiosk.documents.reading import OcrEngine, OcrLine, OcrReading, Point
from kiosk.errors import FriendlyError

log = logging.getLogger(__name__)

__all__ = ["OcrEngine", "OcrLine", "OcrReading", "OcrUnavailable", "PaddleOcrEngine", "Point", "RapidOcrEngine",
           "load_engine"]


class OcrUnavailable(FriendlyError, RuntimeError):
    """No OCR backend can be loaded; ``friendly`` says what the deployer should do."""


# Below this recognition confidence a line is noise (the PP-OCR default drop threshold).
MIN_SCORE = 0.5
# A crop the classifier calls upside down, or read with less confidence than this, is also read turned round.
RECHECK_SCORE = 0.85
# After this many seconds the optional pass (re-reading doubtful lines turned round) is skipped.
DEFAULT_BUDGET_S = 4.0
# Long side of the image the detector sees: small images are enlarged to the first, large ones reduced to the
# second. Licence text stays about 20 px high at 1280, which PP-OCRv4 detects reliably; recognition still reads
# the crops at full resolution.
DETECT_SIDE = (960, 1280)


class RapidOcrEngine:
    """PP-OCRv4 det + cls + rec on onnxruntime, with the pipeline steps arranged for photos of documents."""

    name = "rapidocr-ppocrv4"

    def __init__(self, ocr) -> None:
        self._ocr = ocr
        # The pipeline keeps per-image state between its steps (the detector's resize), so scans take turns.
        self._lock = threading.Lock()

    @classmethod
    def load(cls) -> RapidOcrEngine:
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError as exc:
            raise OcrUnavailable("文字识别组件未安装：请安装 rapidocr-onnxruntime（pip install rapidocr-onnxruntime）。") from exc
        ocr = RapidOCR()
        # Detection input size is chosen per image in _detect; "max" makes the detector take it as given
        # (its own default enlarges every image to a 736 px short side: seconds for a long, thin label).
        ocr.text_det.limit_type = "max"
        return cls(ocr)

    def read(self, image: np.ndarray, budget_s: float | None = None) -> OcrReading:
        with self._lock:
            return self._read(image, budget_s)

    def _read(self, image: np.ndarray, budget_s: float | None) -> OcrReading:
        start = time.perf_counter()
        deadline = start + (budget_s or DEFAULT_BUDGET_S)
        original = np.ascontiguousarray(image[:, :, ::-1])
        notes: list[str] = []
        bgr, pad = _padded(original)
        boxes = self._detect(bgr)
        if boxes and _mostly_vertical(boxes):
            # Lines standing on end: the photo was taken sideways. Turn it and detect again (if it was turned
            # the other way, it is now upside down, which recognition handles).
            turned = np.ascontiguousarray(np.rot90(bgr, k=-1))
            turned_boxes = self._detect(turned)
            if len(turned_boxes) >= len(boxes) // 2 and not _mostly_vertical(turned_boxes):
                bgr, boxes = turned, turned_boxes
                notes.append("rotated_90")
        lines, page_turned = self._recognise(bgr, boxes, deadline)
        if page_turned:
            lines = _turn_round(lines, bgr.shape[1], bgr.shape[0])
            notes.append("rotated_180")
        lines = [_shifted(ln, -pad) for ln in lines]
        if _line_shaped(original):
            whole = self._read_whole(original)
            better = whole and whole.score > max(RECHECK_SCORE, _mean_score(lines)) and _one_row(lines)
            if whole and (not lines or better):
                lines = [whole]
        lines = [_tidied(ln) for ln in lines if ln.text.strip() and ln.score >= MIN_SCORE]
        if time.perf_counter() > deadline:
            notes.append("over_budget")  # the re-reading of doubtful lines was skipped
        return OcrReading(lines, time.perf_counter() - start, self.name, notes)

    def _detect(self, bgr: np.ndarray) -> list[np.ndarray]:
        """Text boxes in ``bgr`` coordinates, found on a copy scaled to DETECT_SIDE; crops come from full size."""
        h, w = bgr.shape[:2]
        scale = min(DETECT_SIDE[1] / max(h, w), max(1.0, DETECT_SIDE[0] / max(h, w)))
        small = bgr if scale == 1.0 else cv2.resize(bgr, (max(32, round(w * scale)), max(32, round(h * scale))),
                                                    interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
        boxes, _ = self._ocr.text_det(small)
        if boxes is None or len(boxes) == 0:
            return []
        boxes = [np.asarray(b, dtype=np.float32) * np.array([w / small.shape[1], h / small.shape[0]], np.float32)
                 for b in boxes]
        return list(self._ocr.sorted_boxes(np.asarray(boxes)))

    def _recognise(self, bgr: np.ndarray, boxes: list[np.ndarray], deadline: float) -> tuple[list[OcrLine], bool]:
        """Lines read from the boxes, and whether the page as a whole was upside down."""
        if not boxes:
            return [], False
        crops = self._ocr.get_crop_img_list(bgr, boxes)
        _, cls_res, _ = self._ocr.text_cls(crops)
        doubtful = ["180" in label and score > 0.5 for label, score in cls_res]
        widths = [crop.shape[1] for crop in crops]
        # Most of the text upside down: the page is, so every line is turned before reading.
        page_turned = sum(w for w, d in zip(widths, doubtful, strict=True) if d) > 0.5 * sum(widths)
        if page_turned:
            crops = [np.ascontiguousarray(np.rot90(c, 2)) for c in crops]
            doubtful = [not d for d in doubtful]
        # One call for all crops: the recogniser sorts them by width and batches alike ones, which matters
        # because a batch is padded to its widest line.
        reads, _ = self._ocr.text_rec(crops)
        results = [[text, float(score)] for text, score in reads]
        # The orientation classifier is wrong on coloured or stylised text often enough (red on black signs)
        # that its verdict is checked: lines it doubts, or that read poorly, are also read turned round and
        # the more confident reading kept. Optional: skipped once the time budget is spent.
        recheck = [i for i, r in enumerate(results) if doubtful[i] or r[1] < RECHECK_SCORE]
        if recheck and time.perf_counter() < deadline:
            turned = [np.ascontiguousarray(np.rot90(crops[i], 2)) for i in recheck]
            for i, (text, score) in zip(recheck, self._ocr.text_rec(turned)[0], strict=True):
                if float(score) > results[i][1]:
                    results[i] = [text, float(score)]
        lines = [OcrLine(text, score, _box(box)) for (text, score), box in zip(results, boxes, strict=True)]
        return lines, page_turned

    def _read_whole(self, bgr: np.ndarray) -> OcrLine | None:
        """Small single-line images (a word, a label) read as one line: detection fragments them."""
        h, w = bgr.shape[:2]
        box = ((0.0, 0.0), (float(w), 0.0), (float(w), float(h)), (0.0, float(h)))
        upright, turned = self._ocr.text_rec([bgr, np.ascontiguousarray(np.rot90(bgr, 2))])[0]
        text, score = max(upright, turned, key=lambda r: float(r[1]))
        return OcrLine(text, float(score), box) if text.strip() else None


class PaddleOcrEngine:
    """PaddleOCR 3.x with local model folders (``<models>/paddleocr/<model name>/``), when installed."""

    name = "paddleocr"

    def __init__(self, ocr) -> None:
        self._ocr = ocr

    @classmethod
    def load(cls, folder: Path | None = None) -> PaddleOcrEngine:
        folder = folder or models_dir() / "paddleocr"
        det = _model_folder(folder, "_det")
        rec = _model_folder(folder, "_rec")
        if det is None or rec is None:
            raise OcrUnavailable(f"PaddleOCR 模型目录不完整：请把检测(_det)和识别(_rec)模型文件夹放到 {folder}。")
        try:
            from paddleocr import PaddleOCR
        except ImportError as exc:
            raise OcrUnavailable("未安装 PaddleOCR；将使用内置的 ONNX 文字识别。") from exc
        orientation = _model_folder(folder, "textline_ori")
        kwargs = {
            "text_detection_model_name": det.name,
            "text_detection_model_dir": str(det),
            "text_recognition_model_name": rec.name,
            "text_recognition_model_dir": str(rec),
            "use_doc_orientation_classify": False,
            "use_doc_unwarping": False,
            "use_textline_orientation": orientation is not None,
        }
        if orientation is not None:
            kwargs |= {"textline_orientation_model_name": orientation.name, "textline_orientation_model_dir": str(orientation)}
        try:
            return cls(PaddleOCR(**kwargs))
        except Exception as exc:  # noqa: BLE001 - any failure of the optional backend means: use the default
            raise OcrUnavailable(f"PaddleOCR 无法载入 {folder} 中的模型：{exc}") from exc

    def read(self, image: np.ndarray, budget_s: float | None = None) -> OcrReading:
        start = time.perf_counter()
        lines: list[OcrLine] = []
        for page in self._ocr.predict(np.ascontiguousarray(image[:, :, ::-1])):
            for text, score, poly in zip(page["rec_texts"], page["rec_scores"], page["rec_polys"], strict=False):
                if text.strip() and float(score) >= MIN_SCORE:
                    lines.append(_tidied(OcrLine(text, float(score), _box(np.asarray(poly)))))
        return OcrReading(lines, time.perf_counter() - start, self.name)


# A lone Latin I/l/1 between two Chinese characters is the separator bar of signs and headings ("健身|本座"),
# which the recogniser reads as a letter.
_BAR_RE = re.compile(r"(?<=[\u3400-\u9fff])\s?[Il]\s?(?=[\u3400-\u9fff])")


def _tidied(line: OcrLine) -> OcrLine:
    text = _BAR_RE.sub("|", line.text)
    return line if text == line.text else replace(line, text=text)


def _box(points: np.ndarray) -> tuple[Point, Point, Point, Point]:
    p = [(float(x), float(y)) for x, y in np.asarray(points).reshape(-1, 2)[:4]]
    return (p[0], p[1], p[2], p[3])


def _size(box: np.ndarray) -> tuple[float, float]:
    pts = np.asarray(box, dtype=float).reshape(-1, 2)
    width = float(np.linalg.norm(pts[1] - pts[0]))
    height = float(np.linalg.norm(pts[3] - pts[0]))
    return width, height


def _mostly_vertical(boxes: Sequence[np.ndarray]) -> bool:
    """Most text (by count, at least three boxes) is in boxes much taller than wide."""
    sizes = [_size(b) for b in boxes]
    tall = sum(1 for w, h in sizes if h > 1.5 * w and h > 20)
    return len(sizes) >= 3 and tall > 0.6 * len(sizes)


def _turn_round(lines: Sequence[OcrLine], width: int, height: int) -> list[OcrLine]:
    """Boxes of a page read upside down, mapped into the page turned the right way up (so rows order right)."""
    out: list[OcrLine] = []
    for ln in lines:
        pts = [(width - x, height - y) for x, y in ln.box]
        # The top-left corner of the turned box is the old bottom-right.
        out.append(OcrLine(ln.text, ln.score, (pts[2], pts[3], pts[0], pts[1])))
    return out


def _padded(bgr: np.ndarray) -> tuple[np.ndarray, int]:
    """The image with a margin in its own border colour: text cut by the edge is otherwise missed or split."""
    h, w = bgr.shape[:2]
    pad = int(min(64, max(16, 0.25 * min(h, w))))
    edge = np.concatenate([bgr[0], bgr[-1], bgr[:, 0], bgr[:, -1]])
    colour = tuple(int(v) for v in np.median(edge, axis=0))
    return cv2.copyMakeBorder(bgr, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=colour), pad


def _shifted(line: OcrLine, offset: float) -> OcrLine:
    box = tuple((x + offset, y + offset) for x, y in line.box)
    return replace(line, box=box)


def _line_shaped(bgr: np.ndarray) -> bool:
    h, w = bgr.shape[:2]
    return h <= 160 and w >= 1.2 * h


def _one_row(lines: Sequence[OcrLine]) -> bool:
    """All boxes on one line of text (a whole-image reading could replace them without losing a line)."""
    centres = [sum(y for _, y in ln.box) / 4 for ln in lines]
    heights = [abs(ln.box[3][1] - ln.box[0][1]) for ln in lines]
    return not lines or max(centres) - min(centres) < 0.5 * max(heights)


def _mean_score(lines: Sequence[OcrLine]) -> float:
    weight = sum(len(ln.text) for ln in lines) or 1
    return sum(ln.score * len(ln.text) for ln in lines) / weight


def _model_folder(folder: Path, marker: str) -> Path | None:
    if not folder.is_dir():
        return None
    return next((p for p in sorted(folder.iterdir()) if p.is_dir() and marker in p.name), None)


def load_engine(backend: str = "auto") -> OcrEngine:
    """A new engine: 'paddle' (PaddleOCR with local models), 'rapidocr', or 'auto' (PaddleOCR if usable)."""
    if backend not in ("auto", "paddle", "rapidocr"):
        raise OcrUnavailable(f"未知的文字识别后端“{backend}”：可选 auto、paddle、rapidocr。")
    if backend in ("auto", "paddle"):
        try:
            return PaddleOcrEngine.load()
        except OcrUnavailable:
            if backend == "paddle":
                raise
            log.debug("PaddleOCR not usable here; using the ONNX models")
    return RapidOcrEngine.load()

