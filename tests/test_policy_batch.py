"""District batch on a small generated register: vectorised = per-enterprise, incremental, outbox."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from kiosk.policy.batch import STATUS_CODES, BatchMatcher, evaluate_rule, load_or_generate
from kiosk.policy.conditions import CONDITIONS_DIR, DEMO_CONDITIONS_DIR, load_dir, parse_rule
from kiosk.policy.eligibility import Matcher
from kiosk.policy.outbox import Outbox
from kiosk.policy.register import Register, generate


@pytest.fixture(scope="module")
def register() -> Register:
    return generate(3000, seed=7)


@pytest.fixture(scope="module")
def rules():
    result = load_dir([CONDITIONS_DIR, DEMO_CONDITIONS_DIR])
    assert result.errors == []
    return result.rules


def test_generator_is_seeded_and_skewed(register):
    again = generate(3000, seed=7)
    assert np.array_equal(register.tags, again.tags)
    per_enterprise = register.tags.sum(axis=0)
    assert 10 <= per_enterprise.mean() <= 12.5
    assert len(register.tag_ids) == 275
    for category in ("industry_division", "street", "size", "age"):  # exactly one each
        from kiosk.policy.taxonomy import load_taxonomy

        rows = [register.column[t] for t in load_taxonomy().categories[category].tags]
        assert (register.tags[rows].sum(axis=0) == 1).all(), category
    gaoxin = register.tag("qual_gaoxin")
    assert 0.005 < gaoxin.mean() < 0.1
    assert np.nanmedian(register.numbers["rd_ratio"][gaoxin]) > np.nanmedian(register.numbers["rd_ratio"][~gaoxin])


VERDICT = {"met": "满足", "not_met": "不满足", "unknown": "待确认"}


def leaves(conditions):
    for c in conditions:
        yield from leaves(c.children) if c.children else [c]


def test_vectorised_and_per_enterprise_agree(register, rules):
    matcher = Matcher(rules, today=register.as_of)
    sample = range(0, len(register), 7)
    profiles = {i: register.profile(i) for i in sample}
    for rule in rules:
        status = evaluate_rule(rule, register)
        for i, p in profiles.items():
            result = matcher.evaluate(rule, p)
            assert result.status == STATUS_CODES[status[i]], (rule.id, i)
            if i % 49 == 0:  # the written explanation tells the same verdict as the status
                for c in leaves(result.conditions):
                    assert c.explanation.startswith(VERDICT[c.status] + "："), (rule.id, c.text, c.explanation)


def test_every_condition_kind_gives_one_verdict_single_and_batch(register, rules):
    """Leaf by leaf, each kind's vector for the register agrees with its verdict for each enterprise."""
    from kiosk.policy.kinds import kind_of
    from kiosk.policy.taxonomy import load_taxonomy
    from kiosk.policy.verdict import Status

    tax = load_taxonomy()
    views = {i: register.profile(i).snapshot(tax, register.as_of) for i in range(0, len(register), 11)}
    for rule in rules:
        for leaf in rule.leaves():
            kind = kind_of(leaf)
            met, not_met = kind.vector(leaf, register, register.as_of)
            assert not (met & not_met).any(), (rule.id, leaf.text)
            for i, view in views.items():
                want = Status.MET if met[i] else Status.NOT_MET if not_met[i] else Status.UNKNOWN
                assert kind.status(leaf, view, tax) is want, (rule.id, leaf.text, i)


def test_some_enterprises_meet_some_policies(register, rules):
    met = sum(int((evaluate_rule(r, register) == 0).sum()) for r in rules)
    assert met > 0


def test_batch_is_incremental_and_notifies_only_new_matches(register, rules, tmp_path):
    outbox = Outbox(tmp_path / "outbox.jsonl")
    batch = BatchMatcher(register, tmp_path / "batch", outbox)
    first = batch.run(rules)
    assert first.rematched == len(rules) and first.reused == 0
    assert first.notified == sum(r.met for r in first.rules) == len(outbox.read())
    second = batch.run(rules)
    assert second.rematched == 0 and second.reused == len(rules) and second.notified == 0

    # loosen one rule: only it is re-matched, and only the newly qualifying enterprises are notified
    target = next(r for r in rules if len(r.root.children) > 1)
    raw = {"policy": target.policy, "id": target.id, "title": target.title, "sms_name": target.sms_name,
           "apply": target.apply, "how_to_apply": target.how_to_apply,
           "conditions": [{"text": "注册在西湖区", "clause": "第二条", "region": ["西湖区"]}]}
    loosened, errors = parse_rule(raw, "edited.yaml")
    assert not errors
    edited = [loosened if r.id == target.id else r for r in rules]
    third = batch.run(edited)
    assert third.rematched == 1 and third.reused == len(rules) - 1
    before = next(r.met for r in first.rules if r.rule == target.id)
    assert third.notified == len(register) - before
    lines = [json.loads(x) for x in (tmp_path / "outbox.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all(len(n["text"]) <= 70 and n["text"].startswith("【西小服】") for n in lines)
    assert len({n["id"] for n in lines}) == len(lines)  # never the same enterprise twice for a rule

    fourth = batch.run([r for r in edited if r.id != target.id])
    assert fourth.removed == 1 and fourth.rematched == 0


def test_changed_digest_when_content_changes(rules):
    rule = rules[0]
    assert replace(rule, title=rule.title).digest == rule.digest
    raw_changed = {"policy": rule.policy, "title": rule.title + "（修订）", "sms_name": rule.sms_name,
                   "apply": rule.apply, "how_to_apply": rule.how_to_apply,
                   "conditions": [{"text": "x", "clause": "第一条", "region": ["西湖区"]}]}
    changed, _ = parse_rule(raw_changed, "x.yaml")
    assert changed.digest != rule.digest


def test_register_saves_and_reloads(tmp_path, register):
    register.save(tmp_path / "reg.npz")
    loaded = Register.load(tmp_path / "reg.npz")
    assert np.array_equal(loaded.tags, register.tags) and loaded.fingerprint == register.fingerprint
    assert np.array_equal(loaded.numbers["revenue"], register.numbers["revenue"], equal_nan=True)
    assert load_or_generate(tmp_path / "reg.npz", size=3000, seed=7).fingerprint == register.fingerprint
