"""Import, publish, versions and rollback: through the library and the `kiosk content` command."""

from __future__ import annotations

import io
import json
import time

import pytest
from support_content import POLICY, make_docx, make_html, make_pdf

from kiosk.cli import main
from kiosk.content.errors import ContentError, DuplicateDocument
from kiosk.content.library import Library
from kiosk.store import Store

OTHER = ["杭州市西湖区商务局关于印发西湖区跨境电商扶持办法的通知", "西商〔2025〕2号",
         "第一条 对年出口额达到500万美元的跨境电商企业给予一次性奖励20万元。", "第二条 本办法自2025年6月1日起施行。",
         "杭州市西湖区商务局", "2025年5月20日"]


@pytest.fixture
def site(tmp_path, monkeypatch, kiosk_env):
    """A small machine: one public document, a private store and the staff's content in the data directory."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "gz_demo.txt").write_text("# 来源: 测试\n# 标题: 广州市创业补贴办法\n第一条 创业补贴每户5000元。\n",
                                     encoding="utf-8")
    monkeypatch.setenv("KIOSK_SOURCES", str(src))
    monkeypatch.setenv("KIOSK_DB", str(tmp_path / "kiosk.db"))
    return tmp_path


def _run(capsys, *argv) -> tuple[int, dict]:
    code = main(["content", *argv])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip().startswith("{") else {"text": out}


def _titles(site) -> set[str]:
    store = Store(site / "kiosk.db")
    try:
        return {d.title for d in store.documents()}
    finally:
        store.close()


def test_add_imports_and_publishes_and_names_each_document(site, capsys):
    pdf, page = make_pdf(site / "a.pdf", POLICY), make_html(site / "b.html", OTHER)
    code, out = _run(capsys, "add", str(pdf), str(page), "--json")
    assert code == 0 and out["ok"]
    assert [(i["file"], i["passages"]) for i in out["imported"]] == [("a.pdf", 5), ("b.html", 2)]
    assert all(i["id"].endswith(".md") for i in out["imported"])
    assert {POLICY[0], OTHER[0], "广州市创业补贴办法"} <= _titles(site)
    store = Store(site / "kiosk.db")
    passages = store.passages(out["imported"][0]["id"])
    assert [p.article for p in passages] == ["第一条", "第二条", "第三条", "第四条", "第五条"]
    assert store.document(out["imported"][0]["id"]).effective == "2025-04-01"
    code, listed = _run(capsys, "list", "--json")
    assert {d["original"] for d in listed["documents"]} == {"a.pdf", "b.html"}
    originals = list((site / "data" / "content" / "originals").rglob("a.pdf"))
    assert originals and originals[0].read_bytes() == pdf.read_bytes()


def test_duplicate_is_never_imported_twice_but_can_replace(site, capsys):
    _run(capsys, "add", str(make_pdf(site / "a.pdf", POLICY)), "--json")
    code, out = _run(capsys, "add", str(make_docx(site / "same.docx", POLICY)), "--json")
    assert code == 1 and not out["imported"]
    existing = out["failed"][0]["existing"]
    assert f"--replace {existing}" in out["failed"][0]["message"]
    code, out = _run(capsys, "add", str(make_docx(site / "same.docx", POLICY)), "--replace", existing, "--json")
    assert code == 0 and out["imported"][0]["id"] == existing
    code, listed = _run(capsys, "list", "--json")
    assert [d["original"] for d in listed["documents"]] == ["same.docx"]


def test_a_document_already_in_the_store_is_not_imported_again(site, capsys):
    _run(capsys, "add", str(make_pdf(site / "a.pdf", POLICY)), "--json")
    library = Library(site / "data" / "content")
    library.remove(library.entries().popitem()[0])
    with pytest.raises(ContentError, match="已有"):
        library.add(make_html(site / "p.html", POLICY), known={"x.md": (POLICY[0], "西科〔2025〕7号")})


def test_flags_and_overrides(site, capsys):
    undated = site / "undated.txt"
    undated.write_text("关于做好企业服务工作的通知\n各单位要主动上门了解企业诉求，及时协调解决企业在生产经营中遇到的困难和问题。\n", encoding="utf-8")
    code, out = _run(capsys, "add", str(undated), "--json")
    assert code == 0 and any("日期" in f for f in out["imported"][0]["flags"])
    code, listed = _run(capsys, "list", "--json")
    assert listed["documents"][0]["flags"]
    other = site / "dated.txt"
    other.write_text("关于做好企业登记工作的通知\n各登记窗口要推行全程网办，压缩企业开办时间，做到当天申请、当天办结。\n", encoding="utf-8")
    code, out = _run(capsys, "add", str(other), "--effective", "2025-01-01", "--issuer", "西湖区市场监管局", "--json")
    item = out["imported"][0]
    assert not any("日期" in f for f in item["flags"])
    assert Store(site / "kiosk.db").document(item["id"]).issuer == "西湖区市场监管局"


def test_every_change_is_a_version_and_rollback_restores_the_store(site, capsys):
    _run(capsys, "add", str(make_pdf(site / "a.pdf", POLICY)), "--by", "王芳", "--json")
    _run(capsys, "add", str(make_html(site / "b.html", OTHER)), "--by", "李强", "--json")
    assert OTHER[0] in _titles(site)
    library = Library(site / "data" / "content")
    versions = library.history.versions()
    assert [(v.number, v.who, v.action) for v in versions] == [(1, "王芳", "导入"), (2, "李强", "导入")]
    assert "+第一条 对年出口额达到500万美元" in library.history.diff(2)
    code, out = _run(capsys, "rollback", "1", "--by", "王芳", "--json")
    assert code == 0 and out["version"] == 3
    assert OTHER[0] not in _titles(site) and POLICY[0] in _titles(site)
    code, out = _run(capsys, "rollback", "2", "--json")
    assert OTHER[0] in _titles(site)
    with pytest.raises(ContentError, match="没有第 9 版"):
        library.rollback(9)


def test_a_passage_corrected_from_the_command_line_is_what_the_store_cites(site, capsys, monkeypatch):
    _, out = _run(capsys, "add", str(make_pdf(site / "a.pdf", POLICY)), "--json")
    doc_id = out["imported"][0]["id"]
    code, out = _run(capsys, "passage", "edit", doc_id, "4", "--text", "第四条 补助最高不超过80万元。", "--by", "王芳",
                     "--json")
    assert code == 0 and out["passages"] == 5
    assert "80万元" in Store(site / "kiosk.db").passages(doc_id)[3].text
    assert Library(site / "data" / "content").history.versions()[-1].who == "王芳"
    monkeypatch.setattr("sys.stdin", io.StringIO("第二条 本办法适用于西湖区的企业。\n"))
    assert _run(capsys, "passage", "edit", doc_id, "2", "--text", "-", "--json")[0] == 0
    assert Store(site / "kiosk.db").passages(doc_id)[1].text == "第二条 本办法适用于西湖区的企业。"
    # an empty correction would silently delete the passage's words: refused, nothing changed
    assert main(["content", "passage", "edit", doc_id, "2", "--text", " "]) == 1
    assert "段落文字不能为空" in capsys.readouterr().err
    assert Store(site / "kiosk.db").passages(doc_id)[1].text == "第二条 本办法适用于西湖区的企业。"


def test_bad_files_in_a_batch_do_not_stop_the_good_ones(site, capsys):
    locked = make_pdf(site / "locked.pdf", POLICY, password="x")
    code, out = _run(capsys, "add", str(locked), str(make_html(site / "b.html", OTHER)), "--json")
    assert code == 1
    assert "加密" in out["failed"][0]["message"] and out["imported"][0]["file"] == "b.html"


def test_plain_output_has_no_paths_or_tracebacks(site, capsys):
    code = main(["content", "add", str(make_docx(site / "m.docm", POLICY))])
    captured = capsys.readouterr()
    assert code == 1 and "宏" in captured.out
    assert str(site) not in captured.out + captured.err and "Traceback" not in captured.err
    assert main(["content", "rollback", "5"]) == 1
    assert "没有第 5 版" in capsys.readouterr().err


def test_duplicate_error_names_the_existing_document(site):
    library = Library(site / "data" / "content")
    first = library.add(make_pdf(site / "a.pdf", POLICY))
    with pytest.raises(DuplicateDocument) as caught:
        library.add(make_pdf(site / "copy.pdf", POLICY))
    assert caught.value.existing_id == first.id


def test_running_kiosk_switches_to_a_published_store_within_seconds(site, capsys):
    from kiosk.store.watch import StoreWatcher

    _run(capsys, "add", str(make_pdf(site / "a.pdf", POLICY)), "--json")
    switched = []
    watcher = StoreWatcher(site / "kiosk.db", lambda: switched.append(time.monotonic()), interval_s=0.2).start()
    try:
        start = time.monotonic()
        _run(capsys, "add", str(make_html(site / "b.html", OTHER)), "--json")
        published = time.monotonic()
        while not switched and time.monotonic() - start < 10:
            time.sleep(0.05)
    finally:
        watcher.stop()
    assert len(switched) == 1 and switched[0] - published < 3


def test_the_kiosk_screen_services_pick_up_a_publish_without_a_restart(site, capsys):
    from kiosk.ui.adapter import KioskAdapter

    _run(capsys, "add", str(make_pdf(site / "a.pdf", POLICY)), "--json")
    adapter = KioskAdapter()
    adapter.load_knowledge()
    before = adapter.store
    assert OTHER[0] not in {d.title for d in before.documents()}
    _run(capsys, "add", str(make_html(site / "b.html", OTHER)), "--json")
    deadline = time.monotonic() + 10
    while adapter.store is before and time.monotonic() < deadline:
        time.sleep(0.1)
    adapter._watcher.stop()
    assert OTHER[0] in {d.title for d in adapter.store.documents()}


@pytest.mark.slow
def test_a_scanned_pdf_is_read_by_the_shipped_ocr(site, capsys):
    scan = make_pdf(site / "scan.pdf", [POLICY[1], POLICY[2], POLICY[6]], scanned=True)
    code, out = _run(capsys, "add", str(scan), "--title", "西湖区研发补助办法", "--json")
    assert code == 0 and "imported" in out, out
    item = out["imported"][0]
    assert any("文字识别" in note for note in item["notes"])
    texts = " ".join(p.text for p in Store(site / "kiosk.db").passages(item["id"]))
    assert "研发投入" in texts and "2025年4月1日" in texts
