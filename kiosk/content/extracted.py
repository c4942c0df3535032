"""The text read from one file, in lines ready for cutting into passages."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

# A line that closes a sentence or a heading-like unit: the next line starts afresh.
_CLOSED = "。！？；：!?;:」』”）)"
# Lines that open a new unit even when the previous one did not close (articles, numbered items, headings).
_OPENS = re.compile(r"^(第[零〇一二三四五六七八九十百千\d]+[条章节编]|[一二三四五六七八九十]+、|（[一二三四五六七八九十\d]+）|\d{1,3}[.、．]|附件|#"
                    r"|[\u4e00-\u9fa5]{1,12}\s*[〔\[【(（﹝]\d{4})")
_LABEL_ONLY = re.compile(r"^第[零〇一二三四五六七八九十百千\d]+条$")
_PAGE_FURNITURE = re.compile(r"^(?:[-—－]\s*\d{1,3}\s*[-—－]|第\s*\d+\s*页(?:\s*[，,/]?\s*共\s*\d+\s*页)?|\d{1,3}\s*/\s*\d{1,3}|\d{1,3})$")


@dataclass
class Extracted:
    """Body lines of a document (tables as one readable row per line), with what the file itself says about it."""

    lines: list[str]
    format: str  # pdf | docx | html | text
    hints: dict[str, str] = field(default_factory=dict)  # title, published, issuer found in the file's own metadata
    notes: list[str] = field(default_factory=list)  # what staff should know about how it was read

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def reflow(pages: list[list[str]]) -> list[str]:
    """Lines of printed pages joined back into paragraphs.

    A printed line breaks where the page is full, not where the sentence ends; a line that does not close a
    sentence continues on the next unless that one opens an article or item. Page numbers and running headers
    (the same line on most pages) are dropped.
    """
    repeated = _running_lines(pages)
    out: list[str] = []
    joinable = False
    for page in pages:
        for raw in page:
            line = raw.strip().replace("\u3000", " ").strip()
            if not line or _PAGE_FURNITURE.match(line) or line in repeated:
                continue
            if joinable and out and not _OPENS.match(line):
                out[-1] += line
            elif out and _LABEL_ONLY.match(out[-1]):
                out[-1] += " " + line  # an article number printed alone on its line
            else:
                out.append(line)
            joinable = not line.endswith(tuple(_CLOSED)) and len(line) >= 15
    return out


def _running_lines(pages: list[list[str]]) -> set[str]:
    if len(pages) < 3:
        return set()
    seen = Counter(line.strip() for page in pages for line in {ln.strip() for ln in page} if line.strip())
    return {line for line, n in seen.items() if n >= max(3, len(pages) * 0.6) and len(line) < 40}


def table_rows(rows: list[list[str]]) -> list[str]:
    """A table as lines a visitor can read: each row names its columns (“项目：…；金额：…”)."""
    rows = [[" ".join(c.split()) for c in row] for row in rows if any(c.strip() for c in row)]
    if not rows:
        return []
    header, body = rows[0], rows[1:]
    if not body or len(set(header)) < len(header) or any(not h for h in header):
        return ["；".join(c for c in row if c) for row in rows]
    lines = []
    for row in body:
        cells = [f"{h}：{c}" for h, c in zip(header, row, strict=False) if c and c != h]
        if cells:
            lines.append("；".join(cells) + "。")
    return lines
