"""The hand-written NCP conditions (benchmarks/data/conditions_heldout/, written blind, and conditions_ncp_dev/, read
while fixing the drafter): rules that load with the project's own parser and taxonomy, one per annotated document."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk import config
from kiosk.policy.conditions import load_dir

DATA = config.REPO_ROOT / "benchmarks" / "data"
NCP_DOCS = config.REPO_ROOT.parent / "shared" / "eval" / "external" / "ncp" / "docs"
SETS = {"conditions_heldout": 22, "conditions_ncp_dev": 12}


@pytest.mark.parametrize(("name", "count"), SETS.items())
def test_rules_all_load(name: str, count: int):
    directory = DATA / name
    files = sorted(directory.glob("*.yaml"))
    assert len(files) == count
    rules = load_dir(directory, check_docs=False)
    assert rules.errors == []
    assert sorted(r.policy for r in rules.rules) == sorted(f"{p.stem}.txt" for p in files)
    for rule in rules.rules:
        assert rule.leaves(), rule.policy


@pytest.mark.parametrize("name", SETS)
def test_rules_name_ncp_documents(name: str):
    names = {p.name for p in NCP_DOCS.glob("*.txt")} if NCP_DOCS.is_dir() else set()
    rules = load_dir(DATA / name, known_docs=names or None, check_docs=bool(names))
    assert rules.errors == []
    assert all(Path(r.policy).stem.startswith("ncp_") for r in rules.rules)


def test_held_out_documents_are_not_development_ones():
    held = {p.name for p in (DATA / "conditions_heldout").glob("*.yaml")}
    assert not held & {p.name for p in (DATA / "conditions_ncp_dev").glob("*.yaml")}
