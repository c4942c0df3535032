"""Requests: tell us what you need (split and sent to the right departments), then track it like an order."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui.keyboard import Keyboard
from kiosk.ui.qr import QrCode
from kiosk.ui.screens.base import Context, Screen
from kiosk.ui.session import mask_phone
from kiosk.ui.viewmodels import TicketView
from kiosk.ui.widgets import Card, IconButton, IconLabel, clear, label, scroll_column, show_page


class RequestScreen(Screen):
    name = "request"
    title = "办事诉求"

    def __init__(self, ctx: Context):
        super().__init__(ctx)
        tabs = QHBoxLayout()
        self.tab_submit = IconButton("提交诉求", "clipboard", "ghost", lambda: self.show_page(0))
        self.tab_track = IconButton("查询进度", "search", "ghost", lambda: self.show_page(1))
        for b in (self.tab_submit, self.tab_track):
            b.setCheckable(True)
            tabs.addWidget(b)
        tabs.addStretch(1)
        self.column.addLayout(tabs)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._submit_page())
        self.pages.addWidget(self._track_page())
        self.pages.addWidget(self._result_page())
        # the keys sit beside the form (in place of the explanation), so the whole form stays on screen
        body = QHBoxLayout()
        body.setSpacing(36)
        body.addWidget(self.pages, 3)
        self.keyboard = Keyboard(ctx.bridge.pinyin)
        self.keyboard.submit.connect(lambda: self.show_keyboard(False))
        body.addWidget(self.keyboard, 2)
        self.column.addLayout(body, 1)
        self.show_keyboard(False)
        QApplication.instance().focusChanged.connect(self._focus_changed)
        self.show_page(0)

    # -- pages ---------------------------------------------------------------------------------------------
    def _submit_page(self) -> QWidget:
        page = QWidget()
        row = QHBoxLayout(page)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(36)
        form = Card(margins=34, spacing=14)
        self.intro = [label("遇到什么困难？说给我们听", "h1"),
                      label("可以一次说几件事，我们会拆开分别交给对应部门，并告诉您办理时限。", "muted")]
        for w in self.intro:
            form.box.addWidget(w)
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText("例如：园区门口人行道砖坏了好几块；另外想问高新技术企业认定什么时候申报。")
        self.text.setAccessibleName("诉求内容")
        self.text.setMinimumHeight(140)
        form.box.addWidget(self.text, 1)
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        self.company = QLineEdit()
        self.company.setPlaceholderText("企业名称")
        self.phone = QLineEdit()
        self.phone.setPlaceholderText("手机号（仅用于联系和查询）")
        self.phone.setMaxLength(13)
        grid.addWidget(label("企业名称", "muted", wrap=False), 0, 0)
        grid.addWidget(self.company, 0, 1)
        grid.addWidget(label("联系电话", "muted", wrap=False), 1, 0)
        grid.addWidget(self.phone, 1, 1)
        form.box.addLayout(grid)
        self.consent = QCheckBox("同意把诉求和电话交给相关部门办理")
        form.box.addWidget(self.consent)
        buttons = QHBoxLayout()
        self.submit_button = IconButton(" 提交诉求", "send", "primary", self.submit)
        buttons.addWidget(self.submit_button)
        buttons.addWidget(IconButton("键盘", "keyboard", None, self.toggle_keyboard))
        buttons.addStretch(1)
        form.box.addLayout(buttons)
        row.addWidget(form, 3)
        info = Card("soft", margins=30)
        info.box.addWidget(label("像点外卖一样跟踪办理", "h3"))
        for icon_name, text in (("clipboard", "提交后拿到受理号和二维码"), ("person", "分派到对应部门，专人办理"),
                                ("clock", "每项都有办理时限，超时自动催办"), ("star", "办完请您打分评价")):
            line = QHBoxLayout()
            line.addWidget(IconLabel(icon_name, 36))
            line.addWidget(label(text), 1)
            info.box.addLayout(line)
        info.box.addStretch(1)
        self.info = info
        row.addWidget(info, 2)
        return page

    def _track_page(self) -> QWidget:
        page = QWidget()
        col = QVBoxLayout(page)
        col.setContentsMargins(0, 0, 0, 0)
        card = Card(margins=34, spacing=16)
        card.box.addWidget(label("查询办理进度", "h1"))
        card.box.addWidget(label("请输入受理号和登记手机号的后 4 位。", "muted"))
        self.ticket_in = QLineEdit()
        self.ticket_in.setPlaceholderText("受理号，例如 XH20261123-0042")
        self.ticket_in.setAccessibleName("受理号")
        self.last4 = QLineEdit()
        self.last4.setPlaceholderText("手机后 4 位")
        self.last4.setAccessibleName("手机后 4 位")
        self.last4.setMaxLength(4)
        self.last4.setEchoMode(QLineEdit.EchoMode.Password)
        card.box.addWidget(self.ticket_in)
        row = QHBoxLayout()
        row.addWidget(self.last4, 1)
        row.addWidget(IconButton(" 查询", "search", "primary", self.track))
        row.addWidget(IconButton("键盘", "keyboard", None, self.toggle_keyboard))
        card.box.addLayout(row)
        col.addWidget(card)
        col.addStretch(1)
        return page

    def _result_page(self) -> QWidget:
        page = QWidget()
        row = QHBoxLayout(page)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(36)
        left = Card(margins=34, spacing=12)
        self.result_title = label("已受理", "h2")
        left.box.addWidget(self.result_title)
        left.box.addWidget(label("受理号", "muted"))
        self.ticket_label = label("", "big-number", selectable=True)
        left.box.addWidget(self.ticket_label)
        qr_row = QHBoxLayout()
        qr_row.setSpacing(20)
        self.qr = QrCode("", 200)
        qr_row.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignTop)
        qr_row.addWidget(label("用手机扫码，随时查看进度。\n\n在本机查询需要受理号和手机号后 4 位。", "muted"), 1)
        left.box.addLayout(qr_row)
        left.box.addStretch(1)
        self.rating = Card("soft", margins=20, spacing=10)
        self.rating.box.addWidget(label("办得怎么样？请打分", "h3"))
        stars = QHBoxLayout()
        for n in range(1, 6):
            stars.addWidget(IconButton(str(n), "star", None, lambda n=n: self.rate(n), icon_px=28))
        self.rating.box.addLayout(stars)
        left.box.addWidget(self.rating)
        row.addWidget(left, 2)
        right = QVBoxLayout()
        self.area, self.details = scroll_column(16)
        right.addWidget(self.area, 1)
        done = QHBoxLayout()
        done.addWidget(IconButton(" 完成，回到首页", "home", "primary", lambda: self.ctx.navigate("attract")))
        done.addStretch(1)
        right.addLayout(done)
        row.addLayout(right, 3)
        return page

    def show_page(self, index: int) -> None:
        if index == 2:
            self.show_keyboard(False)
        show_page(self.pages, index)
        self.tab_submit.setChecked(index == 0)
        self.tab_track.setChecked(index == 1)
        if self.keyboard.target not in self._page_fields():
            self.keyboard.attach(None)

    def entered(self, track: bool = False, text: str = "", **_) -> None:
        self.show_page(1 if track else 0)
        if text and not self.text.toPlainText().strip():
            self.text.setPlainText(text)
        name = self.ctx.session.scan_fields.get("name")
        if name and not self.company.text():
            self.company.setText(str(name))

    def reset(self) -> None:
        for w in (self.text, self.company, self.phone, self.ticket_in, self.last4):
            w.clear()
        self._submitting(False)
        self.consent.setChecked(False)
        self.show_keyboard(False)
        clear(self.details)
        self.details.addStretch(1)
        self.show_page(0)

    # -- keyboard ------------------------------------------------------------------------------------------
    def _page_fields(self) -> tuple[QWidget, ...]:
        if self.pages.currentIndex() == 1:
            return (self.ticket_in, self.last4)
        return (self.text, self.company, self.phone)

    def show_keyboard(self, on: bool) -> None:
        """The keys take the place of the explanations, so the form and the keys fit a 1366×768 screen."""
        self.keyboard.setVisible(on)
        for w in (self.info, *self.intro):
            w.setVisible(not on)

    def toggle_keyboard(self) -> None:
        self.show_keyboard(not self.keyboard.isVisible())
        if self.keyboard.target is None:
            first = self._page_fields()[0]
            self._attach(first)
            first.setFocus()

    def _attach(self, field: QWidget) -> None:
        # tickets and phone numbers are letters and digits: typed as they are, not turned into Chinese
        self.keyboard.attach(field, chinese=field in (self.text, self.company))

    def _focus_changed(self, _old, new) -> None:
        if new in (self.text, self.company, self.phone, self.ticket_in, self.last4):
            self._attach(new)

    # -- actions -------------------------------------------------------------------------------------------
    def submit(self) -> None:
        text, company, phone = self.text.toPlainText().strip(), self.company.text().strip(), self.phone.text().strip()
        if not text:
            self.ctx.toast("请先写下您要反映的事情")
            return
        if not self.consent.isChecked():
            self.ctx.toast("请勾选同意后再提交，我们才能把诉求交给部门办理")
            return
        # the licence's address routes matters outside the gate to the enterprise's own town/street
        address = str(self.ctx.session.scan_fields.get("address") or "")
        self._submitting(True)

        def failed(message: str) -> None:
            self._submitting(False)
            self.ctx.toast(message)

        def done(view: TicketView) -> None:
            self._submitting(False)
            self.show_ticket(view, phone)

        self.ctx.bridge.run(lambda: self.ctx.bridge.adapter.submit(text, company, phone, address),
                              self.for_this_visitor(done), self.for_this_visitor(failed))

    def _submitting(self, busy: bool) -> None:
        """While the request is being saved the button says so (a toast would linger over the next page)."""
        self.submit_button.setEnabled(not busy)
        self.submit_button.setText(" 正在提交…" if busy else " 提交诉求")

    def track(self) -> None:
        ticket, last4 = self.ticket_in.text().strip().upper(), self.last4.text().strip()
        if not ticket or len(last4) != 4 or not last4.isdigit():
            self.ctx.toast("请填写受理号和手机号后 4 位数字")
            return
        self.ctx.bridge.run(lambda: self.ctx.bridge.adapter.track(ticket, last4),
                              self.for_this_visitor(lambda view: self.show_ticket(view, "")), self.ctx.toast)

    def rate(self, stars: int) -> None:
        ticket, last4 = self.ticket_label.text(), self.last4.text().strip() or self.phone.text().strip()[-4:]
        self.ctx.bridge.run(lambda: self.ctx.bridge.adapter.rate(ticket, last4, stars),
                              lambda _=None: self.ctx.toast(f"谢谢您的评价：{stars} 星"), self.ctx.toast)

    def show_ticket(self, view: TicketView, phone: str) -> None:
        self.ctx.session.ticket = view.ticket
        self.result_title.setText(f"{view.state}" + (f" · 联系电话 {mask_phone(phone)}" if phone else ""))
        self.ticket_label.setText(view.ticket)
        self.qr.set_text(view.qr_text or view.ticket)
        clear(self.details)
        items = Card(margins=28, spacing=12)
        items.box.addWidget(label(f"拆分为 {len(view.items)} 项，分别办理" if len(view.items) > 1 else "办理事项", "h3"))
        for i, item in enumerate(view.items, 1):
            line = QVBoxLayout()
            line.setSpacing(2)
            line.addWidget(label(f"{i}. {item.text}"))
            where = " · ".join(dict.fromkeys(x for x in (item.section, item.department) if x))  # once if the same
            line.addWidget(label(f"{where} · {item.state} · 时限：{item.due}", "muted"))
            items.box.addLayout(line)
        self.details.addWidget(items)
        if view.timeline:
            steps = Card(margins=28, spacing=8)
            steps.box.addWidget(label("办理进度", "h3"))
            for when, state, note in view.timeline:
                line = QHBoxLayout()
                line.addWidget(IconLabel("check", 30, "ok"))
                line.addWidget(label(f"{when}　{state}", wrap=False))
                line.addWidget(label(note, "muted"), 1)
                steps.box.addLayout(line)
            self.details.addWidget(steps)
        self.rating.setVisible(view.can_rate)
        self.details.addStretch(1)
        self.show_page(2)

    def stage_demo(self, records: dict) -> None:
        self.show_ticket(records["ticket"], records["phone"])
