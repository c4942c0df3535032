"""The barometer leaves the office as an Excel workbook and as the leaders' weekly PDF: both carry the store's own
counts, only the roles that read the barometer get them, every download is in the audit log, and a week without
data says so."""

from __future__ import annotations

import io
import re
import sys
import zipfile
from datetime import timedelta
from xml.etree import ElementTree

import pypdfium2 as pdfium
import pytest
from support_office import office_world, submit

from kiosk.cli import main
from kiosk.dialogue.protocols import TurnSummary
from kiosk.office import barometer, report_pdf

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


@pytest.fixture
def world(kiosk_env, store, office_db):
    w = office_world(kiosk_env, store.departments(), where=office_db)
    for question, topic, answered in [("社保怎么交？", "人才服务专区", True), ("社保怎么交？", "人才服务专区", True),
                                      ("火星补贴多少？", "政策服务专区", False)]:
        w.questions.record(TurnSummary(question, "policy_question", topic, answered, "extractive", "", 10.0))
    return w


def read_xlsx(data: bytes) -> dict[str, list[list[str]]]:
    """Every sheet's cells as text, read from the workbook's XML the way a spreadsheet program does."""
    book = zipfile.ZipFile(io.BytesIO(data))
    assert book.testzip() is None
    shared = [si.findtext(f"{MAIN}t") or "" for si in
              ElementTree.fromstring(book.read("xl/sharedStrings.xml")).iter(f"{MAIN}si")]
    rels = {r.get("Id"): r.get("Target") for r in ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))}
    sheets = {}
    for sheet in ElementTree.fromstring(book.read("xl/workbook.xml")).iter(f"{MAIN}sheet"):
        xml = ElementTree.fromstring(book.read("xl/" + rels[sheet.get(f"{RELS}id")]))
        assert xml.find(f".//{MAIN}f") is None  # no formulas anywhere
        rows = []
        for row in xml.iter(f"{MAIN}row"):
            cells = []
            for c in row.iter(f"{MAIN}c"):
                value = c.findtext(f"{MAIN}v") or ""
                cells.append(shared[int(value)] if c.get("t") == "s" else value)
            rows.append(cells)
        sheets[sheet.get("name")] = rows
    return sheets


def pdf_text(data: bytes) -> str:
    doc = pdfium.PdfDocument(data)
    return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))


def this_week(world) -> str:
    today = world.service.clock().date()
    return report_pdf.week_name(today - timedelta(days=today.weekday()))


def test_xlsx_holds_the_stores_counts(world):
    world.questions.record(TurnSummary("=HYPERLINK(\"x\")补贴？", "policy_question", "政策服务专区", False,
                                       "extractive", "", 10.0))
    r = world.client("admin").get("/barometer.xlsx?days=30")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheets = read_xlsx(r.content)
    items = world.service.db.conn.execute("SELECT COUNT(*) FROM items").fetchone()[0]
    assert ["诉求事项", str(items)] in sheets["概览"] and ["一体机问答", "4"] in sheets["概览"]
    assert ["翠苑街道", "1"] in sheets["按镇街"] and ["西溪街道", "1"] in sheets["按镇街"]
    assert sum(int(n) for _, n in sheets["按专区"][1:]) == items
    assert ["社保怎么交？", "2"] in sheets["热门问题"]
    assert ["政策服务专区", "2", "2", "100%", "0", "0"] in sheets["各主题拒答率"]
    assert ["=HYPERLINK(\"x\")补贴？", "1"] in sheets["热门问题"]  # kept as the text it was, not run


def test_weekly_pdf_holds_the_weeks_counts(world):
    world.service.act(world.refs["cuiyuan"], "accept", "t")
    world.service.act(world.refs["cuiyuan"], "resolve", "t", "答复：已修")
    week = this_week(world)
    r = world.client("leader").get(f"/barometer/weekly.pdf?week={week}")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = pdf_text(r.content)
    monday = report_pdf.parse_week(week)
    start, end = monday.isoformat(), (monday + timedelta(days=7)).isoformat()
    items = world.service.db.conn.execute("SELECT COUNT(*) FROM items WHERE created_at >= ? AND created_at < ?",
                                          (start, end)).fetchone()[0]
    assert items == 3
    assert f"周报 {week}" in text and f"诉求事项：{items}" in text and "一体机问答：3" in text
    assert "按时办结率：100%" in text
    for words in ("翠苑街道", "西溪街道", "人才服务专区", "社保怎么交？", "各主题拒答率", "政策服务专区 1 1 100%"):
        assert words in text, words


def test_a_week_is_monday_to_sunday(world, store):
    today = world.service.clock().date()
    monday = today - timedelta(days=today.weekday())
    assert barometer.collect_week(world.service, world.questions, monday).requests == 3
    assert barometer.collect_week(world.service, world.questions, monday - timedelta(days=7)).requests == 0
    assert barometer.collect_week(world.service, world.questions, monday + timedelta(days=7)).questions == 0


def test_a_week_without_data_says_so(world):
    r = world.client("admin").get("/barometer/weekly.pdf?week=2020-W02")
    assert r.status_code == 200
    text = pdf_text(r.content)
    assert "2020-W02" in text and "2020-01-06" in text
    assert "本周没有收到诉求，一体机也没有问答记录" in text
    for bad in ("2026-W60", "2026-13", "W05", "2026-W5"):
        r = world.client("admin").get(f"/barometer/weekly.pdf?week={bad}")
        assert r.status_code == 400 and "2026-W05" in r.text


@pytest.mark.parametrize("user", ["cuiyuan", "talent"])
def test_units_do_not_get_the_district_exports(world, user):
    client = world.client(user)
    for route in ["/barometer.xlsx", "/barometer/weekly.pdf", "/barometer.csv"]:
        assert client.get(route).status_code == 403, route
    anonymous = world.client()
    for route in ["/barometer.xlsx", "/barometer/weekly.pdf"]:
        r = anonymous.get(route, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login"


def test_every_download_is_audited(world):
    world.client("leader").get("/barometer.xlsx?days=7")
    world.client("editor").get("/barometer/weekly.pdf?week=2020-W02")
    world.client("talent").get("/barometer.xlsx")
    entries = [(e["user"], e["action"], e["target"]) for e in world.accounts.audit_log()]
    assert ("leader", "barometer.xlsx", "7天") in entries and ("editor", "barometer.pdf", "2020-W02") in entries
    assert not any(user == "talent" and action.startswith("barometer") for user, action, _ in entries)


def test_the_report_command_writes_the_pdf(monkeypatch, capsys, kiosk_env, store, tmp_path):
    from kiosk.requests.service import RequestService

    service = RequestService.open(store.departments())
    submit(service, "公司门口的路灯坏了", "杭州市西湖区翠苑街道文一路100号")
    today = service.clock().date()
    week = report_pdf.week_name(today - timedelta(days=today.weekday()))
    out = tmp_path / "reports" / "周报.pdf"
    assert main(["office", "report", "--week", week, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"已生成 {week} 周报" in printed and "诉求 1 件" in printed
    assert "诉求事项：1" in pdf_text(out.read_bytes()) and "翠苑街道" in pdf_text(out.read_bytes())
    monkeypatch.setattr(sys, "argv", ["kiosk"])
    assert main(["office", "report", "--week", "2026-53x", "--out", str(out)]) == 1
    assert re.search("周次应写成", capsys.readouterr().err)
