"""The typed events every part of the kiosk speaks.

A visitor turn flows one way: input adapters → dialogue → domain services → store, and comes back out as a
stream of these events, which the UI and the voice loop both consume. An interruption is just another event.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Citation:
    """A stored passage an answer rests on; ``source`` is the document id (the corpus file name)."""

    n: int
    source: str
    title: str
    article: str
    text: str
    doc_number: str = ""
    sample: bool = False
    quoted: tuple[str, ...] = ()  # the passage's sentences the answer states, highlighted where it is shown


@dataclass(frozen=True)
class PartialTranscript:
    text: str


@dataclass(frozen=True)
class FinalTranscript:
    text: str


@dataclass(frozen=True)
class AnswerLead:
    """A grounded first sentence emitted before any model runs, so speech can start at once."""

    text: str


@dataclass(frozen=True)
class AnswerSentence:
    text: str
    citations: tuple[int, ...] = ()
    engine: str = "extractive"


@dataclass(frozen=True)
class AnswerDone:
    answer: str
    refused: bool
    confidence: float
    engine: str
    citations: tuple[Citation, ...] = ()
    suggestions: tuple[str, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict)
    turn: str = ""  # the question log's id for this turn, for the visitor's 👍/👎; "" when not logged


@dataclass(frozen=True)
class SpeechChunk:
    pcm: bytes
    sample_rate: int


@dataclass(frozen=True)
class MouthFrame:
    t_ms: int
    openness: float


@dataclass(frozen=True)
class SpokenText:
    """A sentence going out to the speaker now: heard from ``start_ms`` to ``end_ms`` on the clock of the
    utterance's mouth frames, so a screen can show it as a subtitle while, and only while, it is heard."""

    text: str
    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class Interrupted:
    reason: str = "barge-in"


@dataclass(frozen=True)
class EngineStatus:
    engine: str
    state: str  # "loading" | "ready" | "missing" | "failed"
    message: str = ""


@dataclass(frozen=True)
class Notice:
    """A friendly message for the visitor (Chinese), e.g. when input could not be used."""

    text: str
    level: str = "info"


@dataclass
class ServiceReply:
    """What a service wants said: sentences in order, their citations, and what to offer next."""

    sentences: list[str]
    citations: list[Citation] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    follow_up: str = ""  # a question the service needs answered next; the session remembers it
    data: dict[str, object] = field(default_factory=dict)  # structured result for the UI (cards, ticket, ...)
