"""Retrieval and extractive answering on the development questions: hit@1, hit@3, MRR, correct refusals,
key facts in answers, and latency (p50/p95) per question on this machine.

Run: .venv/bin/python benchmarks/retrieval.py [--questions FILE]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import EVAL, median, percentile, report  # noqa: E402

from kiosk.knowledge.ask import AskService  # noqa: E402
from kiosk.knowledge.retrieve import Retriever  # noqa: E402
from kiosk.store import Store  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=Path, default=EVAL / "dev_questions.tsv")
    parser.add_argument("--repeat", type=int, default=5, help="timed passes over the questions")
    parser.add_argument("--rerank", action="store_true", help="also re-rank with the embedding model")
    args = parser.parse_args()
    rows = [line.rstrip("\n").split("\t") for line in args.questions.read_text(encoding="utf-8").splitlines()[1:]]
    store = Store.open()
    reranker = None
    if args.rerank:
        from kiosk.engines.embed import DenseReranker

        reranker = DenseReranker()
    service = AskService(store, Retriever(store, reranker=reranker))
    service.ask("预热")  # segmenter and caches load once, as in the running kiosk
    hit1 = hit3 = rr = facts = answerable = refusals = unanswerable = 0
    latencies: list[float] = []
    for question, doc, key in rows:
        ranked = [h.doc_id for h in service.retriever.search(question, k=10)]
        answer, _ = service.ask(question)
        if doc == "NONE":
            unanswerable += 1
            refusals += answer.refused
            continue
        answerable += 1
        cited = [c.source for c in answer.citations][:3]
        hit1 += bool(ranked) and ranked[0] == doc
        hit3 += not answer.refused and doc in cited
        rr += 1 / (ranked.index(doc) + 1) if doc in ranked else 0
        facts += not answer.refused and key.replace(" ", "") in answer.text.replace(" ", "")
    for _ in range(args.repeat):
        for question, _, _ in rows:
            start = time.perf_counter()
            service.ask(question)
            latencies.append((time.perf_counter() - start) * 1000)
    report("retrieval-rerank" if args.rerank else "retrieval", [
        ("questions", f"{answerable} answerable + {unanswerable} unanswerable", ""),
        ("hit@1 (top document)", hit1 / answerable, ""),
        ("hit@3 (cited, not refused)", hit3 / answerable, ">= 0.85"),
        ("MRR@10", rr / answerable, ""),
        ("key fact in answer", facts / answerable, ""),
        ("correct refusal", refusals / max(1, unanswerable), ">= 0.80"),
        ("latency p50 ms", median(latencies), ""),
        ("latency p95 ms", percentile(latencies, 95), "< 50"),
    ])


if __name__ == "__main__":
    main()
