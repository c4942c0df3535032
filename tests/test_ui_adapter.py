"""The screens' adapter over the real services: each call returns the records the screens show."""

from __future__ import annotations

import threading

import pytest

from kiosk.events import AnswerDone
from kiosk.ui.adapter import KioskAdapter, Unavailable
from kiosk.ui.viewmodels import demo_scan


@pytest.fixture(scope="module")
def adapter() -> KioskAdapter:
    b = KioskAdapter()
    b.load_knowledge()
    return b


def test_answer_streams_events_ending_with_done(adapter):
    events = list(adapter.answer("开公司要准备哪些材料？", threading.Event()))
    done = events[-1]
    assert isinstance(done, AnswerDone) and done.citations
    assert any(getattr(e, "text", "") for e in events[:-1])


def test_matching_from_licence_fields_and_answers(adapter):
    fields = dict(demo_scan().fields)
    first = adapter.match(fields, {})
    assert first and {p.status for p in first} <= {"met", "one_step", "unknown", "not_met"}
    order = ["met", "one_step", "unknown", "not_met"]
    assert [order.index(p.status) for p in first] == sorted(order.index(p.status) for p in first)
    asked = next(p for p in first if p.questions)
    key = asked.questions[0][0]
    again = {p.id: p for p in adapter.match(fields, {key: True})}
    assert again[asked.id].status in ("met", "one_step", "unknown")
    assert all(c.explanation for c in again[asked.id].conditions)


def test_request_submit_track_and_queue(adapter):
    ticket = adapter.submit("园区门口路砖坏了，另外想问高新技术企业认定什么时候申报", "杭州测试科技有限公司",
                             "13812345678")
    assert ticket.ticket and ticket.items and all(i.department and i.due for i in ticket.items)
    assert ticket.timeline
    again = adapter.track(ticket.ticket, "5678")
    assert again.ticket == ticket.ticket
    with pytest.raises(Unavailable):
        adapter.track(ticket.ticket, "0000")  # someone else's phone learns nothing
    assert any(r.ticket.startswith(ticket.ticket) for r in adapter.queue())
    figures = adapter.analytics()
    assert sum(figures.by_section.values()) >= len(ticket.items)


def test_a_colleague_repeating_an_open_request_is_shown_its_ticket_and_locks_nobody_out() -> None:
    """The same enterprise's second request about the same matter joins its open ticket; the colleague's own
    phone is not the ticket's, and looking the ticket up with it was refused as a wrong guess and counted
    against the kiosk's look-ups, until every visitor's status check was refused for 15 minutes."""
    adapter = KioskAdapter()
    text, company = "我们小区门口的路灯坏了一个月了，晚上很危险，希望尽快修。", "杭州样例科技有限公司"
    first = adapter.submit(f"{text}还有，我们公司的营业执照要变更经营地址，请帮忙办理。", company, "13812345678")
    assert any("营业执照" in item.text for item in first.items)
    for n in range(12):  # more than the kiosk's allowance of wrong look-ups
        joined = adapter.submit(text, company, f"1390000{n:04d}")
        assert joined.ticket == first.ticket and joined.items
        # the colleague sees what they filed, not the rest of the enterprise's ticket
        assert not any("营业执照" in item.text for item in joined.items)
    owner = adapter.track(first.ticket, "5678")
    assert owner.ticket == first.ticket and any("营业执照" in item.text for item in owner.items)


def test_guides_tailor_and_print(adapter, tmp_path):
    guides = adapter.guides()
    assert len(guides) >= 5
    guide = guides[0]
    plain = adapter.tailor(guide.id, {})
    assert plain.steps and plain.materials
    if plain.questions:
        key = plain.questions[0][0]
        yes, no = adapter.tailor(guide.id, {key: True}), adapter.tailor(guide.id, {key: False})
        assert len(yes.materials) != len(no.materials) or len(yes.steps) != len(no.steps)
    out = adapter.print_guide(guide.id, {})
    assert out.path.read_bytes().startswith(b"%PDF")


def test_keyboard_candidates_use_store_vocabulary(adapter):
    adapter.load_pinyin()
    cands = [c.text for c in adapter.pinyin_lookup("zjtx")]
    assert "专精特新" in cands


@pytest.mark.slow
def test_scan_a_rendered_licence(adapter, tmp_path):
    import support_licences as samples

    sample = samples.sample_licences(1)[0]
    path = tmp_path / "licence.png"
    samples.render_licence(sample).save(path)
    view = adapter.scan(path)
    assert view.kind == "business_licence"
    assert view.fields["credit_code"] == sample.credit_code and view.credit_code_valid


def test_unreadable_file_is_a_friendly_message(adapter, tmp_path):
    bad = tmp_path / "licence.jpg"
    bad.write_bytes(b"%PDF-1.4 not an image")
    with pytest.raises(Unavailable) as err:
        adapter.scan(bad)
    assert err.value.friendly and "Traceback" not in err.value.friendly
