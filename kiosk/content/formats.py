"""Reading a file staff bring, whatever its format, into text lines; the size is checked before anything is read."""

from __future__ import annotations

from pathlib import Path

from kiosk.content.errors import EMPTY, MAX_BYTES, TOO_LARGE, UNKNOWN_FORMAT, ContentError
from kiosk.content.extracted import Extracted
from kiosk.content.pdftext import PageOcr, read_pdf
from kiosk.content.webpage import read_html
from kiosk.content.word import read_docx

SUFFIXES = {".pdf": "pdf", ".docx": "docx", ".docm": "docx", ".dotm": "docx", ".html": "html", ".htm": "html",
            ".shtml": "html", ".mht": "mht", ".txt": "text", ".md": "text", ".doc": "doc", ".wps": "doc"}


def read_file(path: Path, ocr: PageOcr | None = None, max_bytes: int = MAX_BYTES) -> Extracted:
    """The text of ``path``; ContentError with a plain message when it cannot or should not be imported."""
    name = path.name
    try:
        size = path.stat().st_size
    except OSError:
        raise ContentError(f"找不到文件“{name}”，请检查文件名。") from None
    if not path.is_file():
        raise ContentError(f"“{name}”不是文件，请给出要导入的文件。")
    if size > max_bytes:
        raise ContentError(TOO_LARGE.format(name=name, size=round(size / 2**20), limit=max_bytes // 2**20))
    kind = SUFFIXES.get(path.suffix.lower()) or _sniff(path)
    if kind == "doc":
        raise ContentError(f"“{name}”是旧版 Word 或 WPS 格式，无法直接读取。请另存为 .docx 或 PDF 后再导入。")
    if kind == "mht":
        raise ContentError(f"“{name}”是单文件网页（.mht），请在浏览器中另存为“网页，全部”（.html）后再导入。")
    if kind == "pdf":
        extracted = read_pdf(path, name, ocr)
    elif kind == "docx":
        extracted = read_docx(path, name)
    elif kind == "html":
        extracted = read_html(path.read_bytes(), name)
    elif kind == "text":
        extracted = Extracted(read_text(path.read_bytes(), name).splitlines(), "text")
    else:
        raise ContentError(UNKNOWN_FORMAT.format(name=name))
    extracted.lines = [line.strip() for line in extracted.lines if line.strip()]
    if not extracted.lines:
        raise ContentError(EMPTY.format(name=name))
    return extracted


def read_text(data: bytes, name: str) -> str:
    """Text in UTF-8 or the GB encodings Chinese Windows saves in; binary data is refused."""
    if b"\x00" in data[:4096]:
        raise ContentError(f"“{name}”不是文本文件（含有二进制数据），没有导入。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ContentError(f"“{name}”的文字编码无法识别，请另存为 UTF-8 编码的文本后再导入。")


def _sniff(path: Path) -> str:
    """The kind of a file whose name does not say, from its first bytes."""
    with path.open("rb") as f:
        head = f.read(512)
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK"):
        return "docx"
    if b"<html" in head.lower() or b"<!doctype html" in head.lower():
        return "html"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    return ""

