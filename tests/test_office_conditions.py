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
    form.update(re.findall(r'<input type="hidden" name="([\w-]+)" value="([^"]*)">', page))  # rev, listed additions
    return {k: v for k, v in form.items() if v}  # a browser sends empty fields; the office reads them as absent


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
    form = {**form_of(page), "csrf": csrf(client), "add1-kind": "tags", "add1-direction": "require",
            "add1-tags": "高新技术企业", "add1-text": "高新技术企业"}
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
    form.update({"csrf": csrf(client), **others, "group": "any_of", "add1-kind": "fact", "add1-fact": "revenue",
                 "add1-op": ">=", "add1-value": "2000万元", "add1-text": "上年度营业收入不低于2000万元"})
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
    assert 'name="add1-kind" value="" checked' in page  # the add form is empty again
    actions = {a["action"]: a for a in world.accounts.audit_log() if a["target"] == doc_id}
    assert "上年度营业收入不低于2000万元" in actions["content.conditions.add"]["detail"]
    assert "满足其一" in actions["content.conditions.regroup"]["detail"]


def test_a_bad_added_leaf_is_refused_naming_its_field_and_changes_nothing(world, tmp_path):  # noqa: F811
    client = world.client("editor")
    doc_id = import_file(world, client, make_pdf(tmp_path / "a.pdf", POLICY))
    url = f"/content/documents/{doc_id}/conditions"
    form = {**form_of(client.get(url).text), "csrf": csrf(client), "group": "any_of"}
    bad = client.post(url, data={**form, "add1-kind": "fact", "add1-fact": "revenue", "add1-op": ">=",
                                 "add1-value": "很多", "add1-text": "营业收入较高"})
    assert bad.status_code == 400 and "添加的第 1 条条件的数值：“数值”不是数值" in bad.text
    assert 'value="很多" aria-invalid="true"' in bad.text and 'value="fact" checked' in bad.text  # kept as typed
    tags = client.post(url, data={**form, "add1-kind": "tags", "add1-direction": "require", "add1-tags": "独角兽资质",
                                  "add1-text": "独角兽企业"})
    assert tags.status_code == 400 and "添加的第 1 条条件的资格或类别：" in tags.text and "未知标签“独角兽资质”" in tags.text
    for kind, field in (("region", "注册地"), ("established", "最早成立日期")):
        empty = client.post(url, data={**form, "add1-kind": kind, "add1-text": "补上的条件"})
        assert empty.status_code == 400 and f"添加的第 1 条条件的{field}：" in empty.text, kind
    untold = client.post(url, data={**form, "add1-kind": "region", "add1-region": "西湖区"})
    assert untold.status_code == 400 and "添加的第 1 条条件的条件说明：" in untold.text
    assert "Traceback" not in bad.text and str(tmp_path) not in bad.text
    assert not (library(world).source / "conditions").exists()  # nothing was accepted
    assert not [a for a in world.accounts.audit_log() if a["action"].startswith("content.conditions")]


def test_adding_is_refused_to_other_roles_and_to_a_stale_page(world, tmp_path):  # noqa: F811
    client = world.client("editor")
    doc_id = import_file(world, client, make_pdf(tmp_path / "a.pdf", POLICY))
    url = f"/content/documents/{doc_id}/conditions"
    addition = {"group": "any_of", "add1-kind": "tags", "add1-direction": "require", "add1-tags": "高新技术企业",
                "add1-text": "高新技术企业"}
    form = {**form_of(client.get(url).text), "csrf": csrf(client), **addition}
    officer = world.client("talent")  # a department officer
    assert officer.get(url).status_code == 403
    assert officer.post(url, data={**form, "csrf": csrf(officer)}).status_code == 403
    assert officer.post(url, data={**form, "csrf": csrf(officer), "act": "add"}).status_code == 403
    # the passage the draft was read from changes after the page was opened: its leaf numbers no longer apply
    document = client.get(f"/content/documents/{doc_id}").text
    edit = client.post(f"/content/documents/{doc_id}/passages/3/edit", follow_redirects=False, data={
        "csrf": csrf(client), "rev": rev_of(document), "text": POLICY[4].replace("3%", "4%")})
    assert edit.status_code == 303
    stale = client.post(url, data=form)
    assert stale.status_code == 409 and "刚被改动过" in stale.text
    listing = client.post(url, data={**form, "act": "add"})  # nor is an addition listed against it
    assert listing.status_code == 409 and "添加的第 1 条条件" not in listing.text
    assert not (library(world).source / "conditions").exists()
    assert not [a for a in world.accounts.audit_log() if a["action"].startswith("content.conditions")]


SUPPORT = ["西湖区企业扶持办法", "第一条 为支持企业发展，制定本办法。", "第二条 本办法适用于工商注册在西湖区的企业。",
           "第三条 （一）对上年度营业收入不低于2000万元的企业，给予10万元奖励；（二）对新认定为高新技术企业的，给予20万元奖励。"]
INSURED = "staff_insured_3_months"  # a question the kiosk already asks (policies_db/conditions/gz_chuangye_butie_2025.yaml)


def profile_match(tmp_path, capsys, doc_id: str, tags=(), **facts) -> dict:
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps({"tags": list(tags), "facts": {"district": "西湖区", **facts}}), encoding="utf-8")
    capsys.readouterr()
    assert main(["match", "--profile", str(profile), "--json"]) == 0
    return next(m for m in json.loads(capsys.readouterr().out)["matches"] if m["policy"] == doc_id)


def check_errors(capsys, doc_id: str) -> list[str]:
    """What `kiosk match --check` finds wrong in the rule accepted for the document (it also reads the others)."""
    written = len(load_dir([CONDITIONS_DIR, DEMO_CONDITIONS_DIR]).rules)
    capsys.readouterr()
    main(["match", "--check", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert out["rules"] == written + 1  # the accepted rule was read, and passed
    return [e for e in out["errors"] if doc_id.rsplit(".", 1)[0] in e]


def test_several_conditions_are_added_before_saving_and_each_is_named(world, tmp_path, capsys):  # noqa: F811
    client = world.client("editor")
    doc_id = import_file(world, client, make_pdf(tmp_path / "a.pdf", POLICY))
    url = f"/content/documents/{doc_id}/conditions"
    page = client.get(url).text
    assert "问企业才能确定的" in page and "贵单位申请当月前是否已连续3个月有员工（不含法定代表人）正常缴纳社保？" in page
    form = {**form_of(page), "csrf": csrf(client)}
    rd = leaf_with(form, "value", "3%")
    form[f"{rd}-value"] = "4%"  # an edit to a drafted leaf is carried through the additions
    first = client.post(url, data={**form, "act": "add", "add1-kind": "fact", "add1-fact": "employees",
                                   "add1-op": ">=", "add1-value": "10", "add1-text": "从业人员不少于10人"})
    assert first.status_code == 200 and "添加的第 1 条条件" in first.text
    assert 'name="add2-kind" value="" checked' in first.text  # an empty row again, for the next one
    listed = {**form_of(first.text), "csrf": csrf(client)}
    assert listed["added"] == "1" and listed["add1-kind"] == "fact" and listed[f"{rd}-value"] == "4%"
    second = client.post(url, data={**listed, "act": "add", "add2-kind": "ask", "add2-ask": INSURED,
                                    "add2-text": "连续3个月有员工正常缴纳社会保险费"})
    assert second.status_code == 200 and "添加的第 2 条条件" in second.text
    two = {**form_of(second.text), "csrf": csrf(client)}
    assert two["added"] == "2" and two["add2-ask"] == INSURED
    # a bad third row, a bad listed row and a question not among those registered: each named beside its field
    bad = client.post(url, data={**two, "act": "add", "add1-value": "很多", "add3-kind": "tags",
                                 "add3-direction": "require", "add3-tags": "独角兽资质", "add3-text": "独角兽企业"})
    assert bad.status_code == 400 and "添加的第 1 条条件的数值：“数值”不是数值" in bad.text
    assert "添加的第 3 条条件的资格或类别：" in bad.text and "未知标签“独角兽资质”" in bad.text
    beside = re.findall(r'role="alert">([^<]*)</span>', bad.text)  # each beside its field, naming the row
    assert [m.split("：")[0] for m in beside] == ["添加的第 1 条条件的数值", "添加的第 3 条条件的资格或类别"]
    assert 'name="add1-value" value="很多" aria-invalid="true"' in bad.text and 'value="tags" checked' in bad.text
    forged = client.post(url, data={**two, "add2-ask": "made_up_question"})
    assert forged.status_code == 400 and "添加的第 2 条条件的要问企业的问题：请从列表中选择一个问题" in forged.text
    untyped = client.post(url, data={**two, "act": "add"})
    assert untyped.status_code == 400 and "请先在“添加条件”中选择要添加的条件类型" in untyped.text
    assert not (library(world).source / "conditions").exists()  # nothing saved while adding
    assert not [a for a in world.accounts.audit_log() if a["action"].startswith("content.conditions")]

    # the first is taken out again; the second and one typed in the empty row are saved with the rule
    saved = client.post(url, follow_redirects=False, data={
        **two, "add1-keep": "no", "add3-kind": "region", "add3-region": "西湖区", "add3-text": "注册在西湖区"})
    assert saved.status_code == 303, saved.text
    client.post("/content/publish", data={"csrf": csrf(client), "back": url})
    assert not check_errors(capsys, doc_id)  # the added leaves pass the conditions checker as drafted ones do
    asked = profile_match(tmp_path, capsys, doc_id, ["科技型中小企业"], rd_ratio=5, revenue="1亿")
    assert asked["status"] == "one_step" and [q["key"] for q in asked["questions"]] == [INSURED]
    assert profile_match(tmp_path, capsys, doc_id, ["科技型中小企业"], rd_ratio=3.5, revenue="1亿",
                         )["status"] == "not_met"  # the edited 4%
    page = client.get(url).text
    again = form_of(page)
    assert "从业人员不少于10人" not in page and page.count("由编辑添加</b>") == 2
    assert INSURED in again.values() and "employees" not in again.values()
    adds = [a["detail"] for a in world.accounts.audit_log() if a["action"] == "content.conditions.add"]
    assert len(adds) == 2 and any("连续3个月有员工" in d for d in adds) and any("注册在西湖区" in d for d in adds)

    # the accepted ask leaf is reviewed like the others: another registered question replaces it, wording and all
    insured = leaf_with(again, "ask", INSURED)
    changed = client.post(url, follow_redirects=False, data={**again, "csrf": csrf(client),
                                                             f"{insured}-ask": "hires_insured_6_months"})
    assert changed.status_code == 303, changed.text
    rule = (library(world).source / "conditions" / f"{doc_id.rsplit('.', 1)[0]}.yaml").read_text(encoding="utf-8")
    assert "hires_insured_6_months" in rule and "贵公司招用的员工是否签订了1年以上合同" in rule and INSURED not in rule


def test_a_leaf_moves_into_and_out_of_a_support_item(world, tmp_path, capsys):  # noqa: F811
    source = tmp_path / "扶持办法.txt"
    source.write_text("\n".join(SUPPORT) + "\n", encoding="utf-8")
    client = world.client("editor")
    doc_id = import_file(world, client, source, issuer="西湖区经济和信息化局")
    url = f"/content/documents/{doc_id}/conditions"
    page = client.get(url).text
    assert "支持项目 1" in page and "支持项目 2" in page and "新的支持项目" in page
    form = {**form_of(page), "csrf": csrf(client)}
    region, revenue, gaoxin = (leaf_with(form, f, v) for f, v in
                               (("region", "西湖区"), ("value", "2000万元"), ("tags", "高新技术企业")))
    assert (form[f"{region}-place"], form[f"{revenue}-place"], form[f"{gaoxin}-place"]) == ("0", "1.1", "1.2")
    wrong = client.post(url, data={**form, f"{region}-place": "7.3"})
    assert wrong.status_code == 400 and f'role="alert">第 {region} 条条件的位置：请从列表中选择' in wrong.text
    # revenue holds for everyone now, the region only for the 高新技术企业 item, and a new item is added
    saved = client.post(url, follow_redirects=False, data={
        **form, f"{revenue}-place": "0", f"{region}-place": "1.2", "add1-kind": "fact", "add1-fact": "employees",
        "add1-op": ">=", "add1-value": "100", "add1-text": "从业人员不少于100人", "add1-place": "1.new"})
    assert saved.status_code == 303, saved.text
    client.post("/content/publish", data={"csrf": csrf(client), "back": url})
    assert not check_errors(capsys, doc_id)
    gaoxin_here = profile_match(tmp_path, capsys, doc_id, ["高新技术企业"], revenue="3000万", employees=5)
    assert gaoxin_here["status"] == "met"
    small = profile_match(tmp_path, capsys, doc_id, ["高新技术企业"], revenue="1000万", employees=500)
    assert small["status"] == "not_met"  # the moved revenue threshold holds for every item
    big = profile_match(tmp_path, capsys, doc_id, [], revenue="3000万", employees=500)
    assert big["status"] == "met"  # the new item alone suffices
    elsewhere = tmp_path / "e.json"
    elsewhere.write_text(json.dumps({"tags": ["高新技术企业"], "facts": {"district": "滨江区", "revenue": "3000万",
                                                                          "employees": 5}}), encoding="utf-8")
    capsys.readouterr()
    main(["match", "--profile", str(elsewhere), "--json"])
    outside = next(m for m in json.loads(capsys.readouterr().out)["matches"] if m["policy"] == doc_id)
    assert outside["status"] == "not_met"  # the region went with the 高新技术企业 item

    again = form_of(client.get(url).text)
    places = {again[f"{leaf_with(again, f, v)}-place"] for f, v in (("region", "西湖区"), ("tags", "高新技术企业"))}
    assert again[f"{leaf_with(again, 'value', '2000万元')}-place"] == "0" and places == {"1.1"}
    assert again[f"{leaf_with(again, 'value', '100')}-place"] == "1.2"
    moves = [a["detail"] for a in world.accounts.audit_log() if a["action"] == "content.conditions.move"]
    assert sorted(m.split("：")[1] for m in moves) == ["“本办法适用于工商注册在西湖区的企业”从共同条件移到支持项目 2",
                                                      "“（一）对上年度营业收入不低于2000万元”从支持项目 1移到共同条件"]
    [add] = [a["detail"] for a in world.accounts.audit_log() if a["action"] == "content.conditions.add"]
    assert "从业人员不少于100人" in add and "新的支持项目" in add
