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

# Words that carry no topic: question words, pronouns, particles and filler.
STOPWORDS = frozenset(
    """的 了 吗 呢 吧 啊 呀 么 是 有 在 和 与 及 或 也 还 就 都 又 再 把 被 给 对 向 从 到 为 以 而 但 并 等 之 其 该
    我 我们 你 你们 您 他 她 它 他们 咱们 自己 大家 本人 公司 单位 这 那 这个 那个 这些 那些 哪 哪些 哪个 哪里 哪儿
    什么 怎么 怎样 怎么样 如何 为什么 多少 几 多久 多长 多长时间 时间 是否 能否 可否 能不能 可不可以 是不是 有没有
    可以 能 能够 会 要 需要 想 想要 应该 应当 得 请问 请 问 一下 一个 一些 知道 了解 告诉 办 办理 咨询 关于 相关
    现在 目前 今年 啥 咋 呗 嘛 哦 嗯 谢谢 你好 好的 没有 不 没 很 比较 最 更 具体 情况 问题 方面 一共 总共 大概
    需 应 可 要求 规定 上 下 中 里 内 后 前 时 个""".split()
)


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
        if word and word not in STOPWORDS and (len(word) > 1 or word.isdigit()):
            seen.setdefault(word, None)
    return list(seen)


def index_text(text: str) -> str:
    """The text as the full-text index stores it: tokens separated by spaces."""
    return " ".join(tokens(text))
