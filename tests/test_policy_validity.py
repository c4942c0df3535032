"""Matching, the CLI and the district push never offer an expired policy or a closed application window."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest

from kiosk.cli import main
from kiosk.policy.availability import CLOSED, EXPIRED, OPEN, UPCOMING, availability
from kiosk.policy.batch import BatchMatcher
from kiosk.policy.conditions import load_store
from kiosk.policy.eligibility import Matcher, best_questions
from kiosk.policy.outbox import Outbox
from kiosk.policy.profile import EnterpriseProfile
from kiosk.policy.register import generate
from kiosk.store import Store

# a Tianhe start-up of a Hong Kong founder who won the contest: meets the Tianhe youth policy, which the corpus
# text says runs three years from 2023年9月8日
GANGAO = {"name": "广州测试科技有限公司", "tags": ["founder_hkmo_youth", "op_contest_award"],
          "not_tags": ["status_dishonest"], "facts": {"district": "天河区"}}
GANGAO_RULE = "gz_tianhe_gangao_qingnian_2023/港澳青年企业培育"


@pytest.fixture
def real_store(real_store_path):
    s = Store(real_store_path)
    yield s
    s.close()


def matcher(store, today: date) -> Matcher:
    return Matcher(load_store(store), today=today, documents={d.id: d for d in store.documents()})


def find(matches, rule_id):
    return next(m for m in matches if m.rule == rule_id)


def test_an_expired_policy_is_listed_apart_with_its_date(real_store):
    profile = EnterpriseProfile.from_dict(GANGAO)
    before = find(matcher(real_store, date(2025, 1, 1)).match(profile), GANGAO_RULE)
    assert before.status == "met" and before.availability.state == OPEN
    matches = matcher(real_store, date(2026, 12, 2)).match(profile)
    after = find(matches, GANGAO_RULE)
    assert after.status == "met" and after.availability.state == EXPIRED
    assert after.availability.note == "该政策已于2026年9月7日失效"
    # after every policy that is still offered, whatever its conditions say
    offered = [m.availability.offered for m in matches]
    assert offered == sorted(offered, reverse=True)
    assert all(q.key != "hk_growth_milestone" for q, _ in best_questions(matches))


def test_application_window_states(real_store):
    doc = real_store.document("gz_tianhe_rencai_gongyu_2025.txt")  # 申请时间：2025年8月11日至8月22日
    assert availability(doc, date(2025, 8, 1)).state == UPCOMING
    assert availability(doc, date(2025, 8, 15)).state == OPEN
    closed = availability(doc, date(2025, 9, 1))
    assert closed.state == CLOSED and closed.note == "申报已于2025年8月22日截止"
    assert availability(None, date(2025, 9, 1)).state == OPEN  # a document the store does not know


def test_cli_match_shows_expired_policies_with_the_date(tmp_path, monkeypatch, real_store_path, capsys):
    monkeypatch.setenv("KIOSK_DB", str(real_store_path))
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps(GANGAO, ensure_ascii=False), encoding="utf-8")
    assert main(["match", "--profile", str(profile), "--today", "2026-12-02"]) == 0
    text = capsys.readouterr().out
    expired_part = text.split("【已失效或申报已截止】")[1]
    assert "深化支持港澳青年创新创业" in expired_part and "2026年9月7日失效" in expired_part
    assert "深化支持港澳青年创新创业" not in text.split("【已失效或申报已截止】")[0].split("已知：")[1]
    assert main(["match", "--profile", str(profile), "--today", "2025-01-01", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)["matches"][0]
    assert first["rule"] == GANGAO_RULE and first["availability"] == {"state": "open", "note": ""}


def test_push_waits_for_an_open_window_and_skips_expired_policies(real_store, tmp_path):
    rules = load_store(real_store).rules
    documents = {d.id: d for d in real_store.documents()}
    register = generate(2000, seed=11)
    rule = next(r for r in rules if r.id == GANGAO_RULE)
    # keep only “未被认定为失信惩戒对象”, so that enterprises of the generated register qualify
    loose = replace(rule, root=replace(rule.root, children=rule.root.children[2:3]))
    loose = replace(loose, digest=loose.digest + "x")
    outbox = Outbox(tmp_path / "outbox.jsonl")
    batch = BatchMatcher(register, tmp_path / "batch", outbox)
    expired = batch.run([loose], documents=documents, today=date(2026, 12, 2))
    assert expired.notified == 0 and expired.rules[0].note == "该政策已于2026年9月7日失效"
    assert outbox.read() == []
    # the same rule while in force: pushed now, to everyone who qualifies
    opened = batch.run([loose], documents=documents, today=date(2025, 1, 1))
    assert opened.rematched == 1 and opened.notified == opened.rules[0].met > 0
    assert batch.run([loose], documents=documents, today=date(2025, 2, 1)).notified == 0


def test_the_policies_screen_lists_an_expired_policy_with_its_date(real_store):
    from kiosk.ui.presenters import policy_view

    profile = EnterpriseProfile.from_dict(GANGAO)
    view = policy_view(find(matcher(real_store, date(2026, 12, 2)).match(profile), GANGAO_RULE))
    assert view.status == "not_met" and view.title.endswith("（该政策已于2026年9月7日失效）")
    current = policy_view(find(matcher(real_store, date(2025, 1, 1)).match(profile), GANGAO_RULE))
    assert current.status == "met" and "失效" not in current.title


def test_a_yearly_window_keeps_the_policy_offered_but_not_pushed_until_it_opens(store, tmp_path):
    doc = store.document("xh_canyin_pinzhi_tisheng.md")  # 第九条 每年9月1日至9月30日……申报
    december = availability(doc, date(2026, 12, 2))
    assert december.state == UPCOMING and december.offered
    assert december.note == "申报尚未开始，申报时间为每年9月1日至9月30日，下次2027年9月1日开始"
    assert availability(doc, date(2026, 9, 10)).state == OPEN
    rule = next(r for r in load_store(store).rules if r.policy == doc.id)
    loose = replace(rule, root=replace(rule.root, children=rule.root.children[:1]))  # 在西湖区登记
    batch = BatchMatcher(generate(2000, seed=11), tmp_path / "batch", Outbox(tmp_path / "outbox.jsonl"))
    documents = {doc.id: doc}
    assert batch.run([loose], documents=documents, today=date(2026, 12, 2)).notified == 0
    opened = batch.run([loose], documents=documents, today=date(2027, 9, 1))
    assert opened.notified == opened.rules[0].met > 0


def test_the_advisor_names_only_policies_still_offered(store):
    from kiosk.policy.advisor import PolicyAdvisorDesk

    facts = {"street": "西溪街道", "industry": "软件", "employees": "30"}
    for today in (date(2026, 6, 10), date(2029, 1, 1)):
        reply = PolicyAdvisorDesk(matcher(store, today), store).advise("我能享受什么政策？", facts)
        named = {c.source for c in reply.citations}
        assert all(availability(store.document(doc), today).offered for doc in named), (today, named)
        if today.year == 2026:
            assert any(store.document(doc).sample for doc in named)  # the demo policies, in force then
        else:
            assert not any(store.document(doc).sample for doc in named)  # all of them expired by then
