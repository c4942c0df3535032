"""Where the voice loop gets its answers: any function from the visitor's words to a stream of answer events.

The kiosk hands in its dialogue (`kiosk.root.Kiosk.answer_events`); tests hand in scripted ones.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

# (question, cancel) → events (AnswerLead, AnswerSentence, AnswerDone, Notice); setting ``cancel`` (barge-in)
# asks the source to stop generating.
AnswerSource = Callable[[str, threading.Event | None], Iterable[object]]
