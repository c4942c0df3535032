"""An editor reviews a policy's drafted eligibility conditions in the office, leaf by leaf: an edited value, a
dropped leaf, a leaf the editor adds and the choice of all or any one of them change what `kiosk match` decides
once published; a wrong value is refused naming the leaf and the field, and nothing is saved."""

from __future__ import annotations

import html
import json
import re

from support_content import POLICY, make_pdf
from test_office_content import csrf, import_file, library, rev_of, world  # noqa: F401  (world is a fixture)

from kiosk.cli import main
from kiosk.policy.conditions import CONDITIONS_DIR, DEMO_CONDITIONS_DIR, load_dir


def form_of(page: str) -> dict[str, str]:
    """The review form as the page fills it in: text fields, the chosen options and the checked decisions."""
    form = {k: html.unescape(v) for k, v in re.findall(r'<input name="([\w-]+)" value="([^"]*)"', page)}
    for name, body in re.findall(r'<select name="([\w-]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        form[name] = html.unescape(chosen.group(1)) if chosen else ""
    form.update(re.findall(r'<input type="radio" name="([\w-]+)" value="(\w+)" checked>', page))
    for name in ("rev", "from"):
        form[name] = re.search(rf'name="{name}" value="([^"]*)"', page).group(1)
    return form


def leaf_with(form: dict[str, str], field: str, value: str) -> str:
    """The number of the leaf whose ``field`` holds ``value``."""
    return next(k.split("-")[0] for k, v in form.items() if k.endswith(f"-{field}") and v == value)


def matched(tmp_path, capsys, doc_id: str, **facts) -> dict:
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps({"tags": ["科技型中小企业"], "facts": {"district": "西湖区", **facts}}),
                       encoding="utf-8")
    assert main(["match", "--profile", str(profile), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    return next(m for m in out["matches"] if m["policy"] == doc_id)


def test_an_edited_draft_is_accepted_and_kiosk_match_uses_it(world, tmp_path, capsys):  # noqa: F811
    client = world.client("editor")
    doc_id = import_file(world, client, make_pdf(tmp_path / "a.pdf", POLICY))
    assert f'href="/content/documents/{doc_id}/conditions"' in client.get(f"/content/documents/{doc_id}").text
    page = client.get(f"/content/documents/{doc_id}/conditions").text
    assert "第三条" in page and "申报企业上年度研发投入占营业收入比重不低于3%" in page  # the clause and its words
    form = form_of(page)
    rd, revenue = leaf_with(form, "value", "3%"), leaf_with(form, "value", "2亿元")
    assert form[f"{rd}-fact"] == "rd_ratio" and form[f"{rd}-op"] == ">="
    form.update({"csrf": csrf(client), f"{rd}-value": "5%", f"{revenue}-keep": "no"})
    saved = client.post(f"/content/documents/{doc_id}/conditions", data=form, follow_redirects=False)
    assert saved.status_code == 303
    waiting = client.get(saved.headers["location"]).text
    assert "申报条件已采用（尚未发布）" in waiting and "有尚未发布的改动" in waiting
    capsys.readouterr()
    # before publishing the store has no rule for it; after, matching reads the edited one
    assert not any(m["policy"] == doc_id for m in _matches(tmp_path, capsys))
    client.post("/content/publish", data={"csrf": csrf(client), "back": f"/content/documents/{doc_id}/conditions"})
    assert matched(tmp_path, capsys, doc_id, rd_ratio=6, revenue="3亿")["status"] == "met"  # revenue leaf dropped
    below = matched(tmp_path, capsys, doc_id, rd_ratio=4, revenue="3亿")
    assert below["status"] == "not_met" and any("不低于5%" in c["explanation"] for c in below["conditions"])
    written = len(load_dir([CONDITIONS_DIR, DEMO_CONDITIONS_DIR]).rules)
    main(["match", "--check", "--json"])
    assert json.loads(capsys.readouterr().out)["rules"] == written + 1  # the accepted rule joins the check

    page = client.get(f"/content/documents/{doc_id}/conditions").text
    again = form_of(page)  # the accepted rule, as saved
    assert "有尚未发布的改动" not in page
    assert "5%" in again.values() and "2亿元" not in again.values() and again["from"] == "saved"
    assert [v.summary for v in library(world).history.versions()][-1].startswith("采用《")
    [entry] = [a for a in world.accounts.audit_log() if a["action"] == "content.conditions"]
    assert entry["target"] == doc_id and "删除 1 条" in entry["detail"]


def _matches(tmp_path, capsys) -> list[dict]:
    profile = tmp_path / "any.json"
    profile.write_text('{"tags": ["科技型中小企业"]}', encoding="utf-8")
    main(["match", "--profile", str(profile), "--json"])
    captured = capsys.readouterr().out
    return json.loads(captured)["matches"] if captured.strip() else []


def test_bad_values_are_refused_naming_the_leaf_and_the_field(world, tmp_path):  # noqa: F811
    client = world.client("editor")
    doc_id = import_file(world, client, make_pdf(tmp_path / "a.pdf", POLICY))
    url = f"/content/documents/{doc_id}/conditions"
    form = {**form_of(client.get(url).text), "csrf": csrf(client)}
    rd, tags = leaf_with(form, "value", "3%"), leaf_with(form, "tags", "科技型中小企业")
    bad = client.post(url, data={**form, f"{rd}-value": "很多", f"{tags}-tags": "独角兽资质"})
    assert bad.status_code == 400
    assert f"第 {rd} 条条件的数值：“数值”不是数值" in bad.text and "很多" in bad.text
    assert f"第 {tags} 条条件的资格或类别：" in bad.text and "未知标签“独角兽资质”" in bad.text
    assert 'class="invalid"' in bad.text and "Traceback" not in bad.text and str(tmp_path) not in bad.text
    empty = client.post(url, data={**form, f"{rd}-value": ""})
    assert empty.status_code == 400 and f"第 {rd} 条条件的数值：不能为空" in empty.text
    dropped = {k: "no" for k in form if k.endswith("-keep")}
    assert "所有条件都已删除" in client.post(url, data={**form, **dropped}).text
    stale = client.post(url, data={**form, "rev": "0" * 16})
    assert stale.status_code == 409 and "刚被改动过" in stale.text
    assert not (library(world).source / "conditions").exists()  # nothing was accepted
    assert [v.action for v in library(world).history.versions()] == ["导入"]


def test_a_document_that_states_no_conditions_offers_none_to_accept(world, tmp_path):  # noqa: F811
    notice = tmp_path / "通知.txt"
    notice.write_text("关于做好企业服务工作的通知\n各街道要主动上门了解企业诉求，及时协调解决企业在生产经营中遇到的困难。\n",
                      encoding="utf-8")
    client = world.client("editor")
    doc_id = import_file(world, client, notice, issuer="西湖区经济和信息化局")
    url = f"/content/documents/{doc_id}/conditions"
    page = client.get(url).text
    assert "正文中没有找到申报条件" in page and 'name="1-keep"' not in page and 'name="group"' not in page
    # nothing to accept as drafted, but a condition the drafter missed can still be added
    assert "添加条件" in page
    form = {**form_of(page), "csrf": csrf(client), "new-kind": "tags", "new-direction": "require",
            "new-tags": "高新技术企业", "new-text": "高新技术企业"}
    saved = client.post(url, data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    again = client.get(url).text
    assert "由编辑添加" in again and form_of(again)["1-tags"] == "高新技术企业"


def test_an_added_threshold_and_any_one_of_decide_kiosk_match(world, tmp_path, capsys):  # noqa: F811
    client = world.client("editor")
    doc_id = import_file(world, client, make_pdf(tmp_path / "a.pdf", POLICY))
    url = f"/content/documents/{doc_id}/conditions"
    page = client.get(url).text
    assert "添加条件" in page and "数值门槛" in page and "资格或类别" in page and "满足其一" in page
    form = form_of(page)
    assert form["group"] == "all_of"
    others = {f"{leaf_with(form, f, v)}-keep": "no" for f, v in
              (("value", "2亿元"), ("tags", "科技型中小企业"), ("region", "西湖区"))}
    form.update({"csrf": csrf(client), **others, "group": "any_of", "new-kind": "fact", "new-fact": "revenue",
                 "new-op": ">=", "new-value": "2000万元", "new-text": "上年度营业收入不低于2000万元"})
    saved = client.post(url, data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    client.post("/content/publish", data={"csrf": csrf(client), "back": url})
    capsys.readouterr()
    # any one suffices: the research ratio alone, or the added revenue threshold alone; neither is not enough
    assert matched(tmp_path, capsys, doc_id, rd_ratio=4, revenue="1000万")["status"] == "met"
    assert matched(tmp_path, capsys, doc_id, rd_ratio=1, revenue="3000万")["status"] == "met"
    neither = matched(tmp_path, capsys, doc_id, rd_ratio=1, revenue="1000万")
    assert neither["status"] == "not_met" and any("不低于2000万元" in json.dumps(c, ensure_ascii=False)
                                                  for c in neither["conditions"])

    page = client.get(url).text
    again = form_of(page)
    assert again["group"] == "any_of" and "由编辑添加" in page and "上年度营业收入不低于2000万元" in page
    assert [k for k in again if k.endswith("-keep")] == ["1-keep", "2-keep"]  # the kept leaf, then the added one
    assert again["2-fact"] == "revenue" and again["2-value"] == "2000万元" and again["1-value"] == "3%"
    assert 'name="new-kind" value="" checked' in page  # the add form is empty again
    actions = {a["action"]: a for a in world.accounts.audit_log() if a["target"] == doc_id}
    assert "上年度营业收入不低于2000万元" in actions["content.conditions.add"]["detail"]
    assert "满足其一" in actions["content.conditions.regroup"]["detail"]


def test_a_bad_added_leaf_is_refused_naming_its_field_and_changes_nothing(world, tmp_path):  # noqa: F811
    client = world.client("editor")
    doc_id = import_file(world, client, make_pdf(tmp_path / "a.pdf", POLICY))
    url = f"/content/documents/{doc_id}/conditions"
    form = {**form_of(client.get(url).text), "csrf": csrf(client), "group": "any_of"}
    bad = client.post(url, data={**form, "new-kind": "fact", "new-fact": "revenue", "new-op": ">=",
                                 "new-value": "很多", "new-text": "营业收入较高"})
    assert bad.status_code == 400 and "添加的条件的数值：“数值”不是数值" in bad.text
    assert 'value="很多" aria-invalid="true"' in bad.text and 'value="fact" checked' in bad.text  # kept as typed
    tags = client.post(url, data={**form, "new-kind": "tags", "new-direction": "require", "new-tags": "独角兽资质",
                                  "new-text": "独角兽企业"})
    assert tags.status_code == 400 and "添加的条件的资格或类别：" in tags.text and "未知标签“独角兽资质”" in tags.text
    for kind, field in (("region", "注册地"), ("established", "最早成立日期")):
        empty = client.post(url, data={**form, "new-kind": kind, "new-text": "补上的条件"})
        assert empty.status_code == 400 and f"添加的条件的{field}：" in empty.text, kind
    untold = client.post(url, data={**form, "new-kind": "region", "new-region": "西湖区"})
    assert untold.status_code == 400 and "添加的条件的条件说明：" in untold.text
    assert "Traceback" not in bad.text and str(tmp_path) not in bad.text
    assert not (library(world).source / "conditions").exists()  # nothing was accepted
    assert not [a for a in world.accounts.audit_log() if a["action"].startswith("content.conditions")]


def test_adding_is_refused_to_other_roles_and_to_a_stale_page(world, tmp_path):  # noqa: F811
    client = world.client("editor")
    doc_id = import_file(world, client, make_pdf(tmp_path / "a.pdf", POLICY))
    url = f"/content/documents/{doc_id}/conditions"
    addition = {"group": "any_of", "new-kind": "tags", "new-direction": "require", "new-tags": "高新技术企业",
                "new-text": "高新技术企业"}
    form = {**form_of(client.get(url).text), "csrf": csrf(client), **addition}
    officer = world.client("talent")  # a department officer
    assert officer.get(url).status_code == 403
    assert officer.post(url, data={**form, "csrf": csrf(officer)}).status_code == 403
    # the passage the draft was read from changes after the page was opened: its leaf numbers no longer apply
    document = client.get(f"/content/documents/{doc_id}").text
    edit = client.post(f"/content/documents/{doc_id}/passages/3/edit", follow_redirects=False, data={
        "csrf": csrf(client), "rev": rev_of(document), "text": POLICY[4].replace("3%", "4%")})
    assert edit.status_code == 303
    stale = client.post(url, data=form)
    assert stale.status_code == 409 and "刚被改动过" in stale.text
    assert not (library(world).source / "conditions").exists()
    assert not [a for a in world.accounts.audit_log() if a["action"].startswith("content.conditions")]
