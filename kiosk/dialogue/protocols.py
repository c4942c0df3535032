"""What the dialogue needs from the outside, as small protocols handed in by whoever builds the manager.

The dialogue imports no model library and no other service's internals: the CLI or the UI passes in a language
model (``kiosk.engines.llm.LlmEngine`` fits :class:`LanguageModel`) and adapters for policy matching, requests
and one-thing guides. Each may be absent; the manager then answers from the knowledge base and says where to go.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from kiosk.events import ServiceReply

# (role, text), role being "system" | "user" | "assistant"
Message = tuple[str, str]


class LanguageModel(Protocol):
    def stream(
        self,
        turns: Sequence[Message],
        *,
        max_tokens: int = 160,
        temperature: float = 0.2,
        cancel: threading.Event | None = None,
        grammar: str | None = None,
    ) -> Iterator[str]: ...


class PolicyAdvisor(Protocol):
    """"Which policies fit my company": ``facts`` are what the visitor said about the enterprise so far."""

    def advise(self, text: str, facts: dict[str, str]) -> ServiceReply: ...


class RequestDesk(Protocol):
    """Takes a request or complaint and returns the receipt to read out (ticket number, where it went)."""

    def take(self, text: str, facts: dict[str, str]) -> ServiceReply: ...


class GuideDesk(Protocol):
    """A one-thing procedure ("开餐馆要办什么"); ``None`` when no guide fits the text."""

    def guide(self, text: str) -> ServiceReply | None: ...


@dataclass(frozen=True)
class TurnSummary:
    """What is kept of one answered turn: never audio or images; the question is masked by the log."""

    question: str
    intent: str
    topic: str
    answered: bool
    engine: str
    document: str  # the id of the first cited document, "" when none
    latency_ms: float


class TurnLog(Protocol):
    """Where each turn's outcome is written; returns the turn's id, so feedback can be tied to it."""

    def record(self, turn: TurnSummary) -> str: ...
