"""Conditions drafted from policy text, against the hand-written rules in policies_db/conditions/ (the public
corpus's real documents) and policies_db/demo/conditions/ (the demo pack's policies).

For each document with hand-written rules, every leaf drafted from its text is matched one-to-one with a
hand-written leaf of the same kind: a threshold when the fact, the direction of the comparison (at least / at
most / equal) and the value agree; a qualification or other tag test when it tests the same way (require or
exclude) and shares a tag; a region when it names the same place; a registration window when the dates agree.
Precision is matched drafted leaves over drafted leaves, recall matched hand-written leaves over hand-written
leaves, by kind. `ask` conditions (what only the enterprise can say) are not drafted and are listed apart.
Documents the conditions README explains have no conditions (laws, personal services) are drafted too; every
leaf drafted there is a false alarm an editor must reject.

Those are development figures: the drafter's patterns were written while reading exactly those rules. `--heldout`
measures the same drafter with the same matcher on documents it was never written against: twenty real 2020 policy
documents of the NCP set (`train_answer_model.NCP`) chosen for their thresholds, with rules written by hand from their
text alone before any drafter output on them was seen (benchmarks/data/conditions_heldout/, where its README says how
they were chosen). `--ncp-dev` runs the twelve NCP documents that were the held-out set until the drafter was first
measured on them and have been read to fix it since (benchmarks/data/conditions_ncp_dev/): development material. With
so few leaves per kind, each figure carries a 95 % bootstrap interval over documents.

Run: .venv/bin/python benchmarks/conditions.py [--heldout | --ncp-dev]
Writes benchmarks/results/conditions.json (conditions_heldout.json, conditions_ncp_dev.json).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "scripts"))

from common import report  # noqa: E402
from train_answer_model import CACHE, CORPUS, NCP, store_of  # noqa: E402

from kiosk import config  # noqa: E402
from kiosk.content.drafting import draft_rule  # noqa: E402
from kiosk.knowledge.segment import TOKENIZER  # noqa: E402
from kiosk.policy.conditions import CONDITIONS_DIR, DEMO_CONDITIONS_DIR, Leaf, Rule, load_dir, parse_rule  # noqa: E402
from kiosk.policy.taxonomy import load_taxonomy  # noqa: E402
from kiosk.store import Store  # noqa: E402
from kiosk.store.demo import DEMO_DIR  # noqa: E402
from kiosk.store.importer import build  # noqa: E402

KINDS = ("threshold", "qualification", "region", "other tags", "established")
# hand-written rules of NCP documents: written blind and never used to change the drafter / read to fix it since
NCP_SETS = {"conditions_heldout": HERE / "data" / "conditions_heldout",
            "conditions_ncp_dev": HERE / "data" / "conditions_ncp_dev"}
BOOTSTRAP = 1000


def kind_of(leaf: Leaf) -> str:
    if leaf.kind == "fact":
        return "threshold"
    if leaf.kind == "tags":
        taxonomy = load_taxonomy()
        tags = leaf.require + leaf.require_any + leaf.exclude
        return "qualification" if any(taxonomy.tags[t].category == "qualification" for t in tags) else "other tags"
    return leaf.kind


def _direction(op: str) -> str:
    return {">=": "min", ">": "min", "<=": "max", "<": "max"}.get(op, op)


def same(drafted: Leaf, gold: Leaf) -> bool:
    kind = kind_of(drafted)
    if kind != kind_of(gold):
        return False
    if kind == "threshold":
        return drafted.fact == gold.fact and _direction(drafted.op) == _direction(gold.op) and \
            abs(drafted.value - gold.value) <= 1e-6 * max(1.0, abs(gold.value))
    if kind in ("qualification", "other tags"):
        if bool(drafted.exclude) != bool(gold.exclude):
            return False
        return bool(set(drafted.require + drafted.require_any + drafted.exclude)
                    & set(gold.require + gold.require_any + gold.exclude))
    if kind == "region":
        return bool(set(drafted.regions) & set(gold.regions))
    if kind == "established":
        return (drafted.after, drafted.before) == (gold.after, gold.before)
    return False


def drafted_leaves(store: Store, doc_id: str) -> list[Leaf]:
    document = store.document(doc_id)
    rule = draft_rule(doc_id, document.title, store.passages(doc_id))
    if not rule["conditions"]:
        return []
    parsed, errors = parse_rule(rule, f"draft[{doc_id}]", known_docs={doc_id})
    if errors:
        raise SystemExit(f"a draft does not load: {errors[:3]}")
    return parsed.leaves()


def score(gold: list[Leaf], drafted: list[Leaf]) -> tuple[Counter, Counter, Counter]:
    """Per kind: drafted, hand-written, matched."""
    free = list(gold)
    matched: Counter = Counter()
    for leaf in drafted:
        hit = next((g for g in free if same(leaf, g)), None)
        if hit is not None:
            free.remove(hit)
            matched[kind_of(leaf)] += 1
    return Counter(kind_of(x) for x in drafted), Counter(kind_of(x) for x in gold if x.kind != "ask"), matched


def gold_leaves(rules: list[Rule]) -> tuple[dict[str, list[Leaf]], int]:
    """Hand-written leaves by document, and how many of them are `ask` conditions."""
    gold: dict[str, list[Leaf]] = defaultdict(list)
    asks = 0
    for rule in rules:
        gold[rule.policy].extend(rule.leaves())
        asks += sum(1 for leaf in rule.leaves() if leaf.kind == "ask")
    return gold, asks


def score_documents(store: Store, gold: dict[str, list[Leaf]]) -> dict[str, tuple[Counter, Counter, Counter]]:
    """Per document: its drafted, hand-written and matched leaves by kind."""
    return {doc_id: score(leaves, drafted_leaves(store, doc_id)) for doc_id, leaves in sorted(gold.items())}


def _sum(scores: list[tuple[Counter, Counter, Counter]]) -> dict[str, Counter]:
    counts: dict[str, Counter] = {"drafted": Counter(), "gold": Counter(), "matched": Counter()}
    for d, g, m in scores:
        for name, counter in (("drafted", d), ("gold", g), ("matched", m)):
            counts[name].update(counter)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--heldout", action="store_true",
                       help="the held-out NCP documents and their hand-written rules instead of the development set")
    which.add_argument("--ncp-dev", action="store_true",
                       help="the twelve NCP documents read while fixing the drafter (development material)")
    args = parser.parse_args()
    if args.heldout or args.ncp_dev:
        ncp_set("conditions_heldout" if args.heldout else "conditions_ncp_dev")
        return
    path = CACHE / "conditions" / "kiosk.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    build(path, [config.REPO_ROOT / "policies_db", CORPUS], demo=DEMO_DIR, tokenizer=TOKENIZER)
    store = Store(path)
    gold, asks = gold_leaves(load_dir([CONDITIONS_DIR, DEMO_CONDITIONS_DIR]).rules)
    scores = score_documents(store, gold)
    totals = _sum(list(scores.values()))
    by_source: dict[str, dict[str, Counter]] = {}
    for source in ("corpus", "demo"):
        part = [s for doc_id, s in scores.items() if (store.document(doc_id).sample) == (source == "demo")]
        if part:
            by_source[source] = _sum(part)
    no_rules = [d.id for d in store.documents() if d.id not in gold and not d.sample]
    false_alarms = {doc: len(drafted_leaves(store, doc)) for doc in no_rules}
    rows: list[tuple[str, Any, str]] = []
    figures: dict[str, Any] = {}
    for kind in KINDS:
        figures[kind] = _pr(totals, kind)
        for source, part in sorted(by_source.items()):
            figures[f"{kind} ({source})"] = _pr(part, kind)
    for kind in KINDS:
        f = figures[kind]
        target = "P ≥ 0.8, R ≥ 0.7" if kind in ("threshold", "qualification") else ""
        by = "; ".join(f"{s} {figures[f'{kind} ({s})']['precision']}/{figures[f'{kind} ({s})']['recall']}"
                       for s in sorted(by_source))
        rows.append((f"{kind}: precision / recall (drafted, hand-written)",
                     f"{f['precision']} / {f['recall']} ({f['drafted']}, {f['gold']}; {by})", target))
    rows.append(("ask conditions (not drafted)", asks, ""))
    rows.append(("leaves drafted on documents without conditions (laws, personal services)",
                 f"{sum(false_alarms.values())} on {sum(1 for v in false_alarms.values() if v)} of {len(no_rules)}", ""))
    report("conditions", rows, {"by_kind": figures, "false_alarms": false_alarms, "documents": len(gold)})


def ncp_rules(directory: Path) -> list[Rule]:
    """A set's hand-written rules, parsed by the project's own loader; any error stops the run."""
    docs = {p.name for p in (NCP / "docs").glob("*.txt")} if (NCP / "docs").is_dir() else None
    rules = load_dir(directory, known_docs=docs, check_docs=docs is not None)
    if rules.errors:
        raise SystemExit(f"{directory.name} rules do not load:\n" + "\n".join(rules.errors))
    return rules.rules


def ncp_set(name: str) -> None:
    """Draft the NCP documents of one hand-written set and score them against their rules."""
    gold, asks = gold_leaves(ncp_rules(NCP_SETS[name]))
    docs = CACHE / name / "docs"  # exactly the annotated documents, nothing else
    docs.mkdir(parents=True, exist_ok=True)
    for stale in docs.iterdir():
        if stale.name not in gold:
            stale.unlink()
    for doc_id in gold:
        source, target = NCP / "docs" / doc_id, docs / doc_id
        if not target.is_file() or target.read_bytes() != source.read_bytes():
            shutil.copyfile(source, target)
    store = store_of(name, docs)
    scores = score_documents(store, gold)
    totals = _sum(list(scores.values()))
    rows: list[tuple[str, Any, str]] = []
    figures: dict[str, Any] = {}
    for kind in KINDS:
        f = figures[kind] = _pr(totals, kind)
        f["precision_interval"] = _interval(scores, kind, "drafted")
        f["recall_interval"] = _interval(scores, kind, "gold")
        rows.append((f"{kind}: precision [95 %] / recall [95 %] (drafted, hand-written)",
                     f"{_show(f['precision'], f['precision_interval'])} / {_show(f['recall'], f['recall_interval'])} "
                     f"({f['drafted']}, {f['gold']})", ""))
    rows.append(("ask conditions (not drafted)", asks, ""))
    rows.append(("documents", len(gold), ""))
    per_document = {doc: {name: dict(c) for name, c in zip(("drafted", "gold", "matched"), s, strict=True)}
                    for doc, s in scores.items()}
    report(name, rows, {"by_kind": figures, "documents": per_document})


def _interval(scores: dict[str, tuple[Counter, Counter, Counter]], kind: str, over: str,
              seed: int = 1) -> list[float] | None:
    """95 % bootstrap interval of matched / ``over`` (drafted: precision, gold: recall), resampling documents."""
    column = 0 if over == "drafted" else 1
    pairs = [(s[2][kind], s[column][kind]) for s in scores.values()]
    if not sum(n for _, n in pairs):
        return None
    rng = random.Random(seed)
    ratios = []
    for _ in range(BOOTSTRAP):
        sample = rng.choices(pairs, k=len(pairs))
        total = sum(n for _, n in sample)
        if total:
            ratios.append(sum(m for m, _ in sample) / total)
    ratios.sort()
    return [round(ratios[int(0.025 * len(ratios))], 2), round(ratios[int(0.975 * len(ratios)) - 1], 2)]


def _show(value: float | None, interval: list[float] | None) -> str:
    if value is None:
        return "-"
    return f"{value} [{interval[0]}, {interval[1]}]" if interval else str(value)


def _pr(counts: dict[str, Counter], kind: str) -> dict[str, Any]:
    drafted, gold, matched = counts["drafted"][kind], counts["gold"][kind], counts["matched"][kind]
    return {"precision": round(matched / drafted, 2) if drafted else None,
            "recall": round(matched / gold, 2) if gold else None, "drafted": drafted, "gold": gold,
            "matched": matched}


if __name__ == "__main__":
    main()
