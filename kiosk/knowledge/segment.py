"""Chinese word segmentation shared by the index and the queries, so both cut text the same way."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from functools import cache
from importlib import resources

import jieba

_lock = threading.Lock()
_TOKEN_RE = re.compile(r"[\w\u4e00-\u9fff]+")


@cache
def stopwords() -> frozenset[str]:
    """Words that carry no topic: question words, pronouns, particles and filler (kiosk/knowledge/stopwords.txt)."""
    text = resources.files("kiosk.knowledge").joinpath("stopwords.txt").read_text(encoding="utf-8")
    return frozenset(w for line in text.splitlines() if not line.startswith("#") for w in line.split())


@cache
def _init() -> None:
    jieba.setLogLevel(logging.WARNING)
    with _lock:
        jieba.initialize()
        words = resources.files("kiosk.knowledge").joinpath("domain_words.txt").read_text(encoding="utf-8")
        for word in words.split():
            jieba.add_word(word, freq=20000)


def add_vocabulary(words: Iterable[str]) -> None:
    """Teach the segmenter domain terms (policy names, departments, streets) so they stay whole."""
    _init()
    with _lock:
        for word in words:
            word = word.strip()
            if 2 <= len(word) <= 12 and _TOKEN_RE.fullmatch(word):
                jieba.add_word(word, freq=20000)


def tokens(text: str) -> list[str]:
    """Search tokens: whole words plus their sub-words, lower-cased, punctuation dropped."""
    _init()
    out = []
    for piece in jieba.cut_for_search(text):
        piece = piece.strip().lower()
        if piece and _TOKEN_RE.fullmatch(piece):
            out.append(piece)
    return out


def content_terms(text: str) -> list[str]:
    """The distinct topic-bearing search tokens of a query (with sub-words), in order of appearance."""
    return _topical(tokens(text))


def key_terms(text: str) -> list[str]:
    """The distinct topic-bearing words of a question, each once (no sub-words): what an answer must cover."""
    _init()
    return _topical(w.strip().lower() for w in jieba.cut(text) if _TOKEN_RE.fullmatch(w.strip()))


def _topical(words: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for word in words:
        # single characters other than numbers are too ambiguous to count as a topic
        if word and word not in stopwords() and (len(word) > 1 or word.isdigit()):
            seen.setdefault(word, None)
    return list(seen)


def index_text(text: str) -> str:
    """The text as the full-text index stores it: tokens separated by spaces."""
    return " ".join(tokens(text))
