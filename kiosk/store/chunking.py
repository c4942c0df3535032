"""Splitting a document body into citable passages: by article, by numbered question, or by paragraph."""

from __future__ import annotations

import re
from dataclasses import dataclass

CN_NUM = "零〇一二三四五六七八九十百千"
ARTICLE_RE = re.compile(rf"^(第[{CN_NUM}\d]+条)(?:之[{CN_NUM}]+)?[\s　]*")
CHAPTER_RE = re.compile(rf"^#*\s*(第[{CN_NUM}\d]+[章节编](?:\s.*)?)$")
QUESTION_RE = re.compile(r"^(\d{1,3})[.、．]\s*(\S.{1,80}[？?])\s*$")
ANSWER_RE = re.compile(r"^答[：:]")
SECTION_RE = re.compile(rf"^[{CN_NUM}]+、\S.{{0,30}}$")
# Left-overs of web pages converted to text: breadcrumbs, font-size buttons, share bars.
NOISE_RE = re.compile(r"(\s>\s|^(?:发表时间|发布时间|信息来源|来源|浏览量|浏览次数|阅读量|责任编辑)[：:]|^\d{4}-\d{2}-\d{2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$|^A[+-]|^【?打印|^关闭|^分享|^字号|^浏览次数|^点击可返回|^扫一扫|\.(?:docx?|pdf|xlsx?|wps|zip|rar)$)")
PARAGRAPH_CHUNK = 320
# An editor's explicit cut: `<!-- 段落: 第三条 | 第二章 支持措施 -->` opens a passage that runs to the next marker.
MARK_RE = re.compile(r"^<!--\s*段落[:：]?\s*(?P<article>[^|]*?)\s*(?:\|\s*(?P<heading>.*?))?\s*-->$")


@dataclass
class Chunk:
    article: str
    heading: str
    text: str
    line: int


def split_passages(lines: list[str], first_line: int = 1) -> list[Chunk]:
    """Cut ``lines`` into passages; ``first_line`` is the file line number of ``lines[0]`` (for error messages).
    A body with explicit passage markers is cut exactly there."""
    if any(MARK_RE.match(line.strip()) for line in lines):
        return split_marked(lines, first_line)
    chunks: list[Chunk] = []
    chapter = section = ""
    current: Chunk | None = None
    in_article = False

    def flush() -> None:
        nonlocal current
        if current and current.text.strip():
            current.text = current.text.strip()
            chunks.append(current)
        current = None

    for offset, raw in enumerate(lines):
        line = raw.strip().lstrip("\ufeff")
        number = first_line + offset
        if not line:
            if current and not in_article and len(current.text) >= PARAGRAPH_CHUNK:
                flush()
            continue
        if NOISE_RE.search(line) or len(line) <= 2:
            continue
        if m := CHAPTER_RE.match(line):
            flush()
            chapter, section, in_article = m.group(1).strip(), "", False
            continue
        if line.startswith("#"):
            flush()
            section, in_article = line.lstrip("# ").strip(), False
            continue
        heading = " ".join(h for h in (chapter, section) if h)
        if m := ARTICLE_RE.match(line):
            flush()
            in_article = True
            current = Chunk(m.group(1), heading, line, number)
            continue
        if (m := QUESTION_RE.match(line)) and not in_article:
            flush()
            current = Chunk(f"问{m.group(1)}", heading, m.group(2), number)
            continue
        if current and current.article.startswith("问") and ANSWER_RE.match(line):
            current.text += "\n" + line
            continue
        if SECTION_RE.match(line) and not in_article:
            flush()
            section = line
            continue
        if current is None:
            current = Chunk("", heading, line, number)
        else:
            current.text += "\n" + line
            if not current.article and len(current.text) >= PARAGRAPH_CHUNK * 2:
                flush()
    flush()
    return chunks


def split_marked(lines: list[str], first_line: int = 1) -> list[Chunk]:
    """Passages as an editor cut them: each marker opens one, its text kept line for line."""
    chunks: list[Chunk] = []
    for offset, raw in enumerate(lines):
        line = raw.strip()
        if m := MARK_RE.match(line):
            chunks.append(Chunk(m.group("article").strip(), (m.group("heading") or "").strip(), "", first_line + offset))
        elif line and chunks:
            chunks[-1].text = f"{chunks[-1].text}\n{line}" if chunks[-1].text else line
    return [c for c in chunks if c.text]
