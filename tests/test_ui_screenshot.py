"""`kiosk screenshot` shows the kiosk's own content: the store's guides and answers, requests routed by the real
intake; a sample (marked 样例) only where the kiosk holds nothing, and never written into the kiosk's records."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel
from support_ui import TICKET, make_window

from kiosk.requests import SubmitForm
from kiosk.root import Kiosk
from kiosk.store.demo import SAMPLE_MARK
from kiosk.ui.app import render


def _texts(window) -> list[str]:
    return [w.text() for w in window.current().findChildren(QLabel) if w.isVisibleTo(window)]


def test_the_guide_screen_lists_the_stores_own_guides(qtbot, tmp_path):
    window = make_window(qtbot)
    render(window, "guide", tmp_path / "guide.png")
    guide = window.current()
    assert {g.title for g in guide.guides} == {g.name for g in Kiosk().catalog.guides}
    assert guide.guides and all(g.id in guide._menu_buttons for g in guide.guides)


def test_a_ticket_is_routed_by_the_real_intake_marked_and_kept_out_of_the_kiosks_requests(qtbot, tmp_path):
    window = make_window(qtbot)
    render(window, "request", tmp_path / "request.png")
    texts = " ".join(_texts(window))
    assert TICKET.search(texts)
    assert SAMPLE_MARK in texts  # the visitor's matter is a sample, and says so
    own = Kiosk().request_service()
    try:
        assert own.list_items() == []  # the screenshot wrote nothing into the kiosk's own request file
        names = {own.department_name(d) for d in own.router.departments}
    finally:
        own.close()
    departments = [line for line in texts.split(" · ") if line in names]
    assert departments, texts  # the departments the store's routing chose, by their names


def test_staff_see_the_kiosks_own_queue_when_it_has_one(qtbot, tmp_path):
    window = make_window(qtbot)
    render(window, "staff", tmp_path / "sample.png")
    sample = [window.current().table.item(r, 1).text() for r in range(window.current().table.rowCount())]
    assert sample and all(SAMPLE_MARK in text for text in sample)
    own = Kiosk().request_service()
    try:
        own.submit(SubmitForm("厂区门口路灯坏了好几天，晚上很黑", "杭州某某科技有限公司", "13912345678"))
    finally:
        own.close()
    render(window, "staff", tmp_path / "own.png")
    rows = [window.current().table.item(r, 1).text() for r in range(window.current().table.rowCount())]
    assert rows == ["厂区门口路灯坏了好几天，晚上很黑"]


def test_the_screenshot_window_loads_no_engine_and_no_answering_stack(tmp_path):
    """The window's process only draws: the store is read, and the answer made, in a process of its own, and
    no model is loaded at all (loading every engine first made a screenshot take 14–26 s)."""
    import json
    import os
    import subprocess
    import sys

    out = tmp_path / "conversation.png"
    probe = ("import json, sys; from pathlib import Path; from kiosk.ui.app import screenshot; "
             f"screenshot('conversation', Path({str(out)!r})); "
             "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
             "('jieba', 'onnxruntime', 'faster_whisper', 'llama_cpp', 'rapidocr_onnxruntime', 'kiosk'))))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert out.is_file()
    heavy = {m for m in loaded if not m.startswith("kiosk")} | {m for m in loaded if m.startswith(
        ("kiosk.knowledge.", "kiosk.engines", "kiosk.voice", "kiosk.assistant", "kiosk.dialogue"))}
    assert not heavy, sorted(heavy)
