"""The editors' content pages in the web office, as an editor uses them: upload a real file, confirm what was read,
publish, and the kiosk answers from it; passages merged, split and retitled; FAQ and service forms that name the
wrong field; rollback from the page. Bad files, forged forms and the wrong roles get a plain refusal and lose
nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from support_content import POLICY, make_docx, make_html, make_pdf
from support_office import office_world

from kiosk.cli import main
from kiosk.content.library import Library
from kiosk.office import content_conditions, content_forms, content_pages
from kiosk.store import Store

REVISED = [*POLICY[:5], "第四条 对符合条件的企业，按上年度研发投入增量的10%给予补助，最高不超过80万元。", *POLICY[6:]]
TABLE = [["项目", "补助标准"], ["研发投入增量", "10%，最高50万元"]]
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@pytest.fixture
def world(kiosk_env, store, tmp_path, monkeypatch):
    """The office publishing into a store of its own, built from one small source folder and the staff's files."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "departments.yaml").write_text(
        "departments:\n  - {id: sec_tech, kind: section, name: 科技创新服务专区}\n", encoding="utf-8")
    monkeypatch.setenv("KIOSK_SOURCES", str(src))
    monkeypatch.setenv("KIOSK_DB", str(tmp_path / "kiosk.db"))
    return office_world(kiosk_env, store.departments())


def library(world) -> Library:
    return world.app.state.office.content.library


def csrf(client) -> str:
    return client.headers["X-CSRF-Token"]


def upload(client, path: Path, name: str = ""):
    return client.post("/content/upload", data={"csrf": csrf(client)},
                       files={"file": (name or path.name, path.read_bytes(), "application/octet-stream")})


def token_of(response) -> str:
    return re.search(r'action="/content/uploads/([0-9a-f]{16})"', response.text).group(1)


def fields_of(html: str) -> dict[str, str]:
    """The metadata form as the page fills it in."""
    found = dict(re.findall(r'<input (?:type="date" )?name="(\w+)" value="([^"]*)"', html))
    level = re.search(r'<option selected>(\S+?)</option>', html)
    return {**found, "level": level.group(1) if level else "区"}


def import_file(world, client, path: Path, **changes: str) -> str:
    preview = upload(client, path)
    assert preview.status_code == 200, preview.text
    form = {"csrf": csrf(client), **fields_of(preview.text), **changes}
    replace = re.search(r'name="replace" value="([^"]+)"', preview.text)
    if replace:
        form["replace"] = replace.group(1)
    done = client.post(f"/content/uploads/{token_of(preview)}", data=form, follow_redirects=False)
    assert done.status_code == 303, done.text
    return done.headers["location"].split("/content/documents/")[1].split("?")[0]


def ask(capsys, question: str) -> dict:
    assert main(["ask", question, "--engine", "extractive", "--json"]) == 0
    return json.loads(capsys.readouterr().out.splitlines()[-1])


def stored(world) -> Store:
    return Store(world.app.state.office.content.store)


def rev_of(html: str) -> str:
    return re.search(r'name="rev" value="([0-9a-f]+)"', html).group(1)


def test_editor_uploads_confirms_and_the_kiosk_answers_from_the_new_text(world, tmp_path, capsys):
    client = world.client("editor")
    pdf = make_pdf(tmp_path / "研发补助办法.pdf", POLICY)
    preview = upload(client, pdf)
    assert preview.status_code == 200
    proposed = fields_of(preview.text)
    assert proposed["doc_number"] == "西科〔2025〕7号" and proposed["effective"] == "2025-04-01"
    assert proposed["published"] == "2025-03-10" and "科学技术局" in proposed["issuer"]
    assert "将切分为 5 段" in preview.text and not library(world).entries()  # nothing imported before confirming

    doc_id = import_file(world, client, pdf, title="西湖区科技型中小企业研发投入补助办法")
    page = client.get(f"/content/documents/{doc_id}?done=imported")
    assert "已导入并发布" in page.text and POLICY[5] in page.text  # the source text beside the passages
    entry = library(world).entries()[doc_id]
    original = library(world).root / entry["original"]
    assert original.read_bytes() == pdf.read_bytes() and entry["original_name"] == pdf.name
    assert stored(world).document(doc_id).title == "西湖区科技型中小企业研发投入补助办法"
    assert len(stored(world).passages(doc_id)) == 5  # the title as printed is not left behind as a passage

    answer = ask(capsys, "科技型中小企业研发投入补助最高多少钱？")
    assert not answer["refused"] and "50万元" in answer["answer"]
    assert any(doc_id in c["source"] for c in answer["citations"])
    actions = [a["action"] for a in world.accounts.audit_log() if a["user"] == "editor"]
    assert actions[:3] == ["content.publish", "content.import", "content.upload"]
    download = client.get(f"/content/documents/{doc_id}/original")
    assert download.content == pdf.read_bytes() and download.headers["content-disposition"].startswith("attachment")


def test_a_real_corpus_document_is_imported_and_answered_from(world, capsys):
    law = CORPUS / "cn_daixin_nianxiujia_tiaoli.md"
    if not law.is_file():
        pytest.skip("the shared corpus is not on this machine")
    client = world.client("admin")
    preview = upload(client, law)
    assert fields_of(preview.text)["title"] == "职工带薪年休假条例" and "请核对" in preview.text
    doc_id = import_file(world, client, law, issuer="国务院", effective="2008-01-01")
    assert stored(world).document(doc_id).effective == "2008-01-01"
    answer = ask(capsys, "职工累计工作已满1年不满10年的，年休假有几天？")
    assert "5天" in answer["answer"] and any(doc_id in c["source"] for c in answer["citations"])


def test_a_scan_is_recognised_once_from_upload_to_confirm(world, tmp_path):
    pages = []

    def recognise(image) -> list[str]:  # the page reader the office is given: what a recogniser reads off the scan
        pages.append(image.shape)
        return POLICY

    world.app.state.office.content.ocr = recognise
    client = world.client("editor")
    preview = upload(client, make_pdf(tmp_path / "scan.pdf", POLICY, scanned=True))
    assert preview.status_code == 200 and "已用文字识别读取" in preview.text and len(pages) == 1
    token = token_of(preview)
    assert POLICY[5] in client.get(f"/content/uploads/{token}").text  # the page shown again
    form = {"csrf": csrf(client), **fields_of(preview.text)}
    refused = client.post(f"/content/uploads/{token}", data={**form, "title": ""})
    assert refused.status_code == 400 and "标题：不能为空" in refused.text
    done = client.post(f"/content/uploads/{token}", data=form, follow_redirects=False)
    assert done.status_code == 303 and len(pages) == 1  # confirming imported the text the preview recognised
    doc_id = done.headers["location"].split("/content/documents/")[1].split("?")[0]
    assert POLICY[5] in [p.text for p in stored(world).passages(doc_id)]
    assert not any((library(world).root / "uploads").iterdir())  # the upload and its text are gone once imported


def test_a_duplicate_is_offered_as_replace_and_the_kiosk_answers_from_the_replacement(world, tmp_path, capsys):
    client = world.client("editor")
    doc_id = import_file(world, client, make_pdf(tmp_path / "a.pdf", POLICY))
    again = upload(client, make_pdf(tmp_path / "copy.pdf", POLICY))
    assert "不会重复导入" in again.text and f'name="replace" value="{doc_id}"' in again.text
    revised = make_docx(tmp_path / "修订.docx", REVISED, table=TABLE)
    assert import_file(world, client, revised) == doc_id
    assert list(library(world).entries()) == [doc_id]
    assert "80万元" in ask(capsys, "科技型中小企业研发投入补助最高多少钱？")["answer"]
    texts = [p.text for p in stored(world).passages(doc_id)]
    assert "项目：研发投入增量；补助标准：10%，最高50万元。" in "\n".join(texts)  # the table, row by row
    assert [a["action"] for a in world.accounts.audit_log()][1] == "content.replace"


def test_a_document_with_no_date_is_flagged(world, tmp_path):
    undated = tmp_path / "通知.txt"
    undated.write_text("关于做好企业服务工作的通知\n各单位要主动上门了解企业诉求，及时协调解决企业在生产经营中遇到的困难和问题。\n",
                       encoding="utf-8")
    client = world.client("editor")
    preview = upload(client, undated)
    assert "请核对：未找到发布或施行日期" in preview.text and "--effective" not in preview.text
    doc_id = import_file(world, client, undated, issuer="西湖区经济和信息化局")
    assert "未找到发布或施行日期" in client.get("/content").text
    client.post(f"/content/documents/{doc_id}/metadata", data={"csrf": csrf(client), "effective": "2025-05-01"})
    assert "未找到发布或施行日期" not in client.get("/content").text
    bad = client.post(f"/content/documents/{doc_id}/metadata", data={"csrf": csrf(client), "effective": "明年"})
    assert bad.status_code == 400 and "施行日期应写成 YYYY-MM-DD" in bad.text


def test_merge_split_and_retitle_change_what_is_stored(world, tmp_path):
    client = world.client("editor")
    doc_id = import_file(world, client, make_pdf(tmp_path / "a.pdf", POLICY))
    base = f"/content/documents/{doc_id}/passages"

    def act(number: int, operation: str, **form):
        rev = rev_of(client.get(f"/content/documents/{doc_id}").text)
        return client.post(f"{base}/{number}/{operation}", data={"csrf": csrf(client), "rev": rev, **form},
                           follow_redirects=False)

    stale = rev_of(client.get(f"/content/documents/{doc_id}").text)
    assert act(1, "merge").status_code == 303
    late = client.post(f"{base}/1/merge", data={"csrf": csrf(client), "rev": stale})
    assert late.status_code == 409 and "刚被改动过" in late.text  # a form from before the merge changes nothing
    assert act(2, "split", at="且上年度营业收入不超过2亿元", article="第三条之二").status_code == 303
    assert act(1, "retitle", heading="总则", article="第一条").status_code == 303
    refused = act(9, "merge")
    assert refused.status_code == 400 and "共有 5 段" in refused.text
    page = client.get(f"/content/documents/{doc_id}")
    assert "有尚未发布的改动" in page.text
    assert client.post("/content/publish", data={"csrf": csrf(client), "back": f"/content/documents/{doc_id}"},
                       follow_redirects=False).headers["location"] == f"/content/documents/{doc_id}?done=published"
    passages = stored(world).passages(doc_id)
    assert [(p.article, p.heading) for p in passages] == [("第一条", "总则"), ("第三条", ""), ("第三条之二", ""),
                                                          ("第四条", ""), ("第五条", "")]
    assert passages[0].text == f"{POLICY[2]}\n{POLICY[3]}" and passages[2].text.startswith("且上年度营业收入")
    assert "有尚未发布的改动" not in client.get(f"/content/documents/{doc_id}").text
    audited = [a["action"] for a in world.accounts.audit_log() if a["target"] == doc_id]
    assert {"content.merge", "content.split", "content.retitle"} <= set(audited)


def test_a_passage_s_words_are_corrected_as_a_version(world, tmp_path, capsys):
    client = world.client("editor")
    doc_id = import_file(world, client, make_pdf(tmp_path / "a.pdf", POLICY))
    page = client.get(f"/content/documents/{doc_id}").text
    assert f'action="/content/documents/{doc_id}/passages/4/edit"' in page and f">{POLICY[5]}</textarea>" in page
    corrected = POLICY[5].replace("50万元", "60万元") + "\r\n（2025年修订）"
    url = f"/content/documents/{doc_id}/passages/4/edit"
    done = client.post(url, data={"csrf": csrf(client), "rev": rev_of(page), "text": corrected}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].endswith("?done=edit#p4")
    assert "段落文字已修改（尚未发布）" in client.get(done.headers["location"]).text
    empty = client.post(url, data={"csrf": csrf(client), "rev": rev_of(client.get(f"/content/documents/{doc_id}").text),
                                   "text": "  "})
    assert empty.status_code == 400 and "段落文字不能为空" in empty.text
    client.post("/content/publish", data={"csrf": csrf(client)})
    assert stored(world).passages(doc_id)[3].text == corrected.replace("\r\n", "\n")
    assert "60万元" in ask(capsys, "科技型中小企业研发投入补助最高多少钱？")["answer"]
    [version] = [v for v in library(world).history.versions() if v.action == "修改"]
    assert version.summary.startswith("修改文字第 4 段") and "-第四条" in library(world).history.diff(version.number)
    assert "content.edit" in [a["action"] for a in world.accounts.audit_log() if a["target"] == doc_id]


def test_rollback_from_the_history_page_restores_what_the_kiosk_answers(world, tmp_path):
    client = world.client("editor")
    doc_id = import_file(world, client, make_pdf(tmp_path / "a.pdf", POLICY))
    rev = rev_of(client.get(f"/content/documents/{doc_id}").text)
    client.post(f"/content/documents/{doc_id}/passages/1/merge", data={"csrf": csrf(client), "rev": rev})
    client.post("/content/publish", data={"csrf": csrf(client)})
    assert len(stored(world).passages(doc_id)) == 4
    history = client.get("/content/history").text
    assert "合并第 1 段" in history and 'action="/content/versions/1/rollback"' in history
    assert "+&lt;!-- 段落: 第一条" in client.get("/content/versions/1").text  # the diff, shown as text
    done = client.post("/content/versions/1/rollback", data={"csrf": csrf(client)}, follow_redirects=False)
    assert done.status_code == 303 and len(stored(world).passages(doc_id)) == 5
    assert [v.action for v in library(world).history.versions()] == ["导入", "修改", "回滚"]
    assert "content.rollback" in [a["action"] for a in world.accounts.audit_log()]


def test_faq_and_service_forms_name_the_wrong_field_and_keep_the_input(world, capsys):
    client = world.client("editor")
    bad = client.post("/content/faq", data={"csrf": csrf(client), "q": "", "a": "每年4月在线申报。",
                                             "refs": "第五条"})
    assert bad.status_code == 400
    assert "问题：不能为空" in bad.text and "依据：“第五条”应写成 文件编号#条目" in bad.text
    assert "每年4月在线申报。" in bad.text  # what the editor typed is still there
    bad = client.post("/content/services", data={"csrf": csrf(client), "name": "研发投入补助申报",
                                                  "department": "sec_tech", "legal_limit_days": "五天"})
    assert bad.status_code == 400 and "法定时限：应填工作日天数（整数），不是“五天”" in bad.text
    bad = client.post("/content/services", data={"csrf": csrf(client), "name": "研发投入补助申报"})
    assert "负责部门：不能为空" in bad.text
    assert not (library(world).source / "services").exists()

    ok = client.post("/content/faq", data={"csrf": csrf(client), "q": "研发补助什么时候申报？",
                                            "a": "研发补助每年4月1日至30日在线申报，逾期不予受理。", "department": "sec_tech"},
                     follow_redirects=False)
    assert ok.status_code == 303
    saved = client.post("/content/services", data={
        "csrf": csrf(client), "name": "研发投入补助申报", "department": "sec_tech", "materials": "营业执照\n审计报告",
        "legal_limit_days": "20", "promised_limit_days": "10", "fee": "不收费", "window": "综合受理区5号窗口",
        "online": "浙江政务服务网"}, follow_redirects=False)
    assert saved.status_code == 303
    client.post("/content/publish", data={"csrf": csrf(client), "back": "/content/services"})
    store = stored(world)
    [service] = store.services()
    assert (service.materials, service.promised_limit_days, service.window) == (("营业执照", "审计报告"), 10,
                                                                                 "综合受理区5号窗口")
    assert "4月1日至30日" in ask(capsys, "研发补助什么时候申报？")["answer"]
    edit = client.get(f"/content/services/{service.id}").text
    assert "营业执照\n审计报告" in edit
    client.post(f"/content/services/{service.id}/delete", data={"csrf": csrf(client)})
    client.post("/content/faq/1/delete", data={"csrf": csrf(client)})
    client.post("/content/publish", data={"csrf": csrf(client)})
    assert stored(world).services() == [] and stored(world).faqs() == []
    audited = [a["action"] for a in world.accounts.audit_log() if a["user"] == "editor"]
    assert {"content.faq.save", "content.service.save", "content.faq.delete", "content.service.delete"} <= set(audited)


def _nothing_changed(world, before: list[str], versions: int) -> None:
    lib = library(world)
    assert list(lib.entries()) == before and len(lib.history.versions()) == versions
    uploads = lib.root / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())


def test_bad_files_get_a_plain_refusal_and_lose_nothing(world, tmp_path):
    client = world.client("editor")
    doc_id = import_file(world, client, make_pdf(tmp_path / "a.pdf", POLICY))
    world.app.state.office.content.max_upload = 2**20
    cases = [
        (make_pdf(tmp_path / "locked.pdf", POLICY, password="x"), "", 400, "加密"),
        (make_docx(tmp_path / "m.docm", POLICY, macros=True), "", 400, "宏"),
        (tmp_path / "big.pdf", "", 413, "文件太大：最多可以上传 1 MB"),
        (tmp_path / "tool.exe", "", 400, "格式无法导入"),
    ]
    (tmp_path / "big.pdf").write_bytes(b"%PDF-1.4\n" + b"0" * (2**20 + 300_000))
    (tmp_path / "tool.exe").write_bytes(b"MZ\x90\x00" + b"\x00" * 100)
    for path, name, status, words in cases:
        r = upload(client, path, name)
        assert r.status_code == status and words in r.text, path.name
        assert "Traceback" not in r.text and str(tmp_path) not in r.text
        _nothing_changed(world, [doc_id], 1)
    empty = client.post("/content/upload", data={"csrf": csrf(client)}, files={"file": ("", b"", "application/pdf")})
    assert empty.status_code == 400 and "请先选择要上传的文件" in empty.text
    assert client.post("/content/upload", data={"csrf": "forged"},
                       files={"file": ("a.txt", "第一条 内容。".encode(), "text/plain")}).status_code == 403
    _nothing_changed(world, [doc_id], 1)
    assert "content.refused" in [a["action"] for a in world.accounts.audit_log()]


def test_script_in_an_uploaded_file_is_dropped_or_shown_as_text(world, tmp_path):
    client = world.client("editor")
    page = upload(client, make_html(tmp_path / "p.html", POLICY))
    assert page.status_code == 200 and "脚本已去除" in page.text
    assert "<script" not in page.text.split("</header>")[1] and "广告" not in page.text and "steal" not in page.text
    hostile = tmp_path / "h.txt"
    hostile.write_text("关于<b>加强</b>管理的通知\n第一条 <script>alert('x')</script>企业应当按时报送材料。\n", encoding="utf-8")
    page = upload(client, hostile)
    assert "<script>alert" not in page.text and "&lt;script&gt;alert" in page.text
    doc_id = import_file(world, client, hostile)
    shown = client.get(f"/content/documents/{doc_id}").text
    assert "<script>alert" not in shown and "&lt;script&gt;alert" in shown


def test_a_discarded_upload_imports_nothing(world, tmp_path):
    client = world.client("editor")
    preview = upload(client, make_pdf(tmp_path / "a.pdf", POLICY))
    token = token_of(preview)
    r = client.post(f"/content/uploads/{token}/discard", data={"csrf": csrf(client)}, follow_redirects=False)
    assert r.status_code == 303 and not library(world).entries()
    gone = client.post(f"/content/uploads/{token}", data={"csrf": csrf(client), "title": "x", "level": "区"})
    assert gone.status_code == 400 and "重新上传" in gone.text


def _routes() -> list[tuple[str, str]]:
    """Every content route, with made-up parameters: the role is refused before anything is looked up."""
    params = {"doc_id": "x.md", "token": "0123456789abcdef", "number": "1", "operation": "merge", "index": "1",
              "service_id": "svc_x"}
    found = []
    for route in [*content_pages.ROUTES, *content_forms.ROUTES, *content_conditions.ROUTES]:
        path = re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: params[m.group(1)], route.path)
        found.extend((method, path) for method in sorted(route.methods - {"HEAD"}))
    return found


@pytest.mark.parametrize("user", ["cuiyuan", "talent", "leader"])
def test_other_roles_are_refused_every_content_route(world, user):
    client = world.client(user)
    routes = _routes()
    assert len(routes) == 25
    for method, path in routes:
        r = client.request(method, path, data={"csrf": csrf(client)} if method == "POST" else None)
        assert r.status_code == 403 and "您的角色不能使用这一页" in r.text, (method, path)
    assert not library(world).root.exists()


def test_without_login_content_routes_send_to_login(world):
    for method, path in _routes():
        r = world.client().request(method, path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login", (method, path)


def test_the_content_link_is_shown_only_to_editors(world):
    assert "内容管理" in world.client("editor").get("/barometer").text
    assert "内容管理" in world.client("admin").get("/queue").text
    assert "内容管理" not in world.client("leader").get("/barometer").text
