"""Staff mode behind a PIN: request queue, hand-off to a human window, content reload, device status, analytics."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.config import data_dir
from kiosk.events import EngineStatus
from kiosk.ui import analytics
from kiosk.ui.bridge import ENGINE_NAMES
from kiosk.ui.charts import BarChart, LineChart, RatingChart, RingChart
from kiosk.ui.doctor_panel import DoctorPanel
from kiosk.ui.kiosk_lock import shut_down
from kiosk.ui.screens.base import Context, Screen
from kiosk.ui.session import mask_text
from kiosk.ui.staff_auth import DEFAULT_REFUSED, PinLock
from kiosk.ui.viewmodels import Analytics, QueueRow
from kiosk.ui.widgets import Card, IconButton, IconLabel, clear, label, show_page

STATE_WORDS = {"ready": ("check", "ok", "就绪"), "loading": ("clock", "muted", "加载中"),
               "missing": ("info", "warn", "未安装"), "failed": ("cross", "bad", "出错")}
PAGES = [("诉求队列", "clipboard"), ("转人工", "person"), ("内容与设备", "refresh"), ("数据分析", "chart")]


class StaffScreen(Screen):
    name = "staff"
    title = "工作人员"

    def __init__(self, ctx: Context):
        super().__init__(ctx)
        self.lock = PinLock(ctx.settings.staff_pin, state=data_dir() / "staff_lock.json",
                            allow_default=ctx.settings.demo_content)
        self.unlocked = False
        self.stack = QStackedWidget()
        self.stack.addWidget(self._pin_page())
        self.stack.addWidget(self._staff_page())
        self.column.addWidget(self.stack, 1)
        show_page(self.stack, 0)
        show_page(self.pages, 0)

    # -- PIN -----------------------------------------------------------------------------------------------
    def _pin_page(self) -> QWidget:
        page = QWidget()
        outer = QHBoxLayout(page)
        outer.addStretch(1)
        card = Card(margins=40, spacing=16)
        card.setMaximumWidth(620)
        card.box.addWidget(label("工作人员登录", "h2"))
        card.box.addWidget(label("请输入工作人员密码", "muted"))
        self.dots = label("", "big-number", wrap=False)
        self.dots.setAlignment(Qt.AlignmentFlag.AlignCenter)
        card.box.addWidget(self.dots)
        self.pin_message = label(DEFAULT_REFUSED if self.lock.refuse_default else " ", "muted")
        card.box.addWidget(self.pin_message)
        grid = QGridLayout()
        grid.setSpacing(12)
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "清除", "0", "确定"]
        for i, k in enumerate(keys):
            b = IconButton(k, None, "key", lambda k=k: self.pin_key(k))
            b.setMinimumHeight(84)
            grid.addWidget(b, i // 3, i % 3)
        card.box.addLayout(grid)
        card.box.addWidget(IconButton("返回首页", "home", "ghost", lambda: self.ctx.navigate("attract")))
        outer.addWidget(card, 2)
        outer.addStretch(1)
        self.pin = ""
        return page

    def retint(self, theme) -> None:
        """Queue rows are touch targets too."""
        super().retint(theme)
        self.table.verticalHeader().setDefaultSectionSize(theme.touch(64))

    def pin_key(self, key: str) -> None:
        if key == "清除":
            self.pin = ""
        elif key == "确定":
            self.submit_pin()
            return
        elif len(self.pin) < 12:
            self.pin += key
        self.dots.setText("●" * len(self.pin))

    def submit_pin(self) -> None:
        result = self.lock.attempt(self.pin)
        self.pin = ""
        self.dots.setText("")
        self.pin_message.setText(result.message)
        if result.ok:
            self.unlocked = True
            show_page(self.stack, 1)
            self.show_page(0)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - digits from a physical keypad
        if not self.unlocked and event.text().isdigit():
            self.pin_key(event.text())
        elif not self.unlocked and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit_pin()
        elif not self.unlocked and event.key() == Qt.Key.Key_Backspace:
            self.pin_key("清除")
        else:
            super().keyPressEvent(event)

    # -- staff pages ---------------------------------------------------------------------------------------
    def _staff_page(self) -> QWidget:
        page = QWidget()
        col = QVBoxLayout(page)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(18)
        head = QHBoxLayout()
        head.addWidget(label("工作人员模式", "h1"))
        head.addStretch(1)
        self.tabs: list[IconButton] = []
        for i, (text, icon_name) in enumerate(PAGES):
            b = IconButton(text, icon_name, "ghost", lambda i=i: self.show_page(i))
            b.setCheckable(True)
            self.tabs.append(b)
            head.addWidget(b)
        head.addWidget(IconButton("退出", "lock", None, self.leave))
        head.addWidget(IconButton("关闭一体机", "cross", "ghost", lambda: shut_down(self.window())))
        col.addLayout(head)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._queue_page())
        self.pages.addWidget(self._handoff_page())
        self.pages.addWidget(self._content_page())
        self.analytics_page = QWidget()
        self.analytics_grid = QGridLayout(self.analytics_page)
        self.analytics_grid.setSpacing(24)
        self.pages.addWidget(self.analytics_page)
        col.addWidget(self.pages, 1)
        self.source_note = label("", "muted")
        col.addWidget(self.source_note)
        return page

    def _queue_page(self) -> QWidget:
        page = QWidget()
        col = QVBoxLayout(page)
        col.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.overdue_only = QCheckBox("只看超时未办结")
        self.overdue_only.toggled.connect(lambda _=False: self.load_queue())
        bar.addWidget(self.overdue_only)
        bar.addStretch(1)
        self.queue_summary = label("", "muted", wrap=False)
        bar.addWidget(self.queue_summary)
        bar.addWidget(IconButton("刷新", "refresh", None, self.load_queue))
        col.addLayout(bar)
        self.table = QTableWidget(0, 7)
        self.table.setHorizontalHeaderLabels(["受理号", "诉求", "专区", "部门", "状态", "时限", "操作"])
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        col.addWidget(self.table, 1)
        return page

    def _handoff_page(self) -> QWidget:
        page = QWidget()
        col = QVBoxLayout(page)
        col.setContentsMargins(0, 0, 0, 0)
        self.calls_card = Card(margins=32, spacing=12)
        col.addWidget(self.calls_card)
        card = Card(margins=32, spacing=14)
        card.box.addWidget(label("把当前访客转给人工窗口", "h2"))
        card.box.addWidget(label("下面是本次服务的摘要（号码已隐藏），转接后访客屏幕会提示去哪个窗口。", "muted"))
        self.handoff_summary = label("", selectable=True)
        card.box.addWidget(self.handoff_summary)
        row = QHBoxLayout()
        for window in ("1 号综合窗口", "3 号政策窗口", "5 号人社窗口", "8 号诉求窗口"):
            row.addWidget(IconButton(window, "person", None, lambda w=window: self.hand_off(w)))
        row.addStretch(1)
        card.box.addLayout(row)
        col.addWidget(card)
        col.addStretch(1)
        return page

    def _content_page(self) -> QWidget:
        page = QWidget()
        row = QHBoxLayout(page)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(24)
        content = Card(margins=32, spacing=14)
        content.box.addWidget(label("政策内容", "h2"))
        content.box.addWidget(label("运行 kiosk db build 更新政策库后，点下面的按钮让本机读入新内容，无需重启。", "muted"))
        self.reload_status = label("", "muted")
        content.box.addWidget(self.reload_status)
        content.box.addWidget(IconButton(" 重新载入政策库", "refresh", "primary", self.reload))
        self.engines = Card(margins=32, spacing=12)
        left = QVBoxLayout()
        left.setSpacing(24)
        left.addWidget(content)
        left.addWidget(self.engines, 1)
        row.addLayout(left, 1)
        self.doctor = DoctorPanel(self.ctx)
        row.addWidget(self.doctor, 1)
        return page

    def show_page(self, index: int) -> None:
        show_page(self.pages, index)
        for i, b in enumerate(self.tabs):
            b.setChecked(i == index)
        [self.load_queue, self.load_handoff, self.load_status, self.load_analytics][index]()

    def entered(self, **_) -> None:
        show_page(self.stack, 1 if self.unlocked else 0)
        if self.unlocked:
            self.show_page(self.pages.currentIndex())

    def reset(self) -> None:
        self.leave_quietly()

    def leave_quietly(self) -> None:
        self.unlocked = False
        self.pin = ""
        self.dots.setText("")
        self.pin_message.setText(DEFAULT_REFUSED if self.lock.refuse_default else " ")
        show_page(self.stack, 0)

    def leave(self) -> None:
        self.leave_quietly()
        self.ctx.navigate("attract")

    # -- data ----------------------------------------------------------------------------------------------
    def load_queue(self) -> None:
        overdue = self.overdue_only.isChecked()
        self.ctx.bridge.run(lambda: self.ctx.bridge.adapter.queue(overdue), self.show_queue, self._note)

    def show_queue(self, rows: list[QueueRow]) -> None:
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            values = [row.ticket, row.text, row.section, row.department,
                      row.state + (" · 超时" if row.overdue else ""), row.due]
            for c, v in enumerate(values):
                item = QTableWidgetItem(v)
                if row.overdue:
                    item.setForeground(QColor(self.ctx.theme().palette.bad))
                self.table.setItem(r, c, item)
            self.table.setCellWidget(r, 6, self._actions(row))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.queue_summary.setText(f"共 {len(rows)} 项，超时 {sum(r.overdue for r in rows)} 项")

    def calls_changed(self) -> None:
        """Visitors waiting for staff at this kiosk, oldest first, each with a button for when staff arrive."""
        clear(self.calls_card.box)
        calls = self.ctx.helpdesk.calls
        self.calls_card.box.addWidget(label(f"等待协助的访客（{len(calls)} 位）", "h2"))
        if not calls:
            self.calls_card.box.addWidget(label("目前没有访客呼叫工作人员。", "muted"))
        for call in calls:
            row = QHBoxLayout()
            when = time.strftime("%H:%M", time.localtime(call.at))
            row.addWidget(label(f"{call.n} 号　{when} 呼叫　访客当时在：{call.screen}"), 1)
            row.addWidget(IconButton("已到场", "check", None, lambda n=call.n: self._answered(n)))
            self.calls_card.box.addLayout(row)
        self.tabs[1].setText(f"转人工（{len(calls)}）" if calls else PAGES[1][0])

    def _answered(self, n: int) -> None:
        self.ctx.helpdesk.answered(n)
        self.calls_changed()

    def _actions(self, row: QueueRow) -> QWidget:
        cell = QWidget()
        line = QHBoxLayout(cell)
        line.setContentsMargins(4, 2, 4, 2)
        for action, word in row.actions:
            line.addWidget(IconButton(word, None, None, lambda a=action: self.act(row.ticket, a)))
        return cell

    def act(self, ref: str, action: str) -> None:
        self.ctx.bridge.run(lambda: self.ctx.bridge.adapter.act(ref, action), lambda _=None: self.load_queue(),
                              self._note)

    def load_handoff(self) -> None:
        self.calls_changed()
        s = self.ctx.session
        lines = [f"企业：{s.scan_fields.get('name', '未扫描')}"]
        lines += [f"{'访客' if t.who == 'visitor' else '西小服'}：{mask_text(t.text)[:80]}" for t in s.conversation[-6:]]
        if s.ticket:
            lines.append(f"已提交诉求：{s.ticket}")
        self.handoff_summary.setText("\n".join(lines) if len(lines) > 1 or s.scan_fields else "当前没有访客在使用。")

    def hand_off(self, window: str) -> None:
        self.ctx.toast(f"已转接：请访客前往{window}，工作人员会接着为您办理")
        self.leave_quietly()
        self.ctx.navigate("conversation")

    def load_status(self) -> None:
        self.doctor.check()
        clear(self.engines.box)
        self.engines.box.addWidget(label("设备与模型", "h2"))
        states = self.ctx.bridge.states
        for key, name in ENGINE_NAMES.items():
            st = states.get(key)
            icon_name, tone, word = STATE_WORDS.get(st.state if st else "missing", STATE_WORDS["missing"])
            row = QHBoxLayout()
            row.addWidget(IconLabel(icon_name, 30, tone))
            row.addWidget(label(f"{name}：{word}", wrap=False))
            row.addWidget(label(st.message if st else "", "muted"), 1)
            self.engines.box.addLayout(row)
        self.engines.box.addStretch(1)
        for w in self.engines.findChildren(IconLabel):
            w.retint(self.ctx.theme())

    def reload(self) -> None:
        self.reload_status.setText("正在重新载入…")

        def done(message: str) -> None:
            self.reload_status.setText(f"已更新：{message}")
            self.ctx.bridge.status.emit(EngineStatus("knowledge", "ready", message))
            self.load_status()

        self.ctx.bridge.run(self.ctx.bridge.adapter.reload, done, self.reload_status.setText)

    def load_analytics(self) -> None:
        self.ctx.bridge.run(self.ctx.bridge.adapter.analytics, self.show_analytics, self._note)

    def show_analytics(self, a: Analytics) -> None:
        clear(self.analytics_grid)
        charts = [LineChart("每日提问（按主题）", a.days, a.topics, "最近 7 天还没有人提问"),
                  BarChart("诉求数量（按专区）", a.by_section, "最近 90 天还没有诉求"),
                  RingChart("按时办结率", a.on_time_rate, "已办结诉求中按时完成的比例", "还没有办结的诉求"),
                  RatingChart("满意度评价", a.ratings, "还没有企业评价")]
        palette = self.ctx.theme().palette
        for i, chart in enumerate(charts):
            chart.text_colour, chart.muted = QColor(palette.text), QColor(palette.muted)
            frame = Card(margins=22)
            frame.box.addWidget(chart)
            self.analytics_grid.addWidget(frame, i // 2, i % 2)
        self.source_note.setText(analytics.SOURCE)

    def _note(self, message: str) -> None:
        self.source_note.setText(message)

    def stage_demo(self, records: dict) -> None:
        self.unlocked = True
        show_page(self.stack, 1)
        show_page(self.pages, 0)
        for i, b in enumerate(self.tabs):
            b.setChecked(i == 0)
        self.show_queue(records["queue"])
