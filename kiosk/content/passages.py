"""A document's passages as an editor sees and fixes them: cut, merge, split, retitle.

An imported document is written with its cut explicit (``<!-- 段落: 第三条 | 第二章 -->`` before each passage),
so what the editor sees is exactly what the store cites, and an edit survives every rebuild.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from kiosk.content.errors import ContentError
from kiosk.content.metadata import DOC_NUMBER_RE
from kiosk.store.chunking import MARK_RE, split_passages


@dataclass
class Cut:
    """One passage: its article label (第三条, 问2, or empty), its heading (chapter/section) and its text."""

    article: str
    heading: str
    text: str


def cut_lines(lines: list[str], *own: str) -> list[Cut]:
    """The passages the store's own rules cut from these lines; lines that only repeat the document's title or
    文号 (kept in its front matter) are not passages."""
    skip = {o.strip() for o in own if o.strip()}
    body = [line for line in lines if line.lstrip("# ").strip() not in skip and not DOC_NUMBER_RE.fullmatch(line.strip())]
    return [Cut(c.article, c.heading, c.text) for c in split_passages(body) if c.text.lstrip("# ").strip() not in skip]


def render(meta: dict, cuts: list[Cut]) -> str:
    head = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False).strip()
    parts = [f"---\n{head}\n---", f"# {meta.get('title', '')}"]
    for cut in cuts:
        label = cut.article.replace("|", "｜").replace("-->", "")
        heading = cut.heading.replace("|", "｜").replace("-->", "")
        parts.append(f"<!-- 段落: {label} | {heading} -->\n{_safe_text(cut.text)}")
    return "\n\n".join(parts) + "\n"


def _safe_text(text: str) -> str:
    """Passage text never forms a marker or closes the front matter by accident."""
    return "\n".join(("\u200b" + line) if MARK_RE.match(line.strip()) or line.strip() == "---" else line
                     for line in text.splitlines())


def write_document(path: Path, meta: dict, cuts: list[Cut]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(render(meta, cuts), encoding="utf-8")
    os.replace(tmp, path)


def read_document(path: Path) -> tuple[dict, list[Cut]]:
    text = path.read_text(encoding="utf-8")
    m = re.match(r"^---\n(.*?)\n---\n", text, re.S)
    if not m:
        raise ContentError("文件头已损坏，请用“回滚”恢复到上一个版本。")
    meta = yaml.safe_load(m.group(1)) or {}
    meta = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in meta.items()}
    body = text[m.end():].splitlines()
    return meta, [Cut(c.article, c.heading, c.text) for c in split_passages(body)]


# editor operations: pure functions on the list of passages ---------------------------------------------------
def _check(cuts: list[Cut], *indexes: int) -> None:
    for i in indexes:
        if not 0 <= i < len(cuts):
            raise ContentError(f"没有第 {i + 1} 段：这份文件共有 {len(cuts)} 段。")


def merge(cuts: list[Cut], index: int) -> list[Cut]:
    """Passage ``index`` and the one after it become one (an article and its continuation, a split table)."""
    _check(cuts, index, index + 1)
    first, second = cuts[index], cuts[index + 1]
    joined = Cut(first.article or second.article, first.heading or second.heading, f"{first.text}\n{second.text}")
    return [*cuts[:index], joined, *cuts[index + 2:]]


def split(cuts: list[Cut], index: int, at: str, article: str = "") -> list[Cut]:
    """Passage ``index`` is cut before the text ``at`` (which must occur in it, not at its very start)."""
    _check(cuts, index)
    cut = cuts[index]
    position = cut.text.find(at) if at else -1
    if position <= 0:
        raise ContentError(f"第 {index + 1} 段中找不到“{at}”，或它就在段首，无法从这里拆分。")
    head, tail = cut.text[:position].rstrip(), cut.text[position:].lstrip()
    return [*cuts[:index], Cut(cut.article, cut.heading, head), Cut(article, cut.heading, tail), *cuts[index + 1:]]


def retitle(cuts: list[Cut], index: int, heading: str | None = None, article: str | None = None) -> list[Cut]:
    """Give passage ``index`` a new heading and/or article label (what the source card shows)."""
    _check(cuts, index)
    cut = cuts[index]
    new = Cut(cut.article if article is None else article.strip(), cut.heading if heading is None else heading.strip(),
              cut.text)
    return [*cuts[:index], new, *cuts[index + 1:]]


def edit_text(cuts: list[Cut], index: int, text: str) -> list[Cut]:
    """Correct a passage's words (a recognition slip, a wrapped line)."""
    _check(cuts, index)
    if not text.strip():
        raise ContentError("段落文字不能为空；要去掉这一段，请与相邻段合并或删除。")
    cut = cuts[index]
    return [*cuts[:index], Cut(cut.article, cut.heading, text.strip()), *cuts[index + 1:]]


def split_points(text: str, width: int = 14) -> list[str]:
    """Where a passage can be split: the opening words of each sentence or line after the first, each long enough
    that ``split`` finds it at that place and not earlier. The words stop at a line's end, because a browser sends
    a line break in a form field back as two characters."""
    points = []
    for m in re.finditer(r"[。；！？\n]\s*", text):
        start = m.end()
        rest = text[start:].split("\n", 1)[0]
        sizes = [*range(min(width, len(rest)), len(rest), 6), len(rest)]
        words = next((rest[:n] for n in sizes if rest[:n].strip() and text.find(rest[:n]) == start), "")
        if words:
            points.append(words)
    return points
