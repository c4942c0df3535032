"""An answer the visitor takes away on a phone: its text and its sources, written into a QR code itself.

No server is involved: a phone's camera (or WeChat's scanner) shows the text straight from the code. The text
is kept within what a code a phone reads easily from the screen holds (QR version ≤ 20 at error-correction M),
so a long answer is shortened, never its sources.
"""

from __future__ import annotations

from collections.abc import Iterable

from kiosk.events import Citation
from kiosk.ui.session import mask_text
from kiosk.ui.widgets import SAMPLE_WORD, without_sample_word

MAX_BYTES = 660  # UTF-8 bytes; version 20-M holds 666, about 220 Chinese characters
HEAD = "西小服 · 政策答复"
FOOT = "以上内容摘自政策原文，以正式文件为准。"
CUT = "…（全文请在一体机上查看）"


def citation_line(c: Citation) -> str:
    """One source as a visitor writes it down: number, title, article, 文号, and the sample mark."""
    title = without_sample_word(c.title) if c.sample else c.title
    line = " ".join(p for p in (f"[{c.n}]《{title}》", c.article, c.doc_number) if p)
    return line + (f"（{SAMPLE_WORD}）" if c.sample else "")


def takeaway_text(question: str, answer: str, citations: Iterable[Citation], max_bytes: int = MAX_BYTES) -> str:
    """The code's text: question, answer, sources. The answer is shortened to fit; sources that would not fit
    even so are left off from the last."""
    sources = [citation_line(c) for c in citations]
    question = mask_text(question.strip())
    if len(question) > 60:
        question = question[:60] + "…"
    answer = mask_text(answer.strip())

    def compose(body: str, cited: list[str]) -> str:
        lines = [HEAD]
        if question:
            lines.append(f"问：{question}")
        lines.append(f"答：{body}")
        if cited:
            lines += ["依据：", *cited]
        lines.append(FOOT)
        return "\n".join(lines)

    while sources and _size(compose(CUT, sources)) > max_bytes:
        sources.pop()
    text = compose(answer, sources)
    if _size(text) <= max_bytes:
        return text
    lo, hi = 0, len(answer)  # the longest start of the answer that fits with the cut mark
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _size(compose(answer[:mid] + CUT, sources)) <= max_bytes:
            lo = mid
        else:
            hi = mid - 1
    return compose(answer[:lo] + CUT, sources)


def _size(text: str) -> int:
    return len(text.encode("utf-8"))
