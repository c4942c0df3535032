"""Questions asked in several parts ("最高能贷多少？贴息比例是多少？"): each part answered on its own, then one
answer with one list of citations."""

from __future__ import annotations

import re
from dataclasses import replace

from kiosk.events import Citation
from kiosk.knowledge.answer import MAX_CITATIONS, Answer

_PART_RE = re.compile(r"[^？?]+(?:[？?]|$)")
_MARK_RE = re.compile(r"\[(\d+)\]")
MAX_PARTS = 3
_DIGITS = "零一二三四五六七八九"  # enough to count MAX_PARTS parts
MIN_PART_CHARS = 4  # "多少？" alone is not a question of its own


def split_parts(question: str) -> list[str]:
    """The question's parts, each ending with its question mark; one part when it has one."""
    parts = [p.strip() for p in _PART_RE.findall(question)]
    parts = [p for p in parts if len(re.sub(r"[\W_]", "", p)) >= MIN_PART_CHARS]
    return parts[:MAX_PARTS] if len(parts) > 1 else [question]


def combine(question: str, answers: list[Answer]) -> Answer:
    """One answer from the parts' answers: their sentences in order, citations renumbered across them."""
    citations: list[Citation] = []
    keys: dict[tuple[str, str, str], int] = {}
    sentences: list[str] = []
    for answer in answers:
        renumber: dict[int, int] = {}
        for c in answer.citations:
            key = (c.source, c.article, c.text)
            if key not in keys and len(citations) < MAX_CITATIONS * len(answers):
                keys[key] = len(citations) + 1
                citations.append(replace(c, n=keys[key]))
            if key in keys:
                renumber[c.n] = keys[key]
        sentences += [_MARK_RE.sub(lambda m, r=renumber: f"[{r.get(int(m.group(1)), m.group(1))}]", s)
                      for s in answer.sentences]
    first = answers[0]
    return Answer(question, "".join(sentences), False, min(a.confidence for a in answers), first.engine,
                  citations, sentences, first.lead, first.department, first.suggestions, first.hits)


def which_part(question: str, parts: list[str], answers: list[Answer], whole: Answer) -> Answer:
    """When only some parts can be answered and the whole cannot, answering those parts alone could mislead (the
    other part may carry the year or place they depend on): ask which one is meant, each part a tap away."""
    # counted in words: every digit an answer states is one its sources state, and these are the kiosk's own
    listed = "；".join(f"{_DIGITS[n]}是{p.rstrip('？?')}" for n, p in enumerate(parts, 1))
    count = "两" if len(parts) == 2 else _DIGITS[len(parts)]
    text = f"您一次问了{count}件事：{listed}。您想先了解哪一件？请点一下，或者把那一件说得完整一些。"
    return replace(whole, question=question, text=text, sentences=[text], citations=[],
                   suggestions=[p for p, a in zip(parts, answers, strict=True) if not a.refused] or parts)
