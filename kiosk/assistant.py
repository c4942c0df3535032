"""The assembled assistant: the dialogue manager wired to the store and the installed language model.

The dialogue package takes its engines as arguments; this is the one place (besides the UI) that picks them,
so the console, the voice loop and the benchmarks get the same assistant.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator

from kiosk.config import Settings
from kiosk.dialogue.manager import DialogueManager
from kiosk.dialogue.session import Session

log = logging.getLogger(__name__)

_shared: tuple[DialogueManager, Session] | None = None
_shared_lock = threading.Lock()


def build_manager(engine: str = "auto", settings: Settings | None = None, quiet: bool = False) -> DialogueManager:
    """A manager over the default store, with the configured language model unless ``engine='extractive'``."""
    from kiosk.store import Store

    settings = settings or Settings.load()
    llm = None
    if engine != "extractive":
        from kiosk.dialogue.prompts import answer_prefix
        from kiosk.engines.llm import try_load

        llm, reason = try_load(settings.llm_model, warm=answer_prefix())
        if llm is None:
            log.info("language model unavailable: %s", reason)
            if not quiet:
                sys.stderr.write(f"（{reason}；先用政策原文回答）\n")
    from kiosk.office.questionlog import open_log

    store = Store.open()
    advisor, requests, guides = _desks(store)
    return DialogueManager(store, llm=llm, engine=engine, advisor=advisor, requests=requests, guides=guides,
                           first_token_budget_s=settings.llm_first_token_budget_s, turn_log=open_log())


def _desks(store):
    """The policy advisor, request desk and guide desk; one that cannot start is left out (the dialogue then
    refers the visitor to the right window) rather than stopping the kiosk."""
    desks = []
    for build in (_advisor, _request_desk, _guide_desk):
        try:
            desks.append(build(store))
        except Exception as exc:  # noqa: BLE001 - a broken service degrades the kiosk, never stops it
            log.warning("service unavailable: %s", exc)
            desks.append(None)
    return tuple(desks)


def _advisor(store):
    from kiosk.policy.advisor import PolicyAdvisorDesk
    from kiosk.policy.eligibility import Matcher

    return PolicyAdvisorDesk(Matcher.default(store), store)


def _request_desk(store):
    from kiosk.requests.desk import RequestDesk
    from kiosk.requests.service import RequestService

    return RequestDesk(RequestService.open(store.departments()))


def _guide_desk(store):
    from kiosk.guides.catalog import load_catalog
    from kiosk.guides.desk import GuideDesk

    return GuideDesk(load_catalog(), {d.id: d for d in store.departments()})


def answer_events(question: str, cancel: threading.Event | None = None) -> Iterator[object]:
    """One visitor turn on the kiosk's single shared session (forgotten after the idle timeout)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            manager = build_manager(quiet=True)
            _shared = (manager, manager.new_session())
    manager, session = _shared
    if session.idle_for() > Settings.load().idle_reset_seconds:
        session.reset()
    return manager.respond(session, question, cancel=cancel)
