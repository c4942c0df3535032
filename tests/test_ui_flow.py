"""A scripted visitor: asks by text, opens a source, scans a licence, answers a question, submits and tracks."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from support_ui import CITATION, ScriptedAdapter, make_window, settle

from kiosk.dialogue.answering import GroundedAnswerer
from kiosk.events import Citation
from kiosk.knowledge.answer import Answer
from kiosk.knowledge.parts import which_part
from kiosk.ui.chat import KioskBubble, SourceButton, VisitorBubble


def test_text_question_streams_answer_with_citation_card(qtbot):
    window = make_window(qtbot)
    window.navigate("conversation")
    conv = window.current()
    conv.input.setText("有没有研发补贴？")
    qtbot.mouseClick(conv.send_button, Qt.MouseButton.LeftButton)
    settle(window)
    bubbles = conv.area.widget().findChildren(KioskBubble)
    answer = bubbles[-1]
    assert "20万元" in answer.text and answer.text.startswith("关于研发补贴")
    sources = [b for b in answer.findChildren(type(conv.send_button)) if b.property("role") == "source"]
    assert sources and "西湖区关于支持企业研发创新" in sources[0].full
    qtbot.mouseClick(sources[0], Qt.MouseButton.LeftButton)
    assert window.overlay.isVisible() and "一次性奖励20万元" in window.overlay.body.text()
    assert conv.suggestions.count() >= 1  # the follow-up question is offered as a button
    assert [t.who for t in window.session.conversation] == ["visitor", "kiosk"]


def test_new_question_while_streaming_drops_the_old_answer(qtbot):
    window = make_window(qtbot, ScriptedAdapter(sentence_delay_s=0.3))
    window.navigate("conversation")
    conv = window.current()
    conv.ask("第一个问题")
    conv.ask("第二个问题")  # barge in before the first answer finished
    settle(window)
    bubbles = conv.area.widget().findChildren(KioskBubble)
    visitors = [b.label.text() for b in conv.area.widget().findChildren(VisitorBubble)]
    assert visitors == ["第一个问题", "第二个问题"]
    assert "20万元" in bubbles[-1].text
    assert "20万元" not in bubbles[-2].text  # the interrupted answer stopped before its second sentence


def test_scan_licence_then_matched_policies_and_follow_up(qtbot, tmp_path: Path):
    window = make_window(qtbot)
    window.navigate("scan")
    scan = window.current()
    image = tmp_path / "licence.png"
    from kiosk.ui import viewmodels as vm
    from kiosk.ui.screenshot_stage import licence_image

    licence_image(vm.demo_scan()).save(str(image))
    scan._have_image(image)
    settle(window)
    assert scan.fields["credit_code"].text() == "91330106MA2KXY7F3A"
    assert scan.valid_badge.text() == "信用代码校验通过"
    qtbot.mouseClick(scan.confirm, Qt.MouseButton.LeftButton)
    settle(window)
    policies = window.current()
    assert policies.name == "policies"
    assert "杭州西溪云启科技有限公司" in policies.heading.text()
    texts = [w.text() for w in policies.area.widget().findChildren(QLabel)]
    assert "完全符合" in texts and "差一步" in texts
    yes = next(b for b in policies.area.widget().findChildren(type(scan.confirm)) if b.text() == "是")
    qtbot.mouseClick(yes, Qt.MouseButton.LeftButton)
    settle(window)
    assert window.session.answers  # the answer is kept for this visitor only


def test_submit_and_track_request(qtbot):
    adapter = ScriptedAdapter()
    window = make_window(qtbot, adapter)
    window.navigate("request")
    req = window.current()
    req.text.setPlainText("门口路砖坏了")
    req.company.setText("杭州西溪云启科技有限公司")
    req.phone.setText("13812345678")
    req.submit()
    settle(window)
    assert not adapter.submitted  # no consent, nothing sent
    req.consent.setChecked(True)
    req.submit()
    settle(window)
    assert adapter.submitted == [("门口路砖坏了", "杭州西溪云启科技有限公司", "13812345678", "")]
    assert req.ticket_label.text() == "XH20261123-0042"
    assert "138****5678" in req.result_title.text() and "13812345678" not in req.result_title.text()
    assert req.qr.matrix
    window.navigate("request", track=True)
    req.ticket_in.setText("XH20261123-0042")
    req.last4.setText("5678")
    req.track()
    settle(window)
    assert req.pages.currentIndex() == 2 and req.rating.isVisibleTo(req)


def test_guide_checklist_follows_answers(qtbot):
    window = make_window(qtbot)
    window.navigate("guide")
    settle(window)
    guide = window.current()
    guide.open("restaurant")
    settle(window)
    before = len(guide.current.checklist(guide.answers))
    guide.set_answer("area_over_300", True)
    settle(window)
    assert len(guide.current.checklist(guide.answers)) == before + 1


def test_keyboard_navigation_reaches_and_activates_buttons(qtbot):
    window = make_window(qtbot)
    attract = window.current()
    attract.setFocus()
    for _ in range(40):
        qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_Tab)
        if window.focusWidget() is attract.scan:
            break
    assert window.focusWidget() is attract.scan
    qtbot.keyClick(attract.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current().name == "scan", timeout=2000)
    qtbot.keyClick(window.current(), Qt.Key.Key_Escape)
    assert window.current().name == "attract"


class DomainAnswers(ScriptedAdapter):
    """Answers streamed as the dialogue streams the composer's: the scripted answer for any other question."""

    def __init__(self, answers: dict[str, Answer]):
        super().__init__()
        self.answers = answers

    def answer(self, text: str, cancelled):
        if text in self.answers:
            yield from GroundedAnswerer().stream(self.answers[text], "auto", cancel=cancelled)
        else:
            yield from super().answer(text, cancelled)


def test_a_refusal_shows_what_it_suggests_and_a_question_in_parts_offers_each_part(qtbot):
    title = "2025年度积分制入户工作热点13问"
    suggested = Citation(1, "jifen.txt", title, "问一", f"{title}\n积分制入户指标共1.6万个。")
    refusal = Answer("2026年的积分入户指标有多少？", "抱歉，政策库里没有找到能准确回答这个问题的依据。", True, 0.2,
                     citations=[suggested], suggestions=[f"《{title}》讲了什么？"])
    parts = ["市场主体歇业最长可以多久？", "2030年杭州的人才公寓怎么申请？"]
    answered = Answer(parts[0], "歇业期限最长不得超过3年。[1]", False, 0.8, citations=[CITATION])
    asked = which_part("".join(parts), parts, [answered, replace(refusal, question=parts[1])], refusal)
    window = make_window(qtbot, DomainAnswers({refusal.question: refusal, asked.question: asked}))
    window.navigate("conversation")
    conv = window.current()

    conv.ask(refusal.question)
    settle(window)
    bubble = conv.area.widget().findChildren(KioskBubble)[-1]
    assert bubble.text.startswith(refusal.text) and f"《{title}》" in bubble.text  # the suggestion, said
    sources = [b.full for b in bubble.findChildren(SourceButton)]
    assert sources == [f"[1] 《{title}》 问一"]  # and its source, shown
    chips = [conv.suggestions.itemAt(i).widget() for i in range(conv.suggestions.count())]
    assert [c.accessibleName() for c in chips] == refusal.suggestions

    conv.ask(asked.question)
    settle(window)
    assert "两件事" in conv.area.widget().findChildren(KioskBubble)[-1].text
    chips = [conv.suggestions.itemAt(i).widget() for i in range(conv.suggestions.count())]
    assert [c.accessibleName() for c in chips] == [parts[0]]  # the part the store answers, a tap away
    qtbot.mouseClick(chips[0], Qt.MouseButton.LeftButton)
    settle(window)
    visitors = [b.label.text() for b in conv.area.widget().findChildren(VisitorBubble)]
    assert visitors[-1] == parts[0]
