"""Checking generated sentences against the passages they rest on, and cutting a token stream into sentences.

A sentence a model wrote survives only if every number, amount, percentage, date, phone number and
organisation name in it appears in the cited passages. The check is literal on purpose: "人社局" for
"人力资源和社会保障局" is dropped rather than guessed at, because the sentence's facts are already spoken from
the passages themselves and a dropped connecting sentence costs nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

CITE_RE = re.compile(r"\[(\d+)\]")
DIGITS_RE = re.compile(r"\d+(?:[.,]\d+)*")
# Digits with their unit, so "10套" must be found as written, not just a "10" somewhere else.
NUMBER_RE = re.compile(
    r"\d+(?:[.,]\d+)*\s*(?:%|‰|万元|亿元|元|万|亿|千|个工作日|工作日|个月|月|年|日|天|周岁|岁|小时|名|人|套|项|次|倍|平方米|㎡|家|户)?"
)
CN_QUANTITY_RE = re.compile(
    r"[零一二两三四五六七八九十半][零一二两三四五六七八九十百千万亿]*(?:个)?(?:万元|元|万|亿|%|个工作日|工作日|个月|月|年|天|日|周|"
    r"小时|岁|人|倍|套|项|次)"
)
PERCENT_WORD_RE = re.compile(r"百分之[零一二两三四五六七八九十百点]+")
ORG_RE = re.compile(
    r"[\u4e00-\u9fff]{2,14}?(?:委员会|管理局|服务中心|办公室|办事处|人民政府|政府|银行|法院|检察院|"
    r"税务局|公安局|局|厅|中心|街道)"
)
# Words that end like an organisation but are ordinary speech here.
NOT_ORG = ("中心里", "办理", "办法", "开办", "创办", "承办", "申办", "代办", "怎么办", "举办", "这边", "兼办")
SENTENCE_END = "。！？；!?;\n"
MAX_SENTENCE_CHARS = 80


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def claims(sentence: str) -> list[str]:
    """The checkable facts in a sentence: numbers (with digits), Chinese quantities, organisation names."""
    body = CITE_RE.sub("", sentence)
    found = NUMBER_RE.findall(body)
    found += CN_QUANTITY_RE.findall(body)
    found += PERCENT_WORD_RE.findall(body)
    for m in ORG_RE.finditer(body):
        name = m.group(0)
        if not any(w in name for w in NOT_ORG):
            found.append(name)
    return found


def _org_supported(name: str, source: str) -> bool:
    # The regex may have started a few characters early ("请到区市场监管局" → "请到区市场监管局"): accept the
    # name if some suffix of at least 4 characters is in the source.
    return any(name[i:] in source for i in range(max(1, len(name) - 3)))


def unsupported(sentence: str, sources: Iterable[str]) -> list[str]:
    """Facts in ``sentence`` that none of ``sources`` states; empty means the sentence is grounded."""
    source = _squash("\n".join(sources))
    missing = []
    for claim in claims(sentence):
        c = _squash(claim)
        if c[0].isdigit():
            # "6套" must not be found inside "66套", nor "10" inside "100"
            tail = r"(?![\d.])" if c[-1].isdigit() else ""
            if re.search(rf"(?<![\d.]){re.escape(c)}{tail}", source):
                continue
        elif c in source:
            continue
        if ORG_RE.fullmatch(c) and _org_supported(c, source):
            continue
        missing.append(claim)
    return missing


_HAN_RE = re.compile(r"[\u4e00-\u9fff]+")


def support(sentence: str, sources: Iterable[str]) -> float:
    """Share of the sentence's Chinese character pairs that occur in the sources (1.0 for no Chinese).

    Catches what the number check cannot: a model listing "身份证、户口簿" as required materials when the
    passages never mention them.
    """
    grams = [run[i:i + 2] for run in _HAN_RE.findall(CITE_RE.sub("", sentence)) for i in range(len(run) - 1)]
    if not grams:
        return 1.0
    source = _squash("\n".join(sources))
    return sum(g in source for g in grams) / len(grams)


def numbers_grounded(text: str, sources: Iterable[str]) -> tuple[int, int]:
    """(numbers in ``text`` found in ``sources``, numbers in ``text``): the groundedness measure."""
    source = "".join(sources)
    numbers = DIGITS_RE.findall(CITE_RE.sub("", text))
    return sum(n in source for n in numbers), len(numbers)


def leaks(sentence: str, secret: str, window: int = 10) -> bool:
    """Whether the sentence repeats ``window`` or more consecutive characters of ``secret`` (the system prompt)."""
    s = _squash(sentence)
    secret = _squash(secret)
    return any(secret[i:i + window] in s for i in range(0, max(0, len(secret) - window + 1)))


class SentenceCutter:
    """Collects streamed text and hands out whole sentences as soon as they end.

    Ends are 。！？；, newlines, and list items ("1. ", "（二）"); an overlong run is cut at a comma so speech
    is never starved by a sentence that does not end.
    """

    LIST_ITEM_RE = re.compile(r"\n\s*(?:\d{1,2}[.、．)]|[（(][一二三四五六七八九十\d]{1,2}[)）]|[-•·])\s*")

    _PARTIAL_MARKER_RE = re.compile(r"\s*(?:\[\d*)?")

    def __init__(self) -> None:
        self._buf = ""

    def feed(self, piece: str) -> Iterator[str]:
        self._buf += piece
        self._buf = self.LIST_ITEM_RE.sub("\n", self._buf)
        while True:
            cut = next((i for i, ch in enumerate(self._buf) if ch in SENTENCE_END), -1)
            if cut < 0 and len(self._buf) > MAX_SENTENCE_CHARS:
                cut = max(self._buf.rfind("，", 0, MAX_SENTENCE_CHARS), self._buf.rfind(",", 0, MAX_SENTENCE_CHARS))
                cut = cut if cut > 0 else MAX_SENTENCE_CHARS - 1
            if cut < 0:
                return
            # keep a citation marker that follows the full stop with its sentence
            end = cut + 1
            if m := re.match(r"\s*(?:\[\d+\])+", self._buf[end:]):
                end += m.end()
            if self._buf[cut] in "。！？；!?;" and self._PARTIAL_MARKER_RE.fullmatch(self._buf[end:]):
                return  # a marker may still be coming in the next piece
            sentence, self._buf = self._buf[:end].strip(), self._buf[end:]
            if sentence:
                yield sentence

    def flush(self) -> Iterator[str]:
        rest, self._buf = self._buf.strip(), ""
        if rest:
            yield rest
