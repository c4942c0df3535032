"""Intake: split a request into items and route each one.

The rule-based splitter is the default and needs nothing installed. A language model can do the splitting instead
when one is handed in (`LlmSplitter.from_model` around a chat model held to SPLIT_GRAMMAR, or around any
``prompt -> JSON text`` callable); whatever it returns is checked against the visitor's own words, and the rules
take over if it invents or drops a matter.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from kiosk.requests.routing import Route, Router

# Words that open a new matter; the splitter cuts before them.
CONNECTORS = ("另外", "还有就是", "还有", "以及", "此外", "同时", "再就是", "再有", "其次", "最后", "顺便问一下", "顺便")
# Clauses that carry no matter of their own.
PLEASANTRIES = re.compile(
    r"^(你好|您好|你们好|喂|请问|麻烦(你们|您)?(了|一下)?|谢谢(你们|您)?|多谢|辛苦(了|你们了)?|感谢|就这些|没有了|好的|嗯+|啊+)[。！，]?$"
)
_SENTENCE_END = re.compile(r"(?<=[。！？；\n])")
# "1、" "二." "第三件事，": not "第一次", which is no list.
_ENUMERATION = re.compile(
    r"(?:^|(?<=[，。；\s]))(?:(?:[一二三四五六七八九十]|\d{1,2})[、.．)）](?!\d)|第[一二三四五六七八九十]+(?:件事|个问题|点)?[，、:：])"
)
_CONNECTOR = re.compile("(?:^|(?<=[，。；！？\\s]))(" + "|".join(CONNECTORS) + ")[，,]?")

# The same shape as a llama.cpp GBNF grammar: a model constrained by it cannot answer anything but the list.
SPLIT_GRAMMAR = (
    'root ::= "{\\"items\\": [" item ("," " "? item){0,7} "]}"\n'
    'item ::= "\\"" [^"\\\\\\n]{1,120} "\\""'
)
SPLIT_SYSTEM = "你是企业服务中心的诉求登记员，只输出JSON。"
SPLIT_PROMPT = (
    "把企业的诉求拆分成相互独立的事项，每项一句话，保留原话中的关键信息，不要编造。"
    "只输出JSON：{{\"items\": [\"事项1\", \"事项2\"]}}。\n诉求：{text}"
)


class Splitter(Protocol):
    def split(self, text: str) -> list[str]: ...


def _clauses(text: str) -> list[str]:
    """Sentences, cut further at enumerations and connectors, then at commas."""
    pieces: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        marked = _ENUMERATION.sub(lambda m: "\x00", sentence)
        marked = _CONNECTOR.sub(lambda m: "\x00", marked)
        for part in marked.split("\x00"):
            pieces.extend(re.split(r"(?<=[，,])", part))
    out = []
    for p in pieces:
        p = p.strip(" ，,。；;！？\n")
        if p and not PLEASANTRIES.match(p):
            out.append(p)
    return out


class RuleSplitter:
    """Cuts at sentence ends and connectors, then regroups clauses by topic.

    A clause starts a new item only when it names a topic of its own that differs from the item being built;
    clauses without a topic (where, since when, how bad) stay with their neighbour.
    """

    def __init__(self, router: Router):
        self.router = router

    def split(self, text: str) -> list[str]:
        groups: list[tuple[str | None, list[str]]] = []
        pending: list[str] = []  # context clauses seen before any topic
        for clause in _clauses(text):
            cat = self.router.category_of(clause)
            topic = cat.id if cat else None
            if topic is None:
                if groups:
                    groups[-1][1].append(clause)
                else:
                    pending.append(clause)
                continue
            if groups and (groups[-1][0] in (None, topic)):
                groups[-1] = (topic, groups[-1][1] + [clause])
            else:
                groups.append((topic, pending + [clause]))
                pending = []
        if pending:
            groups.append((None, pending))
        return ["，".join(clauses) for _, clauses in groups if clauses]


class ChatModel(Protocol):
    """What the splitter needs of a language model (``kiosk.engines.llm.LlmEngine`` fits)."""

    def stream(self, turns: Sequence[tuple[str, str]], *, max_tokens: int = 160, temperature: float = 0.2,
               grammar: str | None = None) -> Iterator[str]: ...


class LlmSplitter:
    """Splitting by a language model; ``complete(prompt)`` returns JSON text ``{"items": ["…", …]}``."""

    def __init__(self, complete: Callable[[str], str], fallback: Splitter):
        self.complete = complete
        self.fallback = fallback

    @classmethod
    def from_model(cls, model: ChatModel, fallback: Splitter, max_tokens: int = 200) -> LlmSplitter:
        """Around a chat model, its output held to SPLIT_GRAMMAR."""

        def complete(prompt: str) -> str:
            turns = [("system", SPLIT_SYSTEM), ("user", prompt)]
            return "".join(model.stream(turns, max_tokens=max_tokens, temperature=0.0, grammar=SPLIT_GRAMMAR))

        return cls(complete, fallback)

    def split(self, text: str) -> list[str]:
        try:
            raw = json.loads(self.complete(SPLIT_PROMPT.format(text=text)))
            items = [str(i).strip() for i in raw["items"] if str(i).strip()]
        except (ValueError, KeyError, TypeError):
            return self.fallback.split(text)
        if items and all(_grounded(i, text) for i in items) and _covered(items, text):
            return items
        return self.fallback.split(text)


def _meaningful(text: str) -> list[str]:
    return [c for c in text if c.isalnum()]


def _grounded(item: str, source: str) -> bool:
    # A model may paraphrase, but most characters of each item must come from what the visitor said.
    chars = _meaningful(item)
    return bool(chars) and sum(c in source for c in chars) / len(chars) >= 0.7


def _covered(items: list[str], source: str) -> bool:
    # Nor may it drop a matter: every clause of substance the visitor said must be mostly in some item.
    said = set("".join(items))
    for clause in _clauses(source):
        chars = _meaningful(clause)
        if len(chars) >= 4 and sum(c in said for c in chars) / len(chars) < 0.5:
            return False
    return True


@dataclass(frozen=True)
class IntakeItem:
    text: str
    route: Route


class Intake:
    """Split + classify + route: the fast path the benchmark times."""

    def __init__(self, router: Router, splitter: Splitter | None = None):
        self.router = router
        self.splitter = splitter or RuleSplitter(router)

    def process(self, text: str, address: str = "") -> list[IntakeItem]:
        items = self.splitter.split(text)
        return [IntakeItem(item, self.router.route(item, address)) for item in items]
