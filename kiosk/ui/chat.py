"""Chat bubbles: the visitor's words on the right, 西小服's streamed answer with its source cards on the left."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from kiosk.events import Citation
from kiosk.ui.qr import TakeAway
from kiosk.ui.session import mask_text
from kiosk.ui.takeaway import takeaway_text
from kiosk.ui.widgets import SAMPLE_WORD, IconButton, IconLabel, label, without_sample_word


def rich(text: str, brand: str) -> str:
    """Escape answer text and set citation markers [n] apart in the brand colour."""
    out = html.escape(mask_text(text))
    for n in range(1, 10):
        out = out.replace(f"[{n}]", f'<sup style="color:{brand}; font-weight:700">[{n}]</sup>')
    return out.replace("\n", "<br>")


class VisitorBubble(QWidget):
    def __init__(self, text: str, draft: bool = False):
        super().__init__()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addStretch(1)
        self.frame = QFrame()
        self.frame.setProperty("role", "visitor")
        self.label = label("")
        self.label.setProperty("role", "visitor-text")
        box = QVBoxLayout(self.frame)
        box.setContentsMargins(28, 18, 28, 18)
        box.addWidget(self.label)
        self.frame.setMaximumWidth(900)
        row.addWidget(self.frame)
        self.set_text(text, draft)

    def set_text(self, text: str, draft: bool = False) -> None:
        self.text = text
        self.label.setText(mask_text(text) + (" …" if draft else ""))
        self.frame.setProperty("draft", "true" if draft else "false")
        self.frame.style().polish(self.frame)


class KioskBubble(QWidget):
    """One answer: text that grows sentence by sentence, then the cards of the passages it cites."""

    def __init__(self, open_source: Callable[[Citation], None], brand: str = "#12877F"):
        super().__init__()
        self._open_source, self._brand = open_source, brand
        self._text = ""
        self.citations: tuple[Citation, ...] = ()
        self.takeaway: TakeAway | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.frame = QFrame()
        self.frame.setProperty("role", "card")
        self.frame.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.box = QVBoxLayout(self.frame)
        self.box.setContentsMargins(30, 22, 30, 22)
        self.box.setSpacing(14)
        self.label = label("")
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.box.addWidget(self.label)
        self.sources = QVBoxLayout()
        self.sources.setSpacing(10)
        self.box.addLayout(self.sources)
        row.addWidget(self.frame, 6)
        row.addStretch(1)

    @property
    def text(self) -> str:
        return self._text

    def set_placeholder(self, text: str) -> None:
        self.label.setText(f'<span style="color:#7A8A88">{html.escape(text)}</span>')

    def append(self, sentence: str) -> None:
        self._text += sentence
        self.label.setText(rich(self._text, self._brand))

    def note(self, text: str) -> None:
        self.sources.addWidget(label(text, "muted"))

    def add_citations(self, citations: tuple[Citation, ...]) -> None:
        if not citations:
            return
        self.citations = citations
        head = QHBoxLayout()
        head.addWidget(IconLabel("doc", 28))
        head.addWidget(label("依据来源（点一下查看原文）", "muted"), 1)
        self.sources.addLayout(head)
        for c in citations:
            name = without_sample_word(c.title) if c.sample else c.title
            # the mark before the title, where eliding a narrow card's line can never cut it off
            title = f"[{c.n}] " + (f"{SAMPLE_WORD} · " if c.sample else "") + f"《{name}》"
            title += f" {c.article}" if c.article else ""
            if c.doc_number:
                title += f" · {c.doc_number}"
            self.sources.addWidget(SourceButton(title, lambda c=c: self._open_source(c)))


    def offer_takeaway(self, question: str) -> TakeAway:
        """"扫码带走" at the foot of the answer: its text and sources in a code for the visitor's phone."""
        self.takeaway = TakeAway(takeaway_text(question, self._text, self.citations), bool(self.citations))
        self.box.addWidget(self.takeaway)
        return self.takeaway


class SourceButton(IconButton):
    """A source card: one line that elides to the bubble's width instead of widening it."""

    def __init__(self, title: str, on_click):
        super().__init__(title, None, "source", on_click)
        self.full = title
        self.setToolTip(title)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        room = max(40, self.width() - 40)
        self.setText(self.fontMetrics().elidedText(self.full, Qt.TextElideMode.ElideRight, room))


HIGHLIGHT = "#FFE8A3"  # behind dark text: the sentences the answer states, found at a glance in the passage


def source_html(c: Citation) -> tuple[str, str]:
    """Title and body for the overlay that shows a cited passage in full, the answer's sentences highlighted."""
    meta = " · ".join(x for x in (c.doc_number, c.article) if x)
    body = f'<p style="color:#56676A">{html.escape(meta)}</p>' if meta else ""
    body += "".join(f"<p>{_highlighted(p, c.quoted)}</p>" for p in c.text.split("\n") if p.strip())
    if c.sample:
        body += f'<p style="color:#7A4300">说明：这是{SAMPLE_WORD}政策，用于演示，不是正式文件。</p>'
    return f"《{c.title}》", body


def _highlighted(paragraph: str, quoted: tuple[str, ...]) -> str:
    out = html.escape(paragraph)
    for sentence in quoted:
        for piece in (x.strip() for x in sentence.split("\n")):
            if piece and (escaped := html.escape(piece)) in out:
                out = out.replace(escaped, f'<span style="background:{HIGHLIGHT}">{escaped}</span>', 1)
    return out
