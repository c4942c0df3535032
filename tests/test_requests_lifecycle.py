"""The lifecycle of a request: receipt, transitions with an audit trail, deadlines, reminders, escalation,
ratings, near-duplicates, privacy of status checks, concurrent staff, department figures."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from support_requests import departments, submit

from kiosk.requests.lifecycle import InvalidTransition, State, add_working_days
from kiosk.requests.repo.db import RequestDB
from kiosk.requests.routing import Router
from kiosk.requests.service import RequestService
from kiosk.requests.validate import RequestError


def test_receipt_has_ticket_items_due_and_message(svc):
    receipt = submit(svc, "门口人行道砖块翘起来了。另外想申请高新技术企业")
    assert receipt.ticket == "XH20261123-0001"
    d = receipt.to_dict()
    assert [i["department"] for i in d["items"]] == ["street_cuiyuan", "unit_kjj"]
    assert d["items"][0]["due"] == "2026-11-26T09:30"  # 3 working days
    assert d["items"][1]["due"] == "2026-11-30T09:30"  # 5 working days, over the weekend
    assert receipt.message.startswith("已受理，工单号 XH20261123-0001")
    assert "XH20261123-0001" in receipt.qr_text
    assert all(i.state == State.DISPATCHED for i in receipt.items)
    assert submit(svc, "公积金缴存基数怎么调整").ticket == "XH20261123-0002"


def test_ticket_numbers_restart_each_day(svc, clock):
    submit(svc)
    clock.advance(days=1)
    assert submit(svc, "公积金怎么开户").ticket == "XH20261124-0001"


def test_full_lifecycle_with_audit_trail(svc, clock):
    ticket = submit(svc).ticket
    svc.act(ticket, "accept", "王科长", "已联系企业")
    svc.act(ticket, "start", "王科长")
    clock.advance(hours=3)
    svc.act(ticket, "resolve", "王科长", "已上门辅导申报")
    [item] = svc.rate(ticket, "5678", 5, "很及时")
    assert item.state == State.CLOSED and item.rating == 5
    events = svc.status(ticket, "5678").events
    assert [e.action for e in events] == ["submit", "dispatch", "accept", "start", "resolve", "rate", "close"]
    accept = events[2]
    assert (accept.actor, accept.note, accept.from_state, accept.to_state) == ("王科长", "已联系企业", "dispatched", "accepted")


def test_invalid_transitions_are_refused_with_the_current_state(svc):
    ticket = submit(svc).ticket
    with pytest.raises(InvalidTransition, match="已派单.*不能办结"):
        svc.act(ticket, "resolve")
    svc.act(ticket, "accept")
    with pytest.raises(InvalidTransition, match="已接单.*不能接单"):
        svc.act(ticket, "accept")
    with pytest.raises(InvalidTransition):
        svc.rate(ticket, "5678", 4)


def test_poor_rating_reopens_with_new_deadline(svc, clock):
    ticket = submit(svc).ticket
    svc.act(ticket, "accept")
    svc.act(ticket, "resolve")
    clock.advance(days=2)
    [item] = svc.rate(ticket, "5678", 2, "没有解决问题")
    assert item.state == State.DISPATCHED and item.reopened == 1 and item.resolved_at is None
    assert item.due_at == add_working_days(clock.now, 5)
    svc.act(ticket, "accept")  # the department takes it again


def test_rating_must_be_1_to_5(svc):
    ticket = submit(svc).ticket
    with pytest.raises(RequestError, match="1 到 5"):
        svc.rate(ticket, "5678", 6)


def test_reminder_then_escalation_then_next_cycle(svc, clock):
    ref = submit(svc).items[0].ref
    assert svc.sweep() == []  # nothing overdue yet
    clock.advance(days=8)
    assert svc.sweep() == [(ref, "remind")]
    assert svc.sweep() == []  # the second reminder waits a day
    clock.advance(days=1, minutes=1)
    assert svc.sweep() == [(ref, "escalate")]
    item = svc.list_items()[0]
    assert item.escalation == 1 and item.reminders == 2 and item.due_at > clock.now
    notes = [e.note for e in svc.status(ref, "5678").events if e.action == "escalate"]
    assert "科技创新服务专区负责人" in notes[0]
    clock.advance(days=5)
    assert svc.sweep() == [(ref, "remind")]
    clock.advance(days=1, minutes=1)
    assert svc.sweep() == [(ref, "escalate")]
    assert svc.list_items()[0].escalation == 2


def test_resolved_items_nobody_rates_are_closed(svc, clock):
    ticket = submit(svc).ticket
    svc.act(ticket, "accept")
    svc.act(ticket, "resolve")
    clock.advance(days=8)
    assert svc.sweep() == [(f"{ticket}-1", "close")]


def test_near_duplicate_from_same_enterprise_is_linked_not_duplicated(svc, clock):
    first = submit(svc, "我们公司门口的路灯坏了一个多月了")
    clock.advance(days=2)
    again = submit(svc, "公司门口路灯坏了很久，一直没人修", phone="13900001111")  # same company, other phone
    assert again.ticket == first.ticket and again.linked
    assert len(svc.list_items()) == 1
    assert any(e.action == "linked" for e in svc.status(first.ticket, "5678").events)


def test_mixed_request_links_old_matter_and_opens_new_one(svc):
    first = submit(svc, "我们公司门口的路灯坏了一个多月了")
    mixed = submit(svc, "门口路灯坏了一个多月了还没修。另外公积金缴存基数怎么调整")
    assert mixed.ticket != first.ticket
    assert [i.category for i in mixed.items] == ["provident"]
    assert list(mixed.linked.values()) == [first.items[0].ref]
    assert "另有1项已在办理中" in mixed.message


def test_a_colleague_who_joined_an_item_looks_it_up_later_with_their_own_number(svc, clock):
    """A colleague files the same matter under their own phone: it joins the open item, and later they can follow
    (and chase) that item with their own last four digits, without seeing the enterprise's other items."""
    first = submit(svc, "我们公司门口的路灯坏了一个多月了。另外公积金缴存基数怎么调整")
    lamp = next(i for i in first.items if i.category != "provident")
    clock.advance(days=1)
    again = submit(svc, "公司门口路灯坏了很久，一直没人修", phone="13900001111")
    assert again.ticket == first.ticket and list(again.linked.values()) == [lamp.ref]
    clock.advance(days=2)
    view = svc.status(first.ticket, "1111")
    assert [i.ref for i in view.items] == [lamp.ref]
    assert {e.item_ref for e in view.events} == {lamp.ref}
    assert view.phone_masked == "138****5678"  # the ticket's own contact, masked, not the colleague's number
    assert [i.ref for i in svc.chase(lamp.ref, "1111")] == [lamp.ref]
    other = next(i.ref for i in first.items if i.ref != lamp.ref)
    with pytest.raises(RequestError, match="没有找到"):
        svc.chase(other, "1111")
    assert len(svc.status(first.ticket, "5678").items) == 2  # the ticket's own number still opens all of it
    with pytest.raises(RequestError, match="没有找到"):
        svc.status(first.ticket, "2222")  # a number that joined nothing is a wrong guess, as before


def test_other_enterprise_or_old_matter_is_not_linked(svc, clock):
    submit(svc, "我们公司门口的路灯坏了一个多月了")
    other = submit(svc, "我们公司门口的路灯坏了一个多月了", company="杭州另一家有限公司", phone="13900001111")
    assert not other.linked
    clock.advance(days=8)
    later = submit(svc, "我们公司门口的路灯坏了一个多月了")
    assert not later.linked


def test_status_needs_ticket_and_phone_digits_and_leaks_nothing(svc):
    ticket = submit(svc).ticket
    view = svc.status(ticket, "5678")
    assert view.phone_masked == "138****5678"
    with pytest.raises(RequestError) as wrong_digits:
        svc.status(ticket, "0000")
    with pytest.raises(RequestError) as no_ticket:
        svc.status("XH20991231-9999", "5678")
    assert wrong_digits.value.friendly == no_ticket.value.friendly  # same answer: no hint the ticket exists
    with pytest.raises(RequestError, match="后四位"):
        svc.status(ticket, "56")


def test_list_filters_and_overdue(svc, clock):
    submit(svc, "门口人行道砖块翘起来了")
    submit(svc, "公积金缴存基数怎么调整")
    assert [i.department for i in svc.list_items(section="sec_talent")] == ["unit_gjj"]
    assert [i.department for i in svc.list_items(department="street_cuiyuan")] == ["street_cuiyuan"]
    assert svc.list_items(overdue=True) == []
    clock.advance(days=4)
    assert len(svc.list_items(overdue=True)) == 2
    with pytest.raises(RequestError, match="没有“done”这个状态"):
        svc.list_items(state="done")


def test_transfer_down_to_a_street(svc):
    ticket = submit(svc, "我们想反映一个情况", address="").ticket
    [item] = svc.transfer(ticket, "street_xixi", "李科员", "经核实属西溪街道辖区")
    assert (item.department, item.section, item.tier, item.state) == ("street_xixi", None, "street", State.DISPATCHED)
    with pytest.raises(RequestError, match="没有找到部门"):
        svc.transfer(ticket, "street_nowhere")


def test_chase_by_the_enterprise(svc):
    ticket = submit(svc).ticket
    [item] = svc.chase(ticket, "5678")
    assert any(e.action == "chase" for e in svc.status(ticket, "5678").events)
    with pytest.raises(RequestError):
        svc.chase(ticket, "1111")


def test_department_stats(svc, clock):
    a = submit(svc).ticket
    b = submit(svc, "科技型中小企业评价入库怎么做").ticket
    svc.act(a, "accept")
    svc.act(a, "resolve")
    svc.rate(a, "5678", 5)
    svc.act(b, "accept")
    clock.advance(days=10)
    svc.act(b, "resolve")  # late
    svc.rate(b, "5678", 3)
    [kjj] = [s for s in svc.stats() if s.department == "unit_kjj"]
    assert (kjj.total, kjj.resolved, kjj.on_time, kjj.rated) == (2, 2, 1, 2)
    assert kjj.on_time_rate == 0.5 and kjj.average_rating == 4.0


def test_concurrent_staff_actions_on_one_item(tmp_path, clock):
    path = tmp_path / "requests.db"
    svc = RequestService(RequestDB(path), Router(departments()), clock=clock)
    ref = submit(svc).items[0].ref
    terminals = [RequestService(RequestDB(path), Router(departments()), clock=clock) for _ in range(4)]
    results: list[str] = []
    barrier = threading.Barrier(len(terminals))

    def accept(service):
        barrier.wait()
        try:
            service.act(ref, "accept", "窗口")
            results.append("ok")
        except InvalidTransition:
            results.append("refused")

    threads = [threading.Thread(target=accept, args=(t,)) for t in terminals]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "refused", "refused", "refused"]
    assert [e.action for e in svc.status(ref, "5678").events].count("accept") == 1


def test_working_days_skip_weekends():
    friday = datetime(2026, 11, 27, 16, 0)
    assert add_working_days(friday, 1) == datetime(2026, 11, 30, 16, 0)
    saturday = datetime(2026, 11, 28, 10, 0)
    assert add_working_days(saturday, 1) == datetime(2026, 12, 1, 10, 0)


def test_same_topic_but_different_thing_is_not_linked(svc):
    submit(svc, "我们公司门口的路灯坏了")
    other = submit(svc, "我们公司门口的井盖坏了")
    assert not other.linked and len(svc.list_items()) == 2


def test_guessing_the_phone_digits_is_paused_at_that_source(svc, clock):
    from kiosk.requests.service import MAX_FAILED_CHECKS

    ticket = submit(svc).ticket
    for n in range(MAX_FAILED_CHECKS):
        with pytest.raises(RequestError, match="没有找到"):
            svc.status(ticket, f"{n:04d}", source="kiosk")
    with pytest.raises(RequestError, match="次数过多"):
        svc.status(ticket, "5678", source="kiosk")  # even the right digits wait now, at this terminal
    clock.advance(minutes=16)
    assert svc.status(ticket, "5678", source="kiosk").ticket == ticket


def test_a_stranger_guessing_cannot_lock_the_owner_out(svc):
    """Tickets are sequential: guesses at someone else's ticket lock the guesser's terminal, not the ticket."""
    ticket = submit(svc).ticket
    for n in range(20):
        with pytest.raises(RequestError):
            svc.status(ticket, f"{n:04d}", source="kiosk-2")
    assert svc.status(ticket, "5678", source="kiosk-1").ticket == ticket
    assert svc.status(ticket, "5678", source="cli").ticket == ticket


def test_greetings_alone_are_not_a_request(svc):
    with pytest.raises(RequestError, match="具体遇到了什么问题"):
        submit(svc, "你好，谢谢！")
    assert svc.db.count_tickets() == 0
