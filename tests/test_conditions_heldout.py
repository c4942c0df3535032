"""The held-out conditions (benchmarks/data/conditions_heldout/): hand-written rules that load with the project's
own parser and taxonomy, one per annotated NCP document."""

from __future__ import annotations

from pathlib import Path

from kiosk import config
from kiosk.policy.conditions import load_dir

HELDOUT = config.REPO_ROOT / "benchmarks" / "data" / "conditions_heldout"
NCP_DOCS = config.REPO_ROOT.parent / "shared" / "eval" / "external" / "ncp" / "docs"


def test_heldout_rules_all_load():
    files = sorted(HELDOUT.glob("*.yaml"))
    assert len(files) == 12
    rules = load_dir(HELDOUT, check_docs=False)
    assert rules.errors == []
    assert sorted(r.policy for r in rules.rules) == sorted(f"{p.stem}.txt" for p in files)
    for rule in rules.rules:
        assert rule.leaves(), rule.policy


def test_heldout_rules_name_ncp_documents():
    names = {p.name for p in NCP_DOCS.glob("*.txt")} if NCP_DOCS.is_dir() else set()
    rules = load_dir(HELDOUT, known_docs=names or None, check_docs=bool(names))
    assert rules.errors == []
    assert all(Path(r.policy).stem.startswith("ncp_") for r in rules.rules)
