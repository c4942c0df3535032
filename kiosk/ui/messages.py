"""The messages between the window's process and its service process (`kiosk.ui.remote`), one small dataclass
each. Every message and everything in it pickles, so it crosses a `multiprocessing` pipe as is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


# -- window → services ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Call:
    """Run ``KioskAdapter.<method>(*args)``; answered by `Done` or `Failure`, after `Event`s for a streamed answer.
    ``reply`` is False for a call nobody waits for (the talk button)."""

    id: int
    method: str
    args: tuple[Any, ...] = ()
    reply: bool = True


@dataclass(frozen=True)
class Cancel:
    """The visitor moved on: stop the streamed answer of call ``id``."""

    id: int


@dataclass(frozen=True)
class Stop:
    """The window is closing: stop the voice and the process."""


# -- services → window ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Event:
    """One event of a streamed answer (kiosk.events: AnswerLead, AnswerSentence, AnswerDone, Notice …)."""

    id: int
    event: object


@dataclass(frozen=True)
class Done:
    id: int
    result: Any = None


@dataclass(frozen=True)
class Failure:
    """The call failed; ``message`` is fit to show the visitor."""

    id: int
    message: str


@dataclass(frozen=True)
class VoiceEvent:
    """An event of the voice loop, not tied to any call (transcripts, spoken sentences, mouth frames)."""

    event: object


@dataclass(frozen=True)
class VoiceLevel:
    """The microphone's loudness, 0..1, for the listening avatar."""

    level: float


@dataclass(frozen=True)
class VoiceAnchor:
    """The playback clock's anchor on the monotonic clock (ms), or None while nothing is heard."""

    anchor_ms: float | None


ToServices = Call | Cancel | Stop
ToWindow = Event | Done | Failure | VoiceEvent | VoiceLevel | VoiceAnchor
