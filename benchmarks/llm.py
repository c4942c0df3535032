"""Language-model answering on the development questions, per installed model: load time, first token cold and
with the prefix cache, tokens/s, time to the grounded lead, full answer latency, groundedness and key facts.

Run: .venv/bin/python benchmarks/llm.py [--models qwen2.5-coder-0.5b qwen2.5-coder-1.5b] [--limit N]
Prints a table per model and writes benchmarks/results/llm.json. Targets (issue 3, default model, 2 cores):
lead < 300 ms, first model token p50 < 2.5 s with the prefix cache, groundedness >= 0.95.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import EVAL, machine, median, percentile, report  # noqa: E402

from kiosk import modelstore  # noqa: E402
from kiosk.dialogue.answering import GroundedAnswerer  # noqa: E402
from kiosk.dialogue.prompts import answer_prefix  # noqa: E402
from kiosk.engines.llm import LlmEngine  # noqa: E402
from kiosk.events import AnswerDone, AnswerSentence  # noqa: E402
from kiosk.knowledge.ask import AskService  # noqa: E402
from kiosk.root import Kiosk  # noqa: E402

NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
CITE_RE = re.compile(r"\[\d+\]")


def _numbers(text: str) -> list[str]:
    return NUMBER_RE.findall(CITE_RE.sub("", text))


def bench_model(name: str, rows: list[list[str]], service: AskService) -> dict:
    path = modelstore.path_for("llm", name)
    if path is None:
        print(f"{name}: not installed, skipped (kiosk models install {name})")
        return {}
    started = time.perf_counter()
    engine = LlmEngine.load(path)
    load_s = time.perf_counter() - started
    # Cold: the first prompt reads the whole fixed prefix too.
    cold_q = rows[0][0]
    answer, _ = service.ask(cold_q)
    list(GroundedAnswerer(engine, first_token_budget_s=120).stream(answer, "llm"))
    cold_first = engine.last.first_token_s
    cold_prompt = engine.last.prompt_tokens
    warm_s = engine.warm(answer_prefix())
    answerer = GroundedAnswerer(engine, first_token_budget_s=120)

    leads, firsts, model_firsts, totals, rates, cached = [], [], [], [], [], []
    nums = grounded = model_nums = model_grounded = answered = facts = used_llm = refused_right = negatives = 0
    for question, doc, key in rows:
        t0 = time.perf_counter()
        answer, _ = service.ask(question)
        done = None
        model_text = []
        for event in answerer.stream(answer, "llm", started=t0):
            if isinstance(event, AnswerSentence) and event.engine == "llm":
                model_text.append(event.text)
            elif isinstance(event, AnswerDone):
                done = event
        if doc == "NONE":
            negatives += 1
            refused_right += done.refused
            continue
        answered += 1
        facts += key.replace(" ", "") in done.answer.replace(" ", "")
        used_llm += done.engine == "llm"
        source = "".join(c.text for c in done.citations)
        found = _numbers(done.answer)
        nums += len(found)
        grounded += sum(n in source for n in found)
        for sentence in model_text:
            ns = _numbers(sentence)
            model_nums += len(ns)
            model_grounded += sum(n in source for n in ns)
        timings = done.timings_ms
        if "lead" in timings:
            leads.append(timings["lead"])
        if "first_token" in timings:
            firsts.append(timings["first_token"])
            model_firsts.append(engine.last.first_token_s * 1000)
            cached.append(engine.last.cached_tokens / max(1, engine.last.prompt_tokens))
            gen_s = engine.last.total_s - engine.last.first_token_s
            if engine.last.completion_tokens > 1 and gen_s > 0:
                rates.append((engine.last.completion_tokens - 1) / gen_s)
        totals.append(timings["total"])
    return {
        "model": name,
        "load_s": round(load_s, 2),
        "warm_prefix_s": round(warm_s, 2),
        "first_token_cold_ms": round(cold_first * 1000, 1),
        "cold_prompt_tokens": cold_prompt,
        "lead_ms_p50": round(median(leads), 1),
        "lead_ms_p95": round(percentile(leads, 95), 1),
        "first_token_ms_p50": round(median(firsts), 1),
        "first_token_ms_p95": round(percentile(firsts, 95), 1),
        "model_first_token_ms_p50": round(median(model_firsts), 1),
        "prefix_cached_share": round(median(cached), 2),
        "tokens_per_s": round(median(rates), 1),
        "answer_ms_p50": round(median(totals), 1),
        "answer_ms_p95": round(percentile(totals, 95), 1),
        "groundedness": round(grounded / max(1, nums), 3),
        "model_sentence_groundedness": round(model_grounded / max(1, model_nums), 3) if model_nums else 1.0,
        "key_fact": round(facts / max(1, answered), 3),
        "llm_sentences_kept_share": round(used_llm / max(1, answered), 3),
        "correct_refusal": round(refused_right / max(1, negatives), 3),
        "questions": f"{answered}+{negatives}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=Path, default=EVAL / "dev_questions.tsv")
    parser.add_argument("--models", nargs="+", default=["qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b"])
    parser.add_argument("--limit", type=int, default=0, help="only the first N questions")
    args = parser.parse_args()
    rows = [line.rstrip("\n").split("\t") for line in args.questions.read_text(encoding="utf-8").splitlines()[1:]]
    if args.limit:
        rows = rows[: args.limit]
    service = Kiosk().ask_service
    service.ask("预热")
    load_before = os.getloadavg()[0]
    results = [r for r in (bench_model(name, rows, service) for name in args.models) if r]
    if not results:
        sys.exit("no language model installed: kiosk models install")
    table = []
    targets = {"lead_ms_p50": "< 300", "first_token_ms_p50": "< 2500", "groundedness": ">= 0.95"}
    for r in results:
        for metric, value in r.items():
            if metric != "model":
                table.append((f"{r['model']}: {metric}", value, targets.get(metric, "") if r is results[0] else ""))
    # The machine is shared while developing: say how busy it was, since every figure here depends on it.
    report("llm", table, {"models": results, "machine_note": machine(),
                          "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)]})


if __name__ == "__main__":
    main()
