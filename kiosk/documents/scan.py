"""Scanning a document photo: image → OCR → business licence, ID card, or plain text.

``scan_image`` is what the CLI and the kiosk's camera screen call; ``read_document`` does the understanding part
on text lines alone. The OCR engine is handed in (the kiosk's own, a benchmark's, or a test's stand-in); this
package only knows the shape of its readings (`kiosk.documents.reading`). Nothing is written anywhere: the image
lives only for the duration of the call.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.documents import layout
from kiosk.documents.id_card import looks_like_id_card, mask_numbers, read_id_card
from kiosk.documents.image import ScanError, prepare_image
from kiosk.documents.licence import RIGHT_COLUMN_LABELS, looks_like_licence, read_licence
from kiosk.documents.reading import OcrEngine, OcrLine
from kiosk.documents.untrusted import suspicious_lines

__all__ = ["ScanError", "ScanResult", "read_document", "scan_image"]

NO_TEXT = "没有识别到文字。请把证件放平、对准镜头、避开反光后重试。"


@dataclass
class ScanResult:
    kind: str  # business_licence | id_card | other
    fields: dict[str, Any]
    credit_code_valid: bool
    text: list[str]  # OCR lines in reading order (ID numbers masked)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    engine: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "fields": self.fields,
            "credit_code_valid": self.credit_code_valid,
            "text": self.text,
            "warnings": self.warnings,
            "engine": self.engine,
            "seconds": round(self.seconds, 3),
        }


def read_document(lines: list[str], licence_lines: list[str] | None = None) -> ScanResult:
    """Classify text lines and extract fields; ``licence_lines`` is the column-ordered text when known."""
    suspicious = suspicious_lines(lines)
    if looks_like_id_card(lines):
        card = read_id_card(lines)
        result = ScanResult("id_card", card.fields, False, card.text, card.warnings)
    elif looks_like_licence(lines):
        licence = read_licence(licence_lines or lines)
        result = ScanResult("business_licence", licence.fields, licence.credit_code_valid, list(lines),
                            licence.warnings)
    else:
        result = ScanResult("other", {}, False, [mask_numbers(line) for line in lines])
    if suspicious:
        flagged = [key for key, value in result.fields.items()
                   if isinstance(value, str) and any(_overlaps(value, line) for line in suspicious)]
        result.fields["suspicious_text"] = suspicious
        result.fields["untrusted_fields"] = flagged
        result.warnings.append("证件上印有类似“指令”的文字，已仅作为普通文字记录，不会被执行，请工作人员留意。")
    if not lines:
        result.warnings.append(NO_TEXT)
    return result


def scan_image(source: str | Path | bytes, ocr: OcrEngine, budget_s: float | None = None) -> ScanResult:
    """Scan a photo or image file. Raises ScanError (with a message for the visitor) for files that are no image."""
    start = time.perf_counter()
    prepared = prepare_image(source)
    if prepared.blank:
        result = read_document([])
        result.warnings = ["图片几乎是一片空白或全黑，没有可识别的内容。请对准证件重新拍照。"]
        result.seconds = time.perf_counter() - start
        return result
    reading = ocr.read(prepared.pixels, budget_s)
    lines = reading.lines
    text = layout.row_texts(lines)
    result = read_document(text, licence_lines=_licence_order(lines))
    result.seconds = time.perf_counter() - start
    result.engine = reading.engine
    return result


def _licence_order(lines: list[OcrLine]) -> list[str]:
    return layout.column_texts(lines, RIGHT_COLUMN_LABELS)


def _overlaps(value: str, line: str) -> bool:
    line, value = "".join(line.split()), "".join(value.split())
    return bool(line) and (line in value or (len(value) >= 4 and value in line))

