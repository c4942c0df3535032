"""PDF: the text layer page by page; pages without one are read by the OCR reader passed in, if any."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.content.errors import ContentError
from kiosk.content.extracted import Extracted, reflow

# Reads a page image (an RGB array) into text lines, or None when no recogniser is installed; the caller
# supplies it from the OCR engine, so this module never loads a model.
PageOcr = Callable[[Any], list[str] | None]

MIN_PAGE_CHARS = 20  # fewer characters than this in a page's text layer: the page is a scan
OCR_SCALE = 2.0  # 144 dpi: small print stays legible to the recogniser
PASSWORD_ERROR = 4  # PDFium's FPDF_ERR_PASSWORD


def read_pdf(path: Path, name: str, ocr: PageOcr | None = None) -> Extracted:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == PASSWORD_ERROR:
            raise ContentError(f"“{name}”是加密的 PDF，需要密码才能打开，没有导入。"
                               "请向发文单位索取未加密的文件，或打开后另存为不加密的 PDF 再导入。") from None
        raise ContentError(f"“{name}”不是完整的 PDF 文件（可能已损坏或没有下载完），没有导入。") from None
    try:
        pages, scanned, recognised = [], [], 0
        readable = ocr
        for number, page in enumerate(pdf, 1):
            text = page.get_textpage().get_text_range()
            lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
            if len("".join(text.split())) < MIN_PAGE_CHARS:
                scanned.append(number)
                if readable is not None:
                    read = readable(page.render(scale=OCR_SCALE).to_numpy())
                    if read is None:
                        readable = None
                    else:
                        lines, recognised = read, recognised + 1
            pages.append(lines)
        hints = {"title": (pdf.get_metadata_dict().get("Title") or "").strip()}
    finally:
        pdf.close()
    notes = []
    if scanned and not recognised:
        if len(scanned) == len(pages):
            raise ContentError(f"“{name}”是扫描件，没有文字层，本机的文字识别也不可用，没有导入。"
                               "请先安装文字识别模型（kiosk models install），或向发文单位索取可复制文字的 PDF。")
        notes.append(f"第{_pages(scanned)}页是扫描图片，没有文字层，这几页未能读取，请核对。")
    elif recognised:
        notes.append(f"第{_pages(scanned)}页是扫描图片，已用文字识别读取，请核对识别结果。")
    return Extracted(reflow(pages), "pdf", {k: v for k, v in hints.items() if v}, notes)


def _pages(numbers: list[int]) -> str:
    return "、".join(map(str, numbers[:10])) + ("等" if len(numbers) > 10 else "")
