"""Cutting text into clauses to synthesise one at a time, each with the pause that follows it.

Voices speak clause by clause so the first clause can play while the next is synthesised; the visitor waits only
for the first one, so a long first clause is cut at a word boundary.
"""

from __future__ import annotations

import logging
import re

MAX_CLAUSE_CHARS = 40  # the acoustic model's attention-free length regulator copes, but latency grows with length
FIRST_CLAUSE_CHARS = 10  # about two seconds of speech, synthesised in well under 300 ms
_PAUSES = {"，": 0.12, "、": 0.1, "：": 0.15, "；": 0.25, "。": 0.3, "！": 0.3, "？": 0.3, "\n": 0.3}
_CLAUSE = re.compile(r"[^，、：；。！？,;:!?\n]+[，、：；。！？,;:!?\n]*")
_TO_FULLWIDTH = str.maketrans({",": "，", ";": "；", ":": "：", "!": "！", "?": "？", ".": "。"})


def split_clauses(text: str, max_chars: int = MAX_CLAUSE_CHARS) -> list[tuple[str, float]]:
    """Clauses with the pause that follows each; over-long clauses are cut so none runs on unbroken."""
    out: list[tuple[str, float]] = []
    for m in _CLAUSE.finditer(text.translate(_TO_FULLWIDTH)):
        piece = m.group(0)
        body = piece.rstrip("，、：；。！？\n")
        pause = _PAUSES.get(piece[len(body):][:1], 0.12)
        while len(body) > max_chars:
            out.append((body[:max_chars], 0.05))
            body = body[max_chars:]
        if body.strip():
            out.append((body, pause))
    return out


def split_opening(clauses: list[tuple[str, float]], max_chars: int = FIRST_CLAUSE_CHARS) -> list[tuple[str, float]]:
    """Cut a long first clause at a word boundary, so the first audio is ready sooner.

    Synthesis time grows with clause length and the visitor waits only for the first clause; the rest is
    synthesised while it plays.
    """
    if not clauses or len(clauses[0][0]) <= max_chars:
        return clauses
    import jieba

    jieba.setLogLevel(logging.WARNING)
    first, pause = clauses[0]
    bounds, pos = [], 0
    for word in jieba.cut(first):
        pos += len(word)
        bounds.append(pos)
    fits = [b for b in bounds if 4 <= b <= max_chars and len(first) - b >= 3]
    if not fits:
        return clauses
    cut = min(fits, key=lambda b: abs(b - max_chars * 2 // 3))
    return [(first[:cut], 0.04), (first[cut:], pause), *clauses[1:]]
