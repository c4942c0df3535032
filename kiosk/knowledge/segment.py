"""Chinese word segmentation shared by the index and the queries, so both cut text the same way."""

from __future__ import annotations

import logging
import math
import re
import threading
from collections.abc import Iterable
from functools import cache
from importlib import resources

import jieba

from kiosk.knowledge.numbers import arabic

_lock = threading.Lock()
# word rarity in general Chinese, log(total / count): everyday words ("这种" 7.3, "朋友" 8.8) sit below the first,
# subject words ("公积金" 11.6, "滞纳金" 15.5) above the second
EVERYDAY_RARITY = 8.0
SUBJECT_RARITY = 12.0
_TOKEN_RE = re.compile(r"[\w\u4e00-\u9fff]+")
# a question word with what it asks for attached ("多少钱", "几个月", "什么时候", "哪些地方") says what kind of answer
# is wanted, not what the question is about; the segmenter keeps such words whole when a dictionary holds them
INTERROGATIVES = ("什么", "怎么", "多少", "几", "哪", "啥", "咋", "何")
ASKED_FOR_CHARS = 2


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


def words(text: str) -> list[str]:
    """The text's whole words as the segmenter cuts it (no sub-words)."""
    _init()
    return jieba.lcut(text)


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
        if word and word not in stopwords() and (len(word) > 1 or word.isdigit()) and not asks(word):
            seen.setdefault(word, None)
    return list(seen)


def asks(word: str) -> bool:
    """Whether ``word`` is a question word with what it asks for attached ("多少钱", "什么时候")."""
    return any(word.startswith(i) and 0 < len(word) - len(i) <= ASKED_FOR_CHARS for i in INTERROGATIVES)


@cache
def _everyday_counts() -> tuple[dict[str, int], int]:
    """How often each word occurs in general Chinese (jieba's own dictionary, before any domain word is added)."""
    counts: dict[str, int] = {}
    with jieba.get_dict_file() as f:
        for line in f.read().decode("utf-8").splitlines():
            word, freq, *_ = line.split(" ")
            counts[word] = int(freq)
    return counts, sum(counts.values())


def everyday_count(word: str) -> int:
    """How often ``word`` occurs in general Chinese (0 for what is not one of its words)."""
    return _everyday_counts()[0].get(word, 0)


def topicality(word: str) -> float:
    """0 for a word of everyday talk ("这种", "以后", "朋友"), 1 for a word rare outside its subject ("滞纳金"):
    what a question is about, rather than how it is said."""
    counts, total = _everyday_counts()
    rarity = math.log(total / (counts.get(word, 0) + 1))
    return min(1.0, max(0.0, (rarity - EVERYDAY_RARITY) / (SUBJECT_RARITY - EVERYDAY_RARITY)))


def index_text(text: str) -> str:
    """The text as the full-text index stores it: tokens separated by spaces, numerals as digits (as queries)."""
    return " ".join(tokens(arabic(text)))


class IndexTokenizer:
    """The store's tokenizer (`kiosk.store.tokenizer.Tokenizer`): the same segmentation the queries use."""

    def index_text(self, text: str) -> str:
        return index_text(text)

    def add_words(self, words: Iterable[str]) -> None:
        add_vocabulary(words)

    def fingerprint(self) -> bytes:
        files = resources.files("kiosk.knowledge")
        return b"".join(files.joinpath(name).read_bytes() for name in ("segment.py", "numbers.py", "domain_words.txt"))


TOKENIZER = IndexTokenizer()
