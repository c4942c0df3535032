"""The staff screen's charts show this kiosk's own records (the barometer's counts), and say plainly when there
are none yet: no canned figures anywhere."""

from __future__ import annotations

from support_ui import make_window, settle

from kiosk.dialogue.protocols import TurnSummary
from kiosk.office.questionlog import QuestionLog
from kiosk.requests.service import RequestService, SubmitForm
from kiosk.ui import analytics
from kiosk.ui.charts import BarChart, LineChart, RatingChart, RingChart


def test_figures_come_from_the_question_log_and_the_request_store(store, kiosk_env):
    log = QuestionLog(kiosk_env / "questions.db", retention_days=180)
    for topic in ["人才服务专区", "人才服务专区", "政策服务专区"]:
        log.record(TurnSummary("问题", "policy_question", topic, True, "extractive", "", 5.0))
    service = RequestService.open(store.departments())
    service.submit(SubmitForm("想咨询高层次人才认定怎么申报", "杭州测试科技有限公司", "13812345678"))
    service.submit(SubmitForm("公司门口路灯坏了", "杭州另一科技有限公司", "13912345678", "杭州市西湖区翠苑街道文一路1号"))
    figures = analytics.collect(service, retention_days=180)
    assert figures.topics == {"人才服务专区": [0] * 6 + [2], "政策服务专区": [0] * 6 + [1]}
    assert sum(figures.by_section.values()) == len(service.db.items()) == 2
    assert figures.on_time_rate is None and figures.ratings == [0] * 5


def test_empty_charts_say_what_is_missing(qtbot, kiosk_env):
    window = make_window(qtbot)
    staff = window.screens["staff"]
    staff.show_analytics(analytics.collect(None, retention_days=180))
    settle(window)
    charts = [staff.analytics_grid.itemAt(i).widget().findChildren(cls)[0] for i, cls in
              enumerate([LineChart, BarChart, RingChart, RatingChart])]
    assert [c.empty_text for c in charts] == ["最近 7 天还没有人提问", "最近 90 天还没有诉求", "还没有办结的诉求",
                                               "还没有企业评价"]
    assert "示例" not in staff.source_note.text()
    assert staff.source_note.text() == analytics.SOURCE
