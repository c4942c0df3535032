"""Each flow ends somewhere the visitor can act on: a request after a scan goes to the enterprise's street, the
ticket page is not covered, the guide's counts match its list and printing tells the truth, the policy list
ends with a next step and never drops a card silently, and the 查询进度 page has its keyboard."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton
from support_ui import ScriptedAdapter, make_window, policy_fixture, settle

from kiosk.ui import viewmodels as vm
from kiosk.ui.adapter import KioskAdapter

STREET_ADDRESS = "浙江省杭州市西湖区西溪街道文二路 200 号"


def test_request_after_a_scan_goes_to_the_enterprises_own_street(qtbot):
    adapter = ScriptedAdapter()
    window = make_window(qtbot, adapter)
    window.session.scan_fields = dict(vm.demo_scan().fields, address=STREET_ADDRESS)
    window.navigate("request")
    req = window.current()
    req.text.setPlainText("门口的路灯坏了好几天")
    req.phone.setText("13812345678")
    req.consent.setChecked(True)
    req.submit()
    settle(window)
    assert adapter.submitted[0][3] == STREET_ADDRESS
    ticket = KioskAdapter().submit("门口的路灯坏了好几天", "杭州测试科技有限公司", "13812345678", STREET_ADDRESS)
    assert [i.department for i in ticket.items] == ["西溪街道"]


class SlowSubmit(ScriptedAdapter):
    def submit(self, text, company, phone, address=""):
        time.sleep(0.3)
        return super().submit(text, company, phone, address)


def test_ticket_page_is_not_covered_by_a_stale_message(qtbot):
    window = make_window(qtbot, SlowSubmit())
    window.navigate("request")
    req = window.current()
    req.text.setPlainText("门口路砖坏了")
    req.phone.setText("13812345678")
    req.consent.setChecked(True)
    req.submit()
    assert "正在提交" in req.submit_button.text() and not req.submit_button.isEnabled()
    settle(window)
    assert req.pages.currentIndex() == 2
    assert not window._toast.isVisible()
    shown = [w.text() for w in window.findChildren(QLabel) + window.findChildren(QPushButton) if w.isVisible()]
    assert not any("正在提交" in t for t in shown)


def test_section_and_department_of_the_same_name_show_once(qtbot):
    window = make_window(qtbot)
    req = window.screens["request"]
    view = vm.demo_ticket()
    view.items[0].section = view.items[0].department = "营商环境与市场开拓专区"
    req.show_ticket(view, "")
    texts = [w.text() for w in req.details.parentWidget().findChildren(QLabel)]
    assert not any(t.count("营商环境与市场开拓专区") > 1 for t in texts)


def test_track_page_has_an_on_screen_keyboard_that_types_tickets(qtbot):
    window = make_window(qtbot)
    window.navigate("request", track=True)
    req = window.current()
    page = req.pages.currentWidget()
    kb_button = next(b for b in page.findChildren(QPushButton) if b.accessibleName() == "键盘")
    qtbot.mouseClick(kb_button, Qt.MouseButton.LeftButton)
    assert req.keyboard.isVisible() and req.keyboard.target is req.ticket_in
    keys = {b.text(): b for b in req.keyboard.findChildren(QPushButton)}
    for ch in "xh20261123-0042":
        qtbot.mouseClick(keys[ch], Qt.MouseButton.LeftButton)
    assert req.ticket_in.text().upper() == "XH20261123-0042"  # letters stay letters, not pinyin


def test_guide_counts_match_its_list_and_the_sample_mark_leads(qtbot):
    window = make_window(qtbot)
    guide = window.screens["guide"]
    adapter = KioskAdapter()
    first = adapter.guides()[0]
    view = adapter.tailor(first.id, {})
    guide.show_guide(view)
    labels = [w.text() for w in guide.area.widget().findChildren(QLabel)]
    assert not any("→" in t for t in labels)  # no second count that disagrees with the list
    needed = [m for m in view.materials if not m.pending]
    assert f"需要准备的材料（{len(needed)} 份）" in labels
    demo = vm.demo_guide()
    guide.show_guide(demo)
    head = guide.detail.itemAt(0).widget()
    assert "样例" in [w.text() for w in head.findChildren(QLabel)]


def test_printing_without_a_printer_says_so(qtbot, monkeypatch):
    import shutil

    monkeypatch.setattr(shutil, "which", lambda _name: None)
    adapter = KioskAdapter()
    guide_id = adapter.guides()[0].id
    out = adapter.print_guide(guide_id, {})
    assert out.path.exists() and out.printed is False

    class NoPrinter(ScriptedAdapter):
        def print_guide(self, guide_id, answers):
            return vm.PrintOut(out.path, False)

    window = make_window(qtbot, NoPrinter())
    window.navigate("guide")
    settle(window)
    guide = window.current()
    guide.open("restaurant")
    settle(window)
    guide.print_checklist()
    settle(window)
    assert "打印机出口" not in window._toast.text() and "不能打印" in window._toast.text()


class AnswerRulesOut(ScriptedAdapter):
    """Answering 否 to the one-step policy's question rules it out."""

    def match(self, fields, answers):
        results = policy_fixture()
        results += [vm.PolicyView("gz-1", "广州市某区扶持办法", "not_met", elsewhere=True),
                    vm.PolicyView("gz-2", "广州市某区扶持办法", "not_met", elsewhere=True),
                    vm.PolicyView("t-dup", "绿色工厂奖励（测试）", "not_met")]
        if answers.get("rd_ratio_over_3") is False:
            results[1].status = "not_met"
            results[1].conditions[1].status = "not_met"
        return results


def test_policy_list_ends_with_a_next_step_and_keeps_the_card_answered_no(qtbot):
    window = make_window(qtbot, AnswerRulesOut())
    window.session.scan_fields = dict(vm.demo_scan().fields)
    window.navigate("policies")
    settle(window)
    policies = window.current()
    inner = policies.area.widget()
    buttons = [b.accessibleName().strip() for b in inner.findChildren(QPushButton)]
    assert "预约申报咨询" in buttons
    texts = [w.text() for w in inner.findChildren(QLabel)]
    assert any("其他地区" in t for t in texts)
    listed = next(t for t in texts if t.startswith("另有") and "暂不符合" in t)
    assert listed.count("绿色工厂奖励（测试）") == 1 and "广州" not in listed
    no = next(b for b in inner.findChildren(QPushButton) if b.accessibleName() == "否")
    qtbot.mouseClick(no, Qt.MouseButton.LeftButton)
    settle(window)
    titles = [w.text() for w in policies.area.widget().findChildren(QLabel)]
    assert "研发投入补助（测试）" in titles  # still on screen, now marked as not fitting
    assert "暂不符合" in titles
    assert "研发投入补助" in policies.helper.text.text()


def test_the_policy_list_ends_with_asking_staff_to_go_through_it(qtbot):
    window = make_window(qtbot, AnswerRulesOut())
    window.session.scan_fields = dict(vm.demo_scan().fields)
    window.navigate("policies")
    settle(window)
    inner = window.current().area.widget()
    staff = next(b for b in inner.findChildren(QPushButton) if b.accessibleName().strip() == "请工作人员核对")
    qtbot.mouseClick(staff, Qt.MouseButton.LeftButton)
    assert len(window.helpdesk.calls) == 1 and window.helpdesk.calls[0].screen == window.current().title
    assert window.overlay.isVisible() and "分钟" in window.overlay.body.text()  # and how long the wait is
