"""Word (.docx): paragraphs and tables in document order; files that can carry macros are refused."""

from __future__ import annotations

import zipfile
from pathlib import Path

from kiosk.content.errors import ContentError
from kiosk.content.extracted import Extracted, table_rows

MACRO_PARTS = ("vbaProject.bin", "vbaData.xml")
MACRO = ("“{name}”是带宏的 Word 文件，宏可能含有程序代码，为安全起见没有导入。"
         "请在 Word 中“另存为”普通的 .docx 文档（不含宏）后再导入。")


def read_docx(path: Path, name: str) -> Extracted:
    if path.suffix.lower() in (".docm", ".dotm"):
        raise ContentError(MACRO.format(name=name))
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.namelist()
            types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, OSError):
        raise ContentError(f"“{name}”不是完整的 Word（.docx）文件，可能已损坏，没有导入。") from None
    if any(p.rsplit("/", 1)[-1] in MACRO_PARTS for p in parts) or "macroEnabled" in types:
        raise ContentError(MACRO.format(name=name))
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            text = paragraph.text.strip()
            if text:
                style = (paragraph.style.name if paragraph.style is not None else "").lower()
                lines.append(f"## {text}" if style.startswith(("heading", "标题")) and len(text) < 40 else text)
        elif tag == "tbl":
            table = Table(child, document)
            lines.extend(table_rows([[cell.text for cell in row.cells] for row in table.rows]))
    props = document.core_properties
    title = (props.title or "").strip()
    return Extracted(lines, "docx", {"title": title} if title else {})
