"""The web office end to end in a real headless browser (Debian's chromium driven by Playwright): a visitor submits
at the kiosk, a street officer logs in, accepts and resolves it, and `kiosk request status` shows the reply; a
department officer cannot open that item by its URL; the leader's barometer counts match the store.

Screenshots go to a temporary folder, or to KIOSK_OFFICE_SCREENSHOTS (e.g. docs/screenshots) when set. Under CI
a missing chromium fails the test: CI installs it (scripts/install.sh).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from kiosk.cli import main

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PASSWORD = "street-officer-2026"


def _browser_available() -> bool:
    if Path(CHROMIUM).exists() and shutil.which("chromium"):
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            return False
        return True
    return False


if not _browser_available():
    if os.environ.get("CI") == "true":
        pytest.fail("chromium or playwright is missing: scripts/install.sh installs both", pytrace=False)
    pytest.skip("chromium or playwright is not installed on this machine", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kiosk(*args: str, stdin: str = "") -> str:
    done = subprocess.run([sys.executable, "-m", "kiosk", *args], input=stdin, capture_output=True, text=True,
                          timeout=120, env=os.environ.copy())
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def server(kiosk_env):
    kiosk("office", "init", "--admin", "admin", "--password-stdin", stdin="admin-password-1\n")
    kiosk("office", "user", "add", "cuiyuan", "--role", "street", "--unit", "street_cuiyuan", "--password-stdin",
          stdin=PASSWORD + "\n")
    kiosk("office", "user", "add", "talent", "--role", "department", "--unit", "sec_talent", "--password-stdin",
          stdin=PASSWORD + "\n")
    kiosk("office", "user", "add", "leader", "--role", "leader", "--password-stdin", stdin=PASSWORD + "\n")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kiosk", "office", "serve", "--port", str(port)],
                            env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/login", timeout=2)
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode()
                assert time.monotonic() < deadline, "the office did not start"
                time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("KIOSK_OFFICE_SCREENSHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def login(page, base: str, name: str) -> None:
    page.goto(base + "/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('登录')")


def test_visitor_to_street_officer_and_back(server, shots, kiosk_env, capsys):
    from playwright.sync_api import sync_playwright

    assert main(["request", "submit", "--text", "公司门口的路灯坏了好几天，晚上员工下班不安全。<b>请尽快</b>",
                 "--company", "杭州翠苑测试科技有限公司", "--phone", "13812345678",
                 "--address", "杭州市西湖区翠苑街道文一路100号", "--json"]) == 0
    receipt = json.loads(capsys.readouterr().out)
    ticket, ref = receipt["ticket"], receipt["items"][0]["ref"]
    assert main(["ask", "电子居住证审核要几天？", "--engine", "extractive"]) == 0
    assert main(["ask", "杭州现在的最低工资标准是多少？", "--engine", "extractive"]) == 0
    capsys.readouterr()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(server + "/login")
        page.screenshot(path=str(shots / "office-login.png"), full_page=True)
        login(page, server, "cuiyuan")
        page.wait_for_url(server + "/queue")
        assert ref in page.inner_text("table")
        page.screenshot(path=str(shots / "office-queue.png"), full_page=True)

        page.click(f"a:has-text('{ref}')")
        page.wait_for_url(server + f"/items/{ref}")
        body = page.inner_text("main")
        assert "138****5678" in body and "13812345678" not in body and "<b>请尽快</b>" in body
        page.click("button:has-text('接单')")
        page.wait_for_selector("text=已接单。")
        page.fill("textarea[name=reply]", "路灯已于今日修复，感谢反映。")
        page.screenshot(path=str(shots / "office-item.png"), full_page=True)
        page.click("button:has-text('办结并答复')")
        page.wait_for_selector("text=已办结，答复已送达企业。")
        assert "答复：路灯已于今日修复" in page.inner_text("main")
        page.screenshot(path=str(shots / "office-item-resolved.png"), full_page=True)

        other = browser.new_context().new_page()
        login(other, server, "talent")
        response = other.goto(server + f"/items/{ref}")
        assert response.status == 404 and "无权查看" in other.inner_text("main")
        other.screenshot(path=str(shots / "office-denied.png"), full_page=True)

        leader = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
        login(leader, server, "leader")
        leader.wait_for_url(server + "/barometer")
        summary = leader.inner_text("p.muted >> nth=0")
        leader.screenshot(path=str(shots / "office-barometer.png"), full_page=True)
        browser.close()

    assert main(["request", "status", ticket, "--phone-last4", "5678"]) == 0
    assert "答复：路灯已于今日修复，感谢反映。" in capsys.readouterr().out
    from kiosk.office.questionlog import QuestionLog
    from kiosk.requests.repo.db import RequestDB

    items = len(RequestDB(kiosk_env / "requests.db").items())
    questions = len(QuestionLog(kiosk_env / "questions.db", retention_days=180).turns())
    assert f"诉求事项 {items} 件" in summary and f"一体机问答 {questions} 次" in summary and questions == 2


@pytest.fixture
def own_store(tmp_path, monkeypatch):
    """The editor publishes into a store of this test's own (set before the server starts, which reads it)."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "departments.yaml").write_text(  # the units the server fixture's accounts belong to
        "departments:\n  - {id: sec_tech, kind: section, name: 科技创新服务专区}\n"
        "  - {id: sec_talent, kind: section, name: 人才服务专区}\n  - {id: street_cuiyuan, kind: street, name: 翠苑街道}\n",
        encoding="utf-8")
    monkeypatch.setenv("KIOSK_SOURCES", str(src))
    monkeypatch.setenv("KIOSK_DB", str(tmp_path / "kiosk.db"))


def test_editor_uploads_confirms_and_publishes(own_store, server, shots, tmp_path):
    from playwright.sync_api import sync_playwright
    from support_content import POLICY, make_pdf

    kiosk("office", "user", "add", "editor", "--role", "editor", "--password-stdin", stdin=PASSWORD + "\n")
    pdf = make_pdf(tmp_path / "西湖区科技型中小企业研发投入补助办法.pdf", POLICY)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        login(page, server, "editor")
        page.goto(server + "/content")
        page.set_input_files("input[name=file]", str(pdf))
        page.click("button:has-text('上传并读取')")
        page.wait_for_selector("text=将切分为 5 段")
        assert page.input_value("input[name=doc_number]") == "西科〔2025〕7号"
        assert page.input_value("input[name=effective]") == "2025-04-01"
        page.fill("input[name=title]", "西湖区科技型中小企业研发投入补助办法")
        page.screenshot(path=str(shots / "office-content-upload.png"), full_page=True)
        page.click("button:has-text('确认导入并发布')")
        page.wait_for_selector("text=已导入并发布")
        assert "第四条" in page.inner_text("ol.passages") and POLICY[5] in page.inner_text("div.source")
        assert page.locator("ol.passages > li").count() == 5  # the reworded title is not left behind as a passage
        page.click("li#p1 summary")
        page.screenshot(path=str(shots / "office-content-document.png"), full_page=True)
        page.click("a:has-text('申报条件')")
        page.wait_for_selector("text=根据正文自动起草")
        rd = page.locator("li.leaf", has_text="研发投入占营业收入比重不低于3%")
        assert rd.locator("input[name$='-value']").input_value() == "3%"
        rd.locator("input[name$='-value']").fill("5%")
        page.locator("li.leaf", has_text="营业收入不超过2亿元").locator("input[value=no]").check()
        assert not page.is_visible("input[name=add1-value]")  # a kind's fields show once it is chosen
        page.check("input[name=add1-kind][value=fact]")
        page.select_option("select[name=add1-fact]", "employees")
        page.select_option("select[name=add1-op]", ">=")
        page.fill("input[name=add1-value]", "10")
        page.fill("input[name=add1-text]", "企业从业人员不少于10人")
        assert not page.is_visible("input[name=add1-tags]")
        page.click("button:has-text('添加这一条')")  # listed, and an empty row for the next one
        page.wait_for_selector("text=添加的第 1 条条件")
        assert rd.locator("input[name$='-value']").input_value() == "5%"  # the edits so far are kept
        page.check("input[name=add2-kind][value=ask]")
        page.select_option("select[name=add2-ask]", "staff_insured_3_months")
        page.fill("input[name=add2-text]", "申请前连续3个月有员工正常缴纳社会保险费")
        page.screenshot(path=str(shots / "office-content-conditions.png"), full_page=True)
        page.click("button:has-text('保存采用的条件')")
        page.wait_for_selector("text=申报条件已采用")
        assert page.locator("li.leaf").count() == 5
        assert "由编辑添加" in page.locator("li.leaf").nth(3).inner_text()
        assert "连续3个月有员工" in page.locator("li.leaf").nth(4).inner_text()
        browser.close()
    answer = json.loads(kiosk("ask", "科技型中小企业研发投入补助最高多少钱？", "--engine", "extractive", "--json"))
    assert "50万元" in answer["answer"]
