"""The conversation: session state, intent routing, and the manager that turns a visitor turn into events.

UI-free and model-free: the language model and the other services come in through ``protocols``.
"""


def answer_events(question: str, cancel=None):
    """The kiosk's visitor-turn entry point for callers without sessions of their own (the voice loop).

    Wiring lives in :mod:`kiosk.assistant`, imported only when called, so importing the dialogue stays cheap.
    """
    from kiosk.assistant import answer_events as shared_answer_events

    return shared_answer_events(question, cancel)
