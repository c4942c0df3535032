"""The kiosk's main window: top bar, the screens, the privacy footer, overlays and the idle reset."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QColor, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.config import Settings
from kiosk.events import EngineStatus
from kiosk.store.demo import DEMO_BADGE, SAMPLE_MARK
from kiosk.ui.avatar import Avatar
from kiosk.ui.bridge import ENGINE_NAMES, ServiceBridge
from kiosk.ui.helpdesk import HelpDesk
from kiosk.ui.overlay import Overlay
from kiosk.ui.screens.base import Context, Screen
from kiosk.ui.session import IdleWatcher, Session
from kiosk.ui.theme import Theme, style_sheet
from kiosk.ui.widgets import ElidedLabel, IconButton, IconLabel, label

PRIVACY_HTML = (
    "<p>本机是公共设备。为保护您的信息：</p><ul>"
    "<li>对话、扫描的证照图片和企业信息只保存在本次服务中，<b>{s} 秒无操作自动清除</b>，也可随时点“结束服务”。</li>"
    "<li>身份证号、手机号在屏幕上只显示部分数字。</li>"
    "<li>只有您点“提交诉求”并勾选同意后，诉求内容和联系电话才会交给相关部门办理。</li>"
    "<li>本机离线运行，不会把您的信息上传到互联网。</li></ul>")


# what a missing engine means for the visitor, and what to do instead
MISSING_HINTS = {"voice": "语音暂不可用，请点屏幕或用键盘提问", "ocr": "证照识别暂不可用，可以手动填写企业信息",
                 "knowledge": "政策库暂不可用，请到服务窗口咨询", "dialogue": "将直接从政策原文回答",
                 "pinyin": "拼音输入暂用常用字"}


class MainWindow(QWidget):
    def __init__(self, bridge: ServiceBridge, settings: Settings | None = None, screens: list[type[Screen]] | None = None):
        super().__init__()
        self.setObjectName("root")
        self.setMinimumSize(640, 480)  # below a screen's own layout, the screen scrolls
        self.setWindowTitle("西小服 · 西湖区企业综合服务中心")
        self.settings = settings or Settings()
        self.bridge = bridge
        self.session = Session()
        self.elderly = False
        self.high_contrast = False
        self.theme = Theme()
        self.helpdesk = HelpDesk(self.settings.staff_call_minutes)
        self.ctx = Context(bridge, self.session, self.settings, self.navigate, self.toast, self.show_source,
                           lambda: self.theme, lambda: self.elderly, self.helpdesk, self.call_staff)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.topbar = self._top_bar()
        column.addWidget(self.topbar)
        self.stack = QStackedWidget()
        column.addWidget(self.stack, 1)
        self.footer = self._footer()
        column.addWidget(self.footer)
        self.screens: dict[str, Screen] = {}
        self._frames: dict[str, QScrollArea] = {}
        for cls in screens or default_screens():
            screen = cls(self.ctx)
            self.screens[screen.name] = screen
            frame = ScreenFrame(screen)
            self._frames[screen.name] = frame
            self.stack.addWidget(frame)
        self.overlay = Overlay(self)
        self._toast = QLabel(self)
        self._toast.setObjectName("toast")
        self._toast.hide()
        self._toast_timer = QTimer(self, singleShot=True, interval=4500, timeout=self._toast.hide)
        self.idle = IdleWatcher(self.settings.idle_reset_seconds, self)
        self.idle.warning.connect(self._idle_warning)
        self.idle.expired.connect(self.end_session)
        self.idle.watch(True)
        self._resize_timer = QTimer(self, singleShot=True, interval=120, timeout=self.apply_theme)
        bridge.status.connect(self._on_status)
        self._shortcuts()
        self._themed = False
        self.sheet = ""
        self._stale: set[str] = set()  # screens not restyled since the theme last changed
        self._background_restyle = QTimer(self, interval=150, timeout=self._restyle_one_stale)
        self.navigate("attract")

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.idle.watch(True)  # again after a close
        if not self._themed:  # style once, at the size the window opens with
            self._themed = True
            self.apply_theme()
            self._restyle_screen(self.current().name)  # the first frame is drawn styled
        super().showEvent(event)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.idle.watch(False)
        super().closeEvent(event)

    # -- chrome --------------------------------------------------------------------------------------------
    def _top_bar(self) -> QFrame:
        bar = QFrame()
        bar.setObjectName("topbar")
        row = QHBoxLayout(bar)
        row.setContentsMargins(32, 12, 32, 12)
        row.setSpacing(14)
        self.logo = Avatar()
        self.logo.setMinimumSize(56, 64)
        self.logo.setMaximumSize(64, 72)
        row.addWidget(self.logo)
        title = QVBoxLayout()
        title.setSpacing(0)
        title.addWidget(label("西小服", "brand", wrap=False))
        title.addWidget(label("西湖区企业综合服务中心", "muted", wrap=False))
        row.addLayout(title)
        row.addSpacing(24)
        # shown for as long as the store holds invented demo content, on every screen
        self.demo_badge = label(DEMO_BADGE, "badge-warn", wrap=False)
        self.demo_badge.setToolTip(f"本机正在展示演示用的{SAMPLE_MARK}政策和联系方式，不是正式信息")
        self.demo_badge.hide()
        row.addWidget(self.demo_badge, 0, Qt.AlignmentFlag.AlignVCenter)
        self.status_icon = IconLabel("info", 28, "muted")
        self.status_label = ElidedLabel("正在准备…", "muted")
        self.status_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.status_label, 1)
        row.addWidget(self.status_icon)
        row.addSpacing(24)
        self.home_button = IconButton("首页", "home", "ghost", self.go_home)
        self.elderly_button = IconButton("长辈模式", "text-size", "ghost", self.toggle_elderly)
        self.contrast_button = IconButton("高对比", "contrast", "ghost", self.toggle_contrast)
        self.privacy_button = IconButton("隐私说明", "shield", "ghost", self.show_privacy)
        for b in (self.elderly_button, self.contrast_button):
            b.setCheckable(True)
        for b in (self.home_button, self.elderly_button, self.contrast_button, self.privacy_button):
            row.addWidget(b)
        self.subtitle = title.itemAt(1).widget()
        return bar

    def _footer(self) -> QFrame:
        bar = QFrame()
        bar.setObjectName("footer")
        row = QHBoxLayout(bar)
        row.setContentsMargins(40, 4, 32, 10)
        row.addWidget(IconLabel("shield", 26, "muted"))
        self.privacy_line = ElidedLabel("", "muted")
        row.addWidget(self.privacy_line, 1)
        row.addStretch(1)
        self.help_button = IconButton("找工作人员", "person", None, self.call_staff)
        self.end_button = IconButton("结束服务", "refresh", "ghost", self.confirm_end)
        self.staff_button = IconButton("员工登录", "lock", "ghost", lambda: self.navigate("staff"))
        row.addWidget(self.help_button)
        row.addWidget(self.end_button)
        row.addWidget(self.staff_button)
        self._update_privacy_line()
        return bar

    def _update_privacy_line(self) -> None:
        # True to the letter: a request keeps the contact phone the visitor agreed to leave, and its text only
        # with ID, phone and card numbers and names masked (kiosk.privacy).
        self.privacy_line.setText(f"仅保存您同意留下的联系电话，不保存证件号等个人信息 · {self.idle_seconds} 秒无操作自动清除")

    @property
    def idle_seconds(self) -> int:
        return self.settings.idle_reset_seconds

    def _shortcuts(self) -> None:
        for keys, action in (("Esc", self.go_home), ("Ctrl+Shift+S", lambda: self.navigate("staff")),
                             ("Ctrl+E", self.toggle_elderly), ("Ctrl+H", self.toggle_contrast),
                             ("F1", self.show_privacy)):
            QShortcut(QKeySequence(keys), self, activated=action)
        for i, name in enumerate(("conversation", "scan", "policies", "request", "guide"), start=1):
            QShortcut(QKeySequence(f"Alt+{i}"), self, activated=lambda n=name: self.navigate(n))
        self.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        # Enter activates the focused button, as Space does, so the kiosk works from a keypad alone.
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focus = QApplication.focusWidget()
            if focus is not None and focus.inherits("QAbstractButton") and self.isAncestorOf(focus):
                focus.animateClick()
                return True
        return False

    # -- navigation ----------------------------------------------------------------------------------------
    def navigate(self, name: str, **kwargs) -> None:
        screen = self.screens.get(name)
        if screen is None:
            return
        self._restyle_screen(name)
        self.stack.setCurrentWidget(self._frames[name])
        self.home_button.setVisible(name != "attract")
        screen.setFocus()
        screen.entered(**kwargs)

    def current(self) -> Screen:
        return self.stack.currentWidget().widget()

    def go_home(self) -> None:
        if self.overlay.isVisible():
            self.overlay.hide()
            return
        self.navigate("attract")

    def call_staff(self) -> None:
        """Put the visitor in the staff queue and tell them how long it will be."""
        call = self.helpdesk.call(self.current().title)
        ahead = self.helpdesk.ahead_of(call)
        queue = f"前面还有 {ahead} 位，" if ahead else ""
        self.overlay.show_message("已通知工作人员", f"<p>工作人员会到这台一体机旁边找您。</p>"
                                  f"<p>{queue}预计等待约 <b>{self.helpdesk.wait_minutes(call)}</b> 分钟。</p>"
                                  "<p>等待时可以继续使用本机。</p>", "好的")
        self._calls_changed()

    def _calls_changed(self) -> None:
        staff = self.screens.get("staff")
        if staff is not None:
            staff.calls_changed()

    def confirm_end(self) -> None:
        """结束服务 asks first when there is something to lose; an empty session just goes home."""
        if self.session.is_empty():
            self.end_session()
            return
        self.overlay.ask("结束本次服务？", "<p>结束后，本次的对话、扫描的证照和填写的信息都会清除。</p>",
                         "结束并清除", self.end_session, "继续使用")

    def end_session(self) -> None:
        """Wipe everything about the visitor, including the display modes they chose, and go home."""
        self.bridge.interrupt("idle")
        self.bridge.run(self.bridge.adapter.new_visitor)  # the dialogue forgets the last visitor too
        self.session.wipe()
        self.helpdesk.visitor_left()
        self._calls_changed()
        for screen in self.screens.values():
            screen.reset()
        self.overlay.hide()
        if self.elderly or self.high_contrast:  # the next visitor starts from the standard screen
            self.elderly = self.high_contrast = False
            self.elderly_button.setChecked(False)
            self.contrast_button.setChecked(False)
            QTimer.singleShot(0, self.apply_theme)  # its own turn of the event loop: each stays short
        self.idle.poke()
        self.navigate("attract")

    def _idle_warning(self, seconds: int) -> None:
        if self.current().name == "attract" and self.session.is_empty() and not (self.elderly or self.high_contrast):
            return
        text = (f"<p><b>{seconds}</b> 秒后将清除本次服务的记录，回到首页。</p>"
                "<p>需要继续，请点下面的按钮。</p>")
        if self.overlay.isVisible() and self.overlay.kind == "idle":
            self.overlay.body.setText(text)  # the count goes down in place
        else:
            self.overlay.show_message("还在吗？", text, "继续使用", kind="idle")

    # -- feedback ------------------------------------------------------------------------------------------
    def toast(self, text: str) -> None:
        self._toast.setText(text)
        self._toast.setWordWrap(True)
        self._toast.setMaximumWidth(int(self.width() * 0.7))
        self._toast.adjustSize()
        # under the top bar: the bottom of a screen holds its buttons and the chips a visitor is about to tap
        self._toast.move((self.width() - self._toast.width()) // 2, self.topbar.height() + 16)
        self._toast.show()
        self._toast.raise_()
        self._toast_timer.start()

    def show_source(self, title: str, html: str) -> None:
        self.overlay.show_message(title, html, "关闭")

    def show_privacy(self) -> None:
        self.overlay.show_message("隐私说明", PRIVACY_HTML.format(s=self.idle_seconds))

    def _on_status(self, st: EngineStatus) -> None:
        if st.engine == "knowledge" and st.state == "ready":
            self.bridge.run(self.bridge.adapter.demo_content, self.demo_badge.setVisible)
        states = self.bridge.states
        loading = [ENGINE_NAMES.get(k, k) for k, s in states.items() if s.state == "loading"]
        missing = [MISSING_HINTS.get(k, f"{ENGINE_NAMES.get(k, k)}暂不可用")
                   for k, s in states.items() if s.state in ("missing", "failed")]
        if loading:
            self.status_label.setText("正在准备：" + "、".join(loading))
            self.status_icon.set_icon("clock", "muted")
        elif missing:
            self.status_label.setText("；".join(missing))
            self.status_icon.set_icon("info", "warn")
        else:
            self.status_label.setText("一切就绪")
            self.status_icon.set_icon("check", "ok")
        for screen in self.screens.values():
            screen.engines_changed()

    # -- theme ---------------------------------------------------------------------------------------------
    def toggle_elderly(self) -> None:
        self.elderly = not self.elderly
        self.elderly_button.setChecked(self.elderly)
        self.apply_theme()
        self.toast("已切换到长辈模式：字更大，说话更慢" if self.elderly else "已恢复标准字号")

    def toggle_contrast(self) -> None:
        self.high_contrast = not self.high_contrast
        self.contrast_button.setChecked(self.high_contrast)
        self.apply_theme()

    def _compact(self, on: bool) -> None:
        """In a narrow window the bar buttons show their icons only (names stay as tooltips for the reader)."""
        for b in (self.home_button, self.elderly_button, self.contrast_button, self.privacy_button, self.end_button,
                  self.staff_button):
            b.setText("" if on else b.accessibleName())
            b.setToolTip(b.accessibleName())
        self.subtitle.setVisible(not on)

    def apply_theme(self) -> None:
        """Restyle the bars, the overlay and the screen on show now; the other screens when they are next shown
        (restyling every screen at once holds the UI thread for a quarter of a second)."""
        self._compact(self.width() < 1280)
        self.theme = Theme().with_modes(self.elderly, self.high_contrast).with_window(self.width(), self.height())
        p = self.theme.palette
        self.sheet = style_sheet(self.theme) + f"""
QLabel#toast {{ background: {p.text}; color: {p.card}; border-radius: {self.theme.px(20)}px;
  padding: {self.theme.px(18)}px {self.theme.px(30)}px; font-size: {self.theme.px(26)}px; }}"""
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(p.bg))
        self.setPalette(palette)
        self.setAutoFillBackground(True)
        for part in (self.topbar, self.footer, self.overlay, self._toast):
            self._restyle(part)
        self._stale = set(self._frames)
        QTimer.singleShot(0, lambda: self._restyle_screen(self.current().name))  # in a turn of its own
        self._background_restyle.start()

    def _restyle(self, part: QWidget) -> None:
        part.setStyleSheet(self.sheet)
        for w in [part, *part.findChildren(QWidget)]:
            if hasattr(w, "retint"):
                w.retint(self.theme)
            if isinstance(w, Avatar):
                w.contrast = self.high_contrast

    def _restyle_one_stale(self) -> None:
        """While the kiosk is idle, the screens not on show are restyled one per tick, so a visitor's first
        tap on them does not pay for it."""
        if self._stale:
            self._restyle_screen(sorted(self._stale)[0])
        else:
            self._background_restyle.stop()

    def _restyle_screen(self, name: str) -> None:
        if name in self._stale:
            self._stale.discard(name)
            self._restyle(self._frames[name])

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        scale = Theme().with_window(self.width(), self.height()).scale
        if abs(scale - self.theme.scale) > 0.04:
            self._resize_timer.start()


class ScreenFrame(QScrollArea):
    """Holds one screen at the window's size. Only a window smaller than the screen's minimum layout scrolls
    (800×600 dev windows): Qt's own resizable scroll area would give wrapped text its preferred height and
    scroll a screen that fits."""

    def __init__(self, screen: Screen):
        super().__init__()
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(False)
        self.setWidget(screen)

    def fit(self) -> None:
        screen, view = self.widget(), self.viewport().size()
        least = screen.minimumSizeHint().expandedTo(screen.minimumSize())
        screen.resize(max(view.width(), least.width()), max(view.height(), least.height()))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.fit()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if obj is self.widget() and event.type() == QEvent.Type.LayoutRequest:  # its content changed
            QTimer.singleShot(0, self.fit)
        return super().eventFilter(obj, event)


def default_screens() -> list[type[Screen]]:
    from kiosk.ui.screens.attract import AttractScreen
    from kiosk.ui.screens.conversation import ConversationScreen
    from kiosk.ui.screens.guide import GuideScreen
    from kiosk.ui.screens.policies import PoliciesScreen
    from kiosk.ui.screens.request import RequestScreen
    from kiosk.ui.screens.scan import ScanScreen
    from kiosk.ui.screens.staff import StaffScreen

    return [AttractScreen, ConversationScreen, ScanScreen, PoliciesScreen, RequestScreen, GuideScreen, StaffScreen]
