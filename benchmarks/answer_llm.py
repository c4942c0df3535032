"""Does the local model earn a place in answering? An ablation against the learned sentence ranker.

For each answerable development question (and a fixed sample of NCP questions) the ranker's four best sentences
are shown to the local Qwen model, numbered, and it picks the one that answers, or 0 for none (a grammar allows
only a digit, so one token is generated). Reported: how often the chosen sentence holds the key fact (ranker
alone vs model's pick), how often the model says "none" on answerable questions and on unanswerable ones (as a
verifier), and the time each call adds.

Run: .venv/bin/python benchmarks/answer_llm.py [--model qwen2.5-coder-0.5b] [--ncp 100]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "scripts"))

from answers import fmt  # noqa: E402
from common import median, percentile, report  # noqa: E402
from train_answer_model import CORPUS, NCP, dev_items, ncp_items, squash, store_of  # noqa: E402

from kiosk.engines.llm import LlmEngine, default_model_path  # noqa: E402
from kiosk.knowledge.answer import SENTENCE_POOL, gather, read  # noqa: E402
from kiosk.knowledge.answer_model import shipped  # noqa: E402
from kiosk.knowledge.normalize import clean  # noqa: E402
from kiosk.knowledge.retrieve import Retriever  # noqa: E402

SHOWN = 4
GRAMMAR = f"root ::= [0-{SHOWN}]"
SYSTEM = "你是政务服务大厅的助手。根据候选句子判断哪一句直接回答了问题。只输出编号；都不能回答就输出0。"


def pick(llm: LlmEngine, question: str, sentences: list[str]) -> tuple[int, float]:
    listing = "\n".join(f"{i}. {s}" for i, s in enumerate(sentences, 1))
    turns = [("system", SYSTEM), ("user", f"问题：{question}\n候选句子：\n{listing}\n哪一句直接回答了问题？")]
    start = time.perf_counter()
    text = "".join(llm.stream(turns, max_tokens=1, temperature=0.0, grammar=GRAMMAR))
    return (int(text) if text.strip().isdigit() else 0), (time.perf_counter() - start) * 1000


def run(items: list[tuple[str, str, str]], store, llm: LlmEngine) -> list[dict]:
    retriever, model = Retriever(store), shipped()
    rows = []
    for question, doc, key in items:
        question = clean(question)
        groups = retriever.term_groups(question)
        hits = retriever.search(question, k=SENTENCE_POOL)
        evidence = gather(question, hits, retriever.expand(question, hits, groups=groups), groups) if hits else None
        if evidence is None:
            continue
        choice = read(evidence, model)
        order = sorted(range(len(choice.scores)), key=lambda i: -choice.scores[i])[:SHOWN]
        sentences = [choice.candidates[i].sentence for i in order]
        chosen, ms = pick(llm, question, sentences)
        answerable = doc not in ("NONE", "")
        rows.append({"answerable": answerable, "ms": ms, "none": chosen == 0,
                     "ranker": answerable and squash(key) in squash(sentences[0]),
                     "model": answerable and chosen > 0 and squash(key) in squash(sentences[chosen - 1])})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=None, help="installed language model name (default: the manifest's)")
    parser.add_argument("--ncp", type=int, default=100, help="NCP questions in the fixed sample")
    args = parser.parse_args()
    llm = LlmEngine.load(default_model_path(args.model))
    llm.warm([("system", SYSTEM)])
    dev = run(dev_items(), store_of("corpus", CORPUS), llm)
    ncp = run(random.Random(3).sample(ncp_items(), args.ncp), store_of("ncp", NCP / "docs"), llm)
    out = []
    for name, rows in (("dev", dev), ("ncp", ncp)):
        yes = [r for r in rows if r["answerable"]]
        no = [r for r in rows if not r["answerable"]]
        out += [
            (f"{name} key fact: ranker's first sentence", fmt([float(r["ranker"]) for r in yes]), ""),
            (f"{name} key fact: model's pick", fmt([float(r["model"]) for r in yes]), ""),
            (f"{name} model says none, answerable", fmt([float(r["none"]) for r in yes]), ""),
        ]
        if no:
            out.append((f"{name} model says none, unanswerable", fmt([float(r["none"]) for r in no]), ""))
    times = [r["ms"] for r in dev + ncp]
    out += [("model call p50 ms", median(times), ""), ("model call p95 ms", percentile(times, 95), "")]
    report(f"answer-llm-{llm.path.stem}", out)


if __name__ == "__main__":
    main()
