"""The conversation: the visitor speaks or types, 西小服 answers sentence by sentence with its sources."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.events import (
    AnswerDone,
    AnswerLead,
    AnswerSentence,
    Citation,
    FinalTranscript,
    Interrupted,
    MouthFrame,
    Notice,
    PartialTranscript,
    SpokenText,
)
from kiosk.ui.avatar import Avatar
from kiosk.ui.chat import KioskBubble, VisitorBubble, source_html
from kiosk.ui.chips import ElidedButton, chip_row
from kiosk.ui.feedback import FeedbackRow
from kiosk.ui.keyboard import Keyboard
from kiosk.ui.mouth import MouthTimeline
from kiosk.ui.screens.base import Context, Screen
from kiosk.ui.session import Turn, mask_text
from kiosk.ui.widgets import IconButton, clear, label, scroll_column

CITE_MARK = re.compile(r"\[\d+\]")  # citation numbers are for reading, not for the subtitle
CAPTIONS = {"idle": "有问题随时问我", "listening": "我在听，请说…", "thinking": "让我想一想…", "speaking": "正在回答"}
GREETING = "您好！请问有什么可以帮您？可以问我政策、办事材料、办理进度，也可以提诉求。"


class ConversationScreen(Screen):
    name = "conversation"
    title = "问答"

    def __init__(self, ctx: Context):
        super().__init__(ctx)
        body = QHBoxLayout()
        body.setSpacing(40)
        self.column.addLayout(body, 1)
        side = QVBoxLayout()
        self.avatar = Avatar()
        self.avatar.speech_finished.connect(lambda: self._set_state("idle"))
        side.addWidget(self.avatar, 1)
        self.subtitle = label("", "subtitle")  # the sentence being heard, while it is heard
        self.subtitle.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.subtitle.setAccessibleName("字幕")
        self.subtitle.hide()
        self.avatar.sentence_changed.connect(self._show_subtitle)
        side.addWidget(self.subtitle)
        self.caption = label(CAPTIONS["idle"], "caption")
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        side.addWidget(self.caption)
        body.addLayout(side, 3)

        main = QVBoxLayout()
        main.setSpacing(18)
        self.area, self.chat = scroll_column(22)
        main.addWidget(self.area, 1)
        self.suggestions_row, self.suggestions = chip_row(12)
        main.addWidget(self.suggestions_row)
        bar = QHBoxLayout()
        bar.setSpacing(14)
        self.mic = IconButton(" 按住说话", "mic", "primary", icon_px=40)
        self.mic.pressed.connect(self.start_listening)
        self.mic.released.connect(self.stop_listening)
        self.input = QLineEdit()
        self.input.setPlaceholderText("在这里输入问题，例如：开公司要准备哪些材料？")
        self.input.setAccessibleName("问题输入框")
        self.input.returnPressed.connect(self.send_typed)
        self.kb_button = IconButton("键盘", "keyboard", None, self.toggle_keyboard)
        self.send_button = IconButton("发送", "send", None, self.send_typed)
        bar.addWidget(self.mic)
        bar.addWidget(self.input, 1)
        bar.addWidget(self.kb_button)
        bar.addWidget(self.send_button)
        main.addLayout(bar)
        self.keyboard = Keyboard(ctx.bridge.pinyin)
        self.keyboard.attach(self.input)
        self.keyboard.submit.connect(self.send_typed)
        self.keyboard.hide()
        main.addWidget(self.keyboard)
        body.addLayout(main, 8)

        self._turn = -1
        self._bubble: KioskBubble | None = None
        self._draft: VisitorBubble | None = None
        self._question: VisitorBubble | None = None  # the latest question, kept in view with its answer
        self._in_view: QWidget | None = None  # a code the visitor just opened, kept in view instead
        self._voice_timeline: MouthTimeline | None = None
        self._level_timer = QTimer(self, interval=50, timeout=lambda: self.avatar.set_mic_level(
            self.ctx.bridge.mic_level()))
        self._scroll_timer = QTimer(self, singleShot=True, interval=30, timeout=self._scroll_to_latest)
        # the conversation's height is known only once Qt has laid out the new text: place it again then
        self.area.verticalScrollBar().rangeChanged.connect(lambda *_: self._scroll_timer.start())
        ctx.bridge.answer_event.connect(self.on_event)
        self.reset()
        self._warm_up()

    def _warm_up(self) -> None:
        """Lay out one of each bubble kind now, so the visitor's first question does not pay for it."""
        probe = [VisitorBubble("您好"), KioskBubble(self.open_source)]
        probe[1].set_placeholder("…")  # the first rich text also sets up Qt's text engine
        probe[1].append("示例[1]。")
        probe[1].add_citations((Citation(1, "", "示例", "", ""),))
        for widget in probe:
            self._add(widget)
            widget.ensurePolished()
            for child in widget.findChildren(QWidget):
                child.ensurePolished()
            widget.hide()
            widget.setParent(None)
            widget.deleteLater()

    # -- entering ------------------------------------------------------------------------------------------
    def entered(self, listen: bool = False, keyboard: bool = False, ask: str = "", **_) -> None:
        if ask:
            self.ask(ask)
        elif listen:
            self.start_listening()
        if keyboard:
            self.show_keyboard(True)

    def reset(self) -> None:
        self._turn = -1
        self._bubble = self._draft = self._question = self._in_view = None
        clear(self.chat)
        self.chat.addStretch(1)
        clear(self.suggestions)
        self.input.clear()
        self.keyboard.letters = ""
        self.show_keyboard(False)
        self._set_state("idle")
        self._add(KioskBubble(self.open_source, self.ctx.theme().palette.brand)).append(GREETING)

    def engines_changed(self) -> None:
        self.mic.setVisible(not self.ctx.bridge.unavailable("voice"))  # no dead button without a voice

    # -- visitor input -------------------------------------------------------------------------------------
    def toggle_keyboard(self) -> None:
        self.show_keyboard(not self.keyboard.isVisible())

    def show_keyboard(self, on: bool) -> None:
        """While the visitor types, the keys take the follow-up chips' room (short screens have no other)."""
        self.keyboard.setVisible(on)
        self.suggestions_row.setVisible(not on)
        if on:
            self.input.setFocus()

    def send_typed(self) -> None:
        if self.keyboard.letters:
            self.keyboard.commit_first()
        text = self.input.text().strip()
        if not text:
            self.ctx.toast("请先输入您的问题")
            return
        self.input.clear()
        self.show_keyboard(False)  # the answer gets the room the keys took; 键盘 brings them back
        self.ask(text)

    def start_listening(self) -> None:
        if not self.ctx.bridge.ready("voice"):
            self.ctx.toast("语音功能暂不可用，请用键盘输入您的问题")
            self.show_keyboard(True)
            return
        self.ctx.bridge.listen()
        self._turn = self.ctx.bridge.voice_turn
        self._bubble = None
        self._set_state("listening")
        self._level_timer.start()

    def stop_listening(self) -> None:
        self._level_timer.stop()
        if self.avatar.state == "listening":
            self.ctx.bridge.end_listening()
            self._set_state("thinking")

    def ask(self, text: str) -> None:
        self.ctx.bridge.interrupt("new-question")  # the answer still streaming stops before the new one shows
        self._visitor_said(text)
        self._turn = self.ctx.bridge.ask(text.strip()[:500])

    def _visitor_said(self, text: str) -> None:
        text = text.strip()[:500]
        if self._draft is None:
            self._question = self._add(VisitorBubble(text))
        else:
            self._draft.set_text(text)
            self._question, self._draft = self._draft, None
        self.ctx.session.conversation.append(Turn("visitor", text))
        self._in_view = None
        clear(self.suggestions)
        self._bubble = self._add(KioskBubble(self.open_source, self.ctx.theme().palette.brand))
        self._bubble.set_placeholder("让我查一查…")
        self._set_state("thinking")

    # -- answer events -------------------------------------------------------------------------------------
    def on_event(self, turn: int, event: object) -> None:
        if turn != self._turn:
            return  # a late event from an answer the visitor already interrupted
        if isinstance(event, PartialTranscript):
            if self._draft is None:
                self._draft = self._add(VisitorBubble(event.text, draft=True))
            else:
                self._draft.set_text(event.text, draft=True)
        elif isinstance(event, FinalTranscript):
            self._visitor_said(event.text)  # the voice loop answers it; its events follow on this turn
        elif isinstance(event, MouthFrame | SpokenText):
            self._follow_voice(event)
        elif self._bubble is None:
            if isinstance(event, Notice):
                self.ctx.toast(event.text)
                self._set_state("idle")
        elif isinstance(event, AnswerLead | AnswerSentence | Notice):
            self._bubble.append(event.text)
        elif isinstance(event, AnswerDone):
            self._finish(event)
        elif isinstance(event, Interrupted):
            self._bubble.note("（已停止回答）")
            self._set_state("idle")
        self._scroll_timer.start()

    def _finish(self, done: AnswerDone) -> None:
        bubble = self._bubble
        if not bubble.text and done.answer:
            bubble.append(done.answer)
        bubble.add_citations(done.citations)
        if bubble.text and self._question is not None:
            bubble.offer_takeaway(self._question.text).opened.connect(self._keep_in_view)
        if done.turn and done.engine != "dialogue":  # answers from the documents, not greetings or receipts
            bubble.sources.addWidget(FeedbackRow(lambda helpful, reason, turn=done.turn: self._feedback(
                turn, helpful, reason)))
        self.ctx.session.conversation.append(Turn("kiosk", bubble.text))
        self._offer(done.suggestions[:3])
        if self._voice_timeline is not None:
            self._voice_timeline.closed = True
        if self.avatar.state != "speaking":
            self._set_state("idle")

    def _feedback(self, turn: str, helpful: bool, reason: str) -> None:
        adapter = self.ctx.bridge.adapter
        self.ctx.bridge.run(lambda: adapter.feedback(turn, helpful, reason))

    def _follow_voice(self, event: MouthFrame | SpokenText) -> None:
        """Synthesised speech drives the mouth and the subtitle: its frames and sentences go on the voice
        timeline, read against the speaker."""
        clock = self.ctx.bridge.playback_clock()
        if clock is None:
            return
        start = event.t_ms if isinstance(event, MouthFrame) else event.start_ms
        if self._voice_timeline is None or start < self._voice_timeline.end_ms - 2000:
            self._voice_timeline = MouthTimeline()  # a new answer (the voice restarts its times after a barge-in)
        if isinstance(event, SpokenText):
            self._voice_timeline.add_sentence(event.start_ms, event.end_ms, event.text)
            return  # the mouth starts with the sound's own frames
        self._voice_timeline.extend([event])
        if self.avatar.state != "speaking":
            self.avatar.speak(self._voice_timeline, clock)
            self.caption.setText(CAPTIONS["speaking"])

    def open_source(self, c: Citation) -> None:
        self.ctx.show_source(*source_html(c))

    def _show_subtitle(self, sentence: str) -> None:
        """The heard sentence in place of the state caption; gone the moment the voice stops."""
        text = mask_text(CITE_MARK.sub("", sentence)).strip()
        self.subtitle.setText(text)
        self.subtitle.setVisible(bool(text))
        self.caption.setVisible(not text)

    # -- helpers -------------------------------------------------------------------------------------------
    def _set_state(self, state: str) -> None:
        self.avatar.set_state(state)
        self.caption.setText(CAPTIONS[state])

    def _add(self, widget):
        self.chat.insertWidget(self.chat.count() - 1, widget)
        self._scroll_timer.start()
        return widget

    def _offer(self, questions) -> None:
        """Follow-up questions as chips that wrap, and shorten rather than widen the screen."""
        for q in questions:
            self.suggestions.addWidget(ElidedButton(q, None, "chip", lambda q=q: self.ask(q)))

    def _keep_in_view(self, widget: QWidget) -> None:
        self._in_view = widget
        self._scroll_timer.start()

    def _scroll_to_latest(self) -> None:
        """Show the end of the conversation, unless that would push the latest question out of view: an
        answer taller than the screen is read from its start, with the question it answers above it. A code
        the visitor opened to scan stays wholly in view."""
        if self._in_view is not None and self._in_view.isVisible():
            self.area.ensureWidgetVisible(self._in_view, 0, 0)
            return
        bar = self.area.verticalScrollBar()
        target = bar.maximum()
        if self._question is not None and self._question.parent() is not None:
            target = min(target, max(0, self._question.y() - self.chat.spacing()))
        bar.setValue(target)

    def stage_demo(self, records: dict) -> None:
        """A real answer from the store, as a visitor would see it."""
        answer = records["answer"]
        self._question = self._add(VisitorBubble(answer.question))
        self._bubble = self._add(KioskBubble(self.open_source, self.ctx.theme().palette.brand))
        self._bubble.append(answer.text)
        self._bubble.add_citations(tuple(answer.citations))
        self._bubble.offer_takeaway(answer.question)
        self._offer(answer.suggestions)
        self.avatar.set_state("speaking")  # caught while saying the answer's first sentence
        self.avatar.openness = 0.7
        self.caption.setText(CAPTIONS["speaking"])
        self._show_subtitle((list(answer.sentences) or [answer.text])[0])
