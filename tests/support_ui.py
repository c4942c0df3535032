"""Helpers for the UI tests: a window on fast, scripted services, and a way to wait for the worker threads."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from kiosk.config import Settings
from kiosk.events import AnswerDone, AnswerLead, AnswerSentence, Citation
from kiosk.ui import viewmodels as vm
from kiosk.ui.adapter import KioskAdapter
from kiosk.ui.bridge import ServiceBridge
from kiosk.ui.pinyin import PinyinIndex

CITATION = Citation(1, "sample-rd.md", "西湖区关于支持企业研发创新的若干政策（示例）", "第五条",
                    "对经认定的区级研发中心，给予一次性奖励20万元。", "西政办〔2024〕12号", True)


class ScriptedAdapter(KioskAdapter):
    """Every service answers at once from the sample view records; `answer` streams two sentences."""

    def __init__(self, sentence_delay_s: float = 0.0):
        super().__init__()
        self.sentence_delay_s = sentence_delay_s
        self.submitted: list[tuple[str, str, str, str]] = []
        self.pinyin = PinyinIndex.build(["开办企业", "西湖区"], common=[("开", 100), ("办", 90)])

    def loaders(self):
        return [("knowledge", lambda: "已载入 3 份政策文件")]

    def answer(self, text: str, cancelled: threading.Event) -> Iterator[object]:
        yield AnswerLead("关于研发补贴，《西湖区关于支持企业研发创新的若干政策》第五条有规定。")
        for sentence in ("经认定的区级研发中心，给予一次性奖励20万元[1]。", "可以到3号窗口申报。"):
            if cancelled.is_set():
                return
            time.sleep(self.sentence_delay_s)
            yield AnswerSentence(sentence, (1,))
        yield AnswerDone("……", False, 0.8, "extractive", (CITATION,), ("需要什么材料？",))

    def scan(self, path: Path) -> vm.ScanView:
        return vm.demo_scan()

    def match(self, fields, answers):
        return policy_fixture()

    def submit(self, text: str, company: str, phone: str, address: str = "") -> vm.TicketView:
        self.submitted.append((text, company, phone, address))
        return vm.demo_ticket()

    def track(self, ticket: str, last4: str) -> vm.TicketView:
        return vm.demo_ticket()

    def queue(self, overdue_only: bool = False):
        return [r for r in vm.demo_queue() if r.overdue or not overdue_only]

    def analytics(self):
        return vm.Analytics(["11-22", "11-23"], {"人才服务专区": [2, 3]}, {"人才服务专区": 4}, 0.75, [0, 0, 1, 0, 2])

    def guides(self):
        return [vm.demo_guide()]

    def tailor(self, guide_id: str, answers):
        return vm.demo_guide()


TEST_PIN = "135790"  # a changed PIN, as a deployed kiosk has

def make_window(qtbot, adapter: KioskAdapter | None = None, settings: Settings | None = None, size=(1920, 1080)):
    from kiosk.ui.app import application
    from kiosk.ui.window import MainWindow

    application()
    bridge = ServiceBridge(adapter or ScriptedAdapter())
    window = MainWindow(bridge, settings or Settings(staff_pin=TEST_PIN))
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    bridge.start(voice=False)
    settle(window)
    return window


def settle(window, timeout_s: float = 5.0) -> None:
    """Let the worker threads finish and their results reach the screen."""
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout_s
    while True:
        QApplication.processEvents()
        if window.bridge.pool.activeThreadCount() == 0 or time.monotonic() > deadline:
            break
        time.sleep(0.01)
    for _ in range(12):  # results that render over several turns of the event loop (policy cards)
        QApplication.processEvents()


def policy_fixture() -> list[vm.PolicyView]:
    """A fixed mix of outcomes (met, one step away, not met), so the screen's grouping can be checked."""
    c = vm.ConditionView
    return [
        vm.PolicyView("t-rd", "研发中心认定奖励（测试）", "met", [
            c("注册地在西湖区", "met", "住所位于蒋村街道", "第二条"),
            c("成立满 1 年", "met", "成立于 2021-06-18", "第二条")],
            "一次性奖励", "企业服务中心窗口", True),
        vm.PolicyView("t-smes", "研发投入补助（测试）", "one_step", [
            c("注册地在西湖区", "met", "住所位于蒋村街道", "第二条"),
            c("研发投入占营收 3% 以上", "unknown", "营业执照上没有这项信息", "第五条")],
            "按增量补助", "企业服务中心窗口", True,
            [("rd_ratio_over_3", "贵公司上年度研发投入占营业收入的比例是否超过 3%？")]),
        vm.PolicyView("t-green", "绿色工厂奖励（测试）", "not_met", [
            c("属于制造业", "not_met", "经营范围不属于制造业", "第二条")],
            "", "区经信局", True),
    ]


IDENTIFIER = re.compile(r"\b[a-z]+_[a-z0-9]+\b")
HAN = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
TICKET = re.compile(r"[A-Z]{2}\d{8}-\d{4}(-\d+)?")  # a ticket number is read out as it is


def shown_widgets(window, kind):
    """Widgets of `kind` a visitor can see now: shown, on the current screen or the window's chrome, and
    not scrolled out of their scroll area."""
    from PySide6.QtWidgets import QStackedWidget

    out = []
    for w in window.findChildren(kind):
        if not w.isVisible() or w.visibleRegion().isEmpty():
            continue
        stacked = [p for p in _ancestors(w) if isinstance(p, QStackedWidget)]
        if any(s.currentWidget() is not None and not s.currentWidget().isAncestorOf(w) for s in stacked):
            continue
        out.append(w)
    return out


def _ancestors(w):
    p = w.parentWidget()
    while p is not None:
        yield p
        p = p.parentWidget()


def layout_problems(window) -> list[str]:
    """What does not fit: the current screen needing to scroll as a whole, or a button (not in a list that
    scrolls on purpose) reaching outside the window or clipped sideways by its scroll area."""
    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtWidgets import QAbstractButton, QScrollArea

    problems = []
    frame = window.stack.currentWidget()
    if frame.verticalScrollBar().maximum() > 0 or frame.horizontalScrollBar().maximum() > 0:
        problems.append(f"{window.current().name}: the screen is larger than the window "
                        f"({frame.widget().minimumSizeHint().width()}×{frame.widget().minimumSizeHint().height()})")
    whole = window.rect()
    for b in shown_widgets(window, QAbstractButton):
        rect = QRect(b.mapTo(window, QPoint(0, 0)), b.size())
        name = b.accessibleName() or b.text() or b.toolTip()
        areas = [a for a in _ancestors(b) if isinstance(a, QScrollArea) and a is not frame]
        if areas:
            view = areas[0].viewport()
            left = view.mapTo(window, QPoint(0, 0)).x()
            if rect.left() < left or rect.right() > left + view.width():
                problems.append(f"button {name!r} is cut off at the side: {rect} in a list {view.width()} wide")
        elif not whole.contains(rect):
            problems.append(f"button {name!r} reaches outside the window: {rect} not in {whole}")
    return problems


def visitor_text_problems(window) -> list[str]:
    """Raw identifiers or Latin-only words on what a visitor sees (tickets, numbers and the PIN pad aside)."""
    from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit

    problems = []
    labels = [w.text() for w in shown_widgets(window, QLabel) + shown_widgets(window, QAbstractButton)]
    values = [w.text() for w in shown_widgets(window, QLineEdit)]  # codes and numbers may well be Latin
    for text in labels + values:
        plain = TICKET.sub("", re.sub(r"<[^>]+>", "", text or ""))
        if IDENTIFIER.search(plain):
            problems.append(f"identifier in {plain!r}")
        elif text in labels and LATIN_WORD.search(plain) and not HAN.search(plain):
            problems.append(f"Latin-only label {plain!r}")
    return problems
