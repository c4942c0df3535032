"""The assembled assistant routes a visitor's turn to matching, requests and guides, not only to the store."""

from __future__ import annotations

import pytest

from kiosk.events import AnswerDone
from kiosk.root import Kiosk


@pytest.fixture(scope="module")
def manager(default_store_path, tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("KIOSK_DB", str(default_store_path))
    mp.setenv("KIOSK_DATA_DIR", str(tmp_path_factory.mktemp("assistant")))
    yield Kiosk().manager(engine="extractive")
    mp.undo()


def turn(manager, session, text: str) -> AnswerDone:
    events = list(manager.respond(session, text))
    done = [e for e in events if isinstance(e, AnswerDone)]
    assert done, events
    return done[-1]


def test_all_three_services_are_wired(manager) -> None:
    assert manager.advisor is not None and manager.requests is not None and manager.guides is not None


def test_which_policies_fit_names_policies_with_their_clauses(manager) -> None:
    session = manager.new_session()
    done = turn(manager, session, "我们是在西溪街道的软件公司，高新技术企业，30个员工，我能享受什么政策？")
    assert "《" in done.answer
    assert done.citations and all(c.source for c in done.citations)


def test_one_thing_guide_is_offered(manager) -> None:
    session = manager.new_session()
    done = turn(manager, session, "开餐馆要办哪些手续？")
    assert "餐" in done.answer
