"""Answer quality on questions nobody here tuned for, with 95 % bootstrap intervals and per-question results.

(a) ``../shared/eval/dev_questions.tsv`` (answerable and unanswerable, many colloquial) against a store of the
    public corpus only;
(b) ``../shared/eval/external/ncp/questions.tsv`` against a store of its 599 documents.
The answer model is trained on NCP questions and the development questions, so every figure here comes from
held-out folds by document: the questions about each fold's documents (an unanswerable question is its own
document) are answered by a model trained without any question about them.
Beside each, the naive baseline: the top passage's best-covered sentence, never refusing.

Run: .venv/bin/python benchmarks/answers.py [--fast] [--folds 5]
Writes benchmarks/results/answers.json (summary) and answers-questions.json (every question, to diff changes).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "scripts"))

from common import RESULTS, median, percentile, report  # noqa: E402
from train_answer_model import (  # noqa: E402
    CORPUS,
    FOLDS,
    NCP,
    dev_examples,
    dev_items,
    fold_of,
    held_out_models,
    ncp_items,
    squash,
    store_of,
    training_set,
)

from kiosk.dialogue.answering import GroundedAnswerer  # noqa: E402
from kiosk.events import AnswerDone  # noqa: E402
from kiosk.knowledge.answer import Answer  # noqa: E402
from kiosk.knowledge.answer_model import AnswerModel, shipped  # noqa: E402
from kiosk.knowledge.ask import AskService  # noqa: E402
from kiosk.knowledge.features import Question, body  # noqa: E402
from kiosk.knowledge.retrieve import Retriever  # noqa: E402
from kiosk.knowledge.sentences import split_sentences  # noqa: E402
from kiosk.store import Store  # noqa: E402

FAST_SIZE = 30  # questions from each set in the fast form
BOOTSTRAP = 1000
NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
MARKER_RE = re.compile(r"\[\d+\]")
SPOKEN = GroundedAnswerer()  # without a language model: the answer `kiosk ask --engine auto` prints without one


def fast_subset(items: list, seed: int) -> list:
    """A fixed sample (the same on every machine), keeping the set's mix of answerable and unanswerable."""
    rng = random.Random(seed)
    return sorted(rng.sample(items, min(FAST_SIZE, len(items))), key=items.index)


def lcs(a: str, b: str) -> int:
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b, 1):
            cur.append(prev[j - 1] + 1 if x == y else max(prev[j], cur[-1]))
        prev = cur
    return prev[-1]


def answer_plain(text: str) -> str:
    return re.sub(r"\[\d+\]", "", text)


def ask(service: AskService, question: str) -> tuple[dict, float]:
    start = time.perf_counter()
    answer, _ = service.ask(question)
    elapsed = (time.perf_counter() - start) * 1000
    return {"answer": answer.text, "refused": answer.refused, "confidence": round(answer.confidence, 3),
            "cited": [c.source for c in answer.citations][:3], "numbers": grounded_numbers(answer)}, elapsed


def grounded_numbers(answer: Answer) -> tuple[int, int]:
    """(numbers of the answer `kiosk ask --json` prints that its citations' text holds, numbers in it): every
    run of digits (“3.5”) as written, looked up in the citations' texts joined; the [n] markers are references to
    the citations, not figures, and are left out."""
    spoken = next(e for e in SPOKEN.stream(answer) if isinstance(e, AnswerDone))
    source = "".join(c.text for c in answer.citations)
    numbers = NUMBER_RE.findall(MARKER_RE.sub("", spoken.answer))
    return sum(n in source for n in numbers), len(numbers)


def naive(retriever: Retriever, question: str) -> dict:
    """The baseline: BM25 candidates, the first passage, its sentence covering most of the question."""
    hits = retriever.search(question, k=1)
    if not hits:
        return {"answer": "", "refused": True, "cited": []}
    q = Question(question, retriever.term_groups(question))
    sentences = split_sentences(body(hits[0])[1]) or [hits[0].text]
    return {"answer": max(sentences, key=q.coverage), "refused": False, "cited": [hits[0].doc_id]}


def score_dev(item: tuple[str, str, str], out: dict) -> dict:
    question, doc, key = item
    answerable = doc != "NONE"
    row = {"question": question, "doc": doc, "key": key, **out, "answerable": answerable}
    row["hit3"] = answerable and not out["refused"] and doc in out["cited"]
    row["fact"] = row["hit3"] and squash(key) in squash(answer_plain(out["answer"]))
    return row


def score_ncp(item: tuple[str, str, str], out: dict) -> dict:
    question, doc, gold = item
    row = {"question": question, "doc": doc, "gold": gold, **out}
    g, a = squash(gold), "" if out["refused"] else squash(answer_plain(out["answer"]))
    row["hit3"] = doc in out["cited"]
    row["contained"] = bool(g) and g in a
    common = lcs(g, a) if a else 0
    row["recall"] = common / len(g) if g else 0.0
    row["precision"] = common / len(a) if a else 0.0
    return row


def interval(values: list[float], seed: int = 1) -> tuple[float, float, float]:
    """Mean and its 95 % bootstrap interval."""
    if not values:
        return float("nan"), float("nan"), float("nan")
    rng = random.Random(seed)
    n = len(values)
    means = sorted(sum(rng.choices(values, k=n)) / n for _ in range(BOOTSTRAP))
    return sum(values) / n, means[int(0.025 * BOOTSTRAP)], means[int(0.975 * BOOTSTRAP) - 1]


def fmt(values: list[float]) -> str:
    mean, low, high = interval(values)
    return f"{mean:.2f} [{low:.2f}, {high:.2f}]"


def dev_summary(rows: list[dict]) -> dict[str, str]:
    yes = [r for r in rows if r["answerable"]]
    no = [r for r in rows if not r["answerable"]]
    spoken = [len(answer_plain(r["answer"])) for r in rows if not r["refused"]]
    return {
        "hit@3": fmt([float(r["hit3"]) for r in yes]),
        "key fact": fmt([float(r["fact"]) for r in yes]),
        "unanswerable refused": fmt([float(r["refused"]) for r in no]),
        "answerable answered": fmt([float(not r["refused"]) for r in yes]),
        "median answer chars": f"{median(spoken):.0f}" if spoken else "-",
        "grounded numbers": numbers_share(rows),
        "n": f"{len(yes)} + {len(no)}",
    }


def numbers_share(rows: list[dict]) -> str:
    """The share of the numbers in the answers that their citations hold ("-" for the baseline, which cites no
    text)."""
    counted = [r["numbers"] for r in rows if "numbers" in r]
    total = sum(n for _, n in counted)
    return f"{sum(found for found, _ in counted) / total:.2f} ({total})" if total else "-"


def ncp_summary(rows: list[dict]) -> dict[str, str]:
    spoken = [len(answer_plain(r["answer"])) for r in rows if not r["refused"]]
    return {
        "doc hit@3": fmt([float(r["hit3"]) for r in rows]),
        "gold contained": fmt([float(r["contained"]) for r in rows]),
        "ROUGE-L recall": fmt([r["recall"] for r in rows]),
        "ROUGE-L precision": fmt([r["precision"] for r in rows]),
        "answered": fmt([float(not r["refused"]) for r in rows]),
        "median answer chars": f"{median(spoken):.0f}" if spoken else "-",
        "grounded numbers": numbers_share(rows),
        "n": str(len(rows)),
    }


def _origin(item: tuple[str, str, str]) -> str:
    question, doc, _ = item
    return doc if doc not in ("", "NONE") else f"question:{question}"


def run_dev(items: list, models: dict[int, AnswerModel] | None) -> tuple[list[dict], list[dict], list[float]]:
    store = store_of("corpus", CORPUS)
    services = {k: AskService(store, model=m) for k, m in (models or {-1: shipped()}).items()}
    for service in services.values():
        service.ask("预热")
    rows, baseline, latencies = [], [], []
    for item in items:
        service = services.get(fold_of(_origin(item), len(services)), services.get(-1))
        out, ms = ask(service, item[0])
        latencies.append(ms)
        rows.append(score_dev(item, out))
        baseline.append(score_dev(item, naive(service.retriever, item[0])))
    return rows, baseline, latencies


def fold_models(folds: int) -> dict[int, AnswerModel]:
    """One model per fold of NCP documents, each trained without any question about that fold's documents."""
    examples, manifest = training_set()
    return held_out_models(examples + dev_examples(), manifest, folds)


def run_ncp(items: list, models: dict[int, AnswerModel] | None) -> tuple[list[dict], list[dict], list[float]]:
    store: Store = store_of("ncp", NCP / "docs")
    services = {k: AskService(store, model=m) for k, m in (models or {-1: shipped()}).items()}
    retriever = next(iter(services.values())).retriever
    rows, baseline, latencies = [], [], []
    for item in items:
        service = services.get(fold_of(item[1], len(services)), services.get(-1))
        out, ms = ask(service, item[0])
        latencies.append(ms)
        rows.append(score_ncp(item, out))
        baseline.append(score_ncp(item, naive(retriever, item[0])))
    return rows, baseline, latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fast", action="store_true", help=f"a fixed subset of {FAST_SIZE} + {FAST_SIZE} questions")
    parser.add_argument("--folds", type=int, default=FOLDS, help="held-out folds for NCP (0: the shipped model)")
    args = parser.parse_args()
    dev, ncp = dev_items(), ncp_items()
    if args.fast:
        dev, ncp = fast_subset(dev, 1), fast_subset(ncp, 2)
    models = fold_models(args.folds) if args.folds > 1 else None
    dev_rows, dev_base, dev_ms = run_dev(dev, models)
    ncp_rows, ncp_base, ncp_ms = run_ncp(ncp, models)
    latencies = dev_ms + ncp_ms
    summary = {"dev": dev_summary(dev_rows), "dev naive": dev_summary(dev_base),
               "ncp": ncp_summary(ncp_rows), "ncp naive": ncp_summary(ncp_base),
               "evaluation": f"{args.folds} held-out folds by document" if models else "shipped model"}
    rows = [(f"{part} {metric}", value, "") for part in ("dev", "dev naive", "ncp", "ncp naive")
            for metric, value in summary[part].items()]
    rows += [("latency p50 ms", median(latencies), ""), ("latency p95 ms", percentile(latencies, 95), "< 150")]
    name = "answers-fast" if args.fast else "answers"
    report(name, rows, {"summary": summary})
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}-questions.json").write_text(
        json.dumps({"dev": dev_rows, "ncp": ncp_rows}, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
