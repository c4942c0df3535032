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

Run: .venv/bin/python benchmarks/conditions.py
Writes benchmarks/results/conditions.json.
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "scripts"))

from common import report  # noqa: E402
from train_answer_model import CACHE, CORPUS  # noqa: E402

from kiosk import config  # noqa: E402
from kiosk.content.drafting import draft_rule  # noqa: E402
from kiosk.knowledge.segment import TOKENIZER  # noqa: E402
from kiosk.policy.conditions import CONDITIONS_DIR, DEMO_CONDITIONS_DIR, Leaf, load_dir, parse_rule  # noqa: E402
from kiosk.policy.taxonomy import load_taxonomy  # noqa: E402
from kiosk.store import Store  # noqa: E402
from kiosk.store.demo import DEMO_DIR  # noqa: E402
from kiosk.store.importer import build  # noqa: E402

KINDS = ("threshold", "qualification", "region", "other tags", "established")


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


def main() -> None:
    path = CACHE / "conditions" / "kiosk.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    build(path, [config.REPO_ROOT / "policies_db", CORPUS], demo=DEMO_DIR, tokenizer=TOKENIZER)
    store = Store(path)
    rules = load_dir([CONDITIONS_DIR, DEMO_CONDITIONS_DIR]).rules
    gold: dict[str, list[Leaf]] = defaultdict(list)
    asks = 0
    for rule in rules:
        gold[rule.policy].extend(rule.leaves())
        asks += sum(1 for leaf in rule.leaves() if leaf.kind == "ask")
    totals: dict[str, Counter] = {"drafted": Counter(), "gold": Counter(), "matched": Counter()}
    by_source: dict[str, dict[str, Counter]] = {}
    for doc_id, leaves in sorted(gold.items()):
        d, g, m = score(leaves, drafted_leaves(store, doc_id))
        source = "demo" if store.document(doc_id).sample else "corpus"
        part = by_source.setdefault(source, {"drafted": Counter(), "gold": Counter(), "matched": Counter()})
        for name, counter in (("drafted", d), ("gold", g), ("matched", m)):
            totals[name].update(counter)
            part[name].update(counter)
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


def _pr(counts: dict[str, Counter], kind: str) -> dict[str, Any]:
    drafted, gold, matched = counts["drafted"][kind], counts["gold"][kind], counts["matched"][kind]
    return {"precision": round(matched / drafted, 2) if drafted else None,
            "recall": round(matched / gold, 2) if gold else None, "drafted": drafted, "gold": gold,
            "matched": matched}


if __name__ == "__main__":
    main()
