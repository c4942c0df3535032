"""District-scale matching: every policy against every enterprise in the register, vectorised with numpy.

Each condition becomes boolean arrays over all enterprises, from its kind (`kinds`, which also decides the
per-enterprise verdict); groups combine them with the same three-valued logic as the per-enterprise engine in
`eligibility`, so both always agree (a test checks it). Results are kept per rule with the rule's digest: a later run re-matches only new or changed rules and
notifies only enterprises that newly qualify.
"""

from __future__ import annotations

import json
import time
import zipfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from kiosk import config
from kiosk.policy.availability import OPEN, PolicyDocument, availability
from kiosk.policy.conditions import Group, Leaf, Rule
from kiosk.policy.kinds import kind_of
from kiosk.policy.outbox import Outbox
from kiosk.policy.register import DISTRICT_SIZE, GENERATOR_VERSION, Register, generate

STATUS_CODES = ("met", "one_step", "unknown", "not_met")
_INFEASIBLE = 127  # popcount placeholder for a branch that cannot be met


def default_dir() -> Path:
    return config.data_dir() / "policy"


@dataclass
class _Vec:
    met: np.ndarray  # bool
    not_met: np.ndarray  # bool
    need: np.ndarray  # uint64 bitmask of the answers that could make it met (where not not_met)


def evaluate_rule(rule: Rule, register: Register, today: date | None = None) -> np.ndarray:
    """Status codes (index into STATUS_CODES) for every enterprise, as uint8."""
    today = today or register.as_of
    keys: dict[str, int] = {}
    vec = _node(rule.root, register, today, keys)
    if len(keys) > 64:
        raise ValueError(f"规则 {rule.id} 的待问条件超过64个")
    count = np.bitwise_count(vec.need)
    status = np.where(vec.met, 0, np.where(vec.not_met, 3, np.where(count == 1, 1, 2)))
    return status.astype(np.uint8)


def _node(node: Leaf | Group, reg: Register, today: date, keys: dict[str, int]) -> _Vec:
    if isinstance(node, Leaf):
        return _leaf(node, reg, today, keys)
    kids = [_node(c, reg, today, keys) for c in node.children]
    if node.mode == "all":
        met = np.logical_and.reduce([k.met for k in kids])
        not_met = np.logical_or.reduce([k.not_met for k in kids])
        need = np.bitwise_or.reduce([k.need for k in kids])
        return _Vec(met, not_met, need)
    met = np.logical_or.reduce([k.met for k in kids])
    not_met = np.logical_and.reduce([k.not_met for k in kids])
    counts = np.stack([np.where(k.not_met, _INFEASIBLE, np.bitwise_count(k.need)) for k in kids])
    best = np.argmin(counts, axis=0)  # first cheapest branch, as the per-enterprise engine picks
    need = np.take_along_axis(np.stack([k.need for k in kids]), best[None, :], axis=0)[0]
    return _Vec(met, not_met, need)


def _leaf(leaf: Leaf, reg: Register, today: date, keys: dict[str, int]) -> _Vec:
    bit = np.uint64(1 << keys.setdefault(leaf.key, len(keys)))
    met, not_met = kind_of(leaf).vector(leaf, reg, today)
    return _Vec(met, not_met, np.where(met | not_met, np.uint64(0), bit))


@dataclass
class RuleCounts:
    rule: str
    title: str
    met: int
    one_step: int
    unknown: int
    not_met: int
    notified: int = 0
    rematched: bool = True
    note: str = ""  # why the policy is not pushed now: expired, or applications not open (with the dates)


@dataclass
class BatchReport:
    enterprises: int
    register: str
    seconds: float
    rematched: int
    reused: int
    removed: int
    notified: int
    match_seconds: float = 0.0  # evaluating conditions, without writing the outbox
    rules: list[RuleCounts] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


class BatchMatcher:
    """Runs the batch and keeps its state (per-rule digests and met sets) in a folder of the data dir."""

    def __init__(self, register: Register, state_dir: Path | None = None, outbox: Outbox | None = None):
        self.register = register
        self.dir = state_dir or default_dir() / "batch"
        self.outbox = outbox if outbox is not None else Outbox(self.dir.parent / "outbox.jsonl")

    def run(self, rules: list[Rule], full: bool = False, notify: bool = True,
            documents: Mapping[str, PolicyDocument] | None = None, today: date | None = None) -> BatchReport:
        """Match every rule against the register and push to newly qualifying enterprises.

        A policy is pushed only while applications are open (``documents`` says when each policy applies): an
        expired policy or a closed window is never announced, and when a window opens, everyone who qualifies
        hears of it then."""
        start = time.perf_counter()
        documents = documents or {}
        today = today or date.today()
        state = self._load_state()
        if state.get("register") != self.register.fingerprint:
            state = {"register": self.register.fingerprint, "rules": {}}
        previous: dict[str, dict] = state["rules"]
        current: dict[str, dict] = {}
        report = BatchReport(len(self.register), self.register.fingerprint, 0.0, 0, 0, 0, 0)
        for rule in rules:
            old = previous.get(rule.id)
            offer = availability(documents.get(rule.policy), today)
            note = "" if offer.state == OPEN else offer.note
            if old and old.get("digest") == rule.digest and old.get("state") == offer.state and not full:
                current[rule.id] = old
                report.reused += 1
                report.rules.append(RuleCounts(rule.id, rule.title, *old["counts"], rematched=False, note=note))
                continue
            tick = time.perf_counter()
            status = evaluate_rule(rule, self.register)
            report.match_seconds += time.perf_counter() - tick
            counts = [int(c) for c in np.bincount(status, minlength=4)]
            # only enterprises that meet every condition are messaged; "one answer away" waits for a visit,
            # since a question no register can answer (a licence, a contract) would otherwise reach everyone
            met = np.flatnonzero(status == 0).astype(np.int32)
            # enterprises told while the window was open are not told again; a window that opens tells everyone
            told = self._met_before(rule.id) if old and old.get("state", OPEN) == OPEN else None
            notified = self._notify(rule, met, told) if notify and offer.state == OPEN else 0
            np.save(self._met_path(rule.id), met)
            current[rule.id] = {"digest": rule.digest, "counts": counts, "state": offer.state}
            report.rematched += 1
            report.notified += notified
            report.rules.append(RuleCounts(rule.id, rule.title, *counts, notified=notified, note=note))
        for gone in set(previous) - set(current):
            self._met_path(gone).unlink(missing_ok=True)
            report.removed += 1
        self._save_state({"register": self.register.fingerprint, "rules": current})
        report.seconds = round(time.perf_counter() - start, 3)
        report.match_seconds = round(report.match_seconds, 3)
        return report

    def met(self, rule_id: str) -> np.ndarray:
        """Indices of the enterprises that met a rule in the last run."""
        return self._met_before(rule_id)

    def _notify(self, rule: Rule, met: np.ndarray, before: np.ndarray | None) -> int:
        fresh = met if before is None else np.setdiff1d(met, before, assume_unique=True)
        if not len(fresh):
            return 0
        reg = self.register
        return self.outbox.append_many(rule.id, rule.policy, rule.sms(), reg.enterprise_ids(fresh), reg.names(fresh))

    def _met_before(self, rule_id: str) -> np.ndarray:
        path = self._met_path(rule_id)
        return np.load(path) if path.is_file() else np.zeros(0, dtype=np.int32)

    def _met_path(self, rule_id: str) -> Path:
        self.dir.mkdir(parents=True, exist_ok=True)
        return self.dir / f"met_{rule_id.replace('/', '__')}.npy"

    def _load_state(self) -> dict:
        path = self.dir / "state.json"
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return {}

    def _save_state(self, state: dict) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        tmp = self.dir / "state.json.tmp"
        tmp.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
        tmp.replace(self.dir / "state.json")


def load_or_generate(path: Path | None = None, size: int | None = None, seed: int = 2026) -> Register:
    """The saved register, or a freshly generated (and saved) one when none exists or the size differs."""
    path = path or default_dir() / "register.npz"
    want = size or DISTRICT_SIZE
    if path.is_file():
        try:
            reg = Register.load(path)
            if len(reg) == want and reg.seed == seed and reg.version == GENERATOR_VERSION:
                return reg
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            pass  # a damaged or old-format file is regenerated below
    reg = generate(want, seed)
    reg.save(path)
    return reg
