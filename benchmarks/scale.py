"""The store at the seeds' scale: the public corpus plus 1,705 real laws and regulations (LawRefBook).

Every law of the corpus is also a LawRefBook file (same title, a second copy): citing either counts as right.
Measures the full build time and the store's size, an incremental rebuild after one document changes, answer
latency (p50/p95) of the development questions, and their quality beside the same questions on the corpus-only
store (the laws are distractors: corpus questions must still be answered from the corpus).

With ``--folds 5`` every development question is answered, on both stores, by a model trained without any question
about its document (as ``benchmarks/answers.py`` does); by default by the shipped model, which has seen them.

Run: .venv/bin/python benchmarks/scale.py [--profile] [--folds 5]
Writes benchmarks/results/scale.json.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import sys
import tarfile
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "scripts"))

from answers import _origin, ask, dev_summary, fold_models, score_dev  # noqa: E402
from common import EVAL, median, percentile, report  # noqa: E402
from train_answer_model import CACHE, CORPUS, dev_items, fold_of, store_of  # noqa: E402

from kiosk.knowledge.answer_model import AnswerModel, shipped  # noqa: E402
from kiosk.knowledge.ask import AskService  # noqa: E402
from kiosk.knowledge.segment import TOKENIZER  # noqa: E402
from kiosk.store import Store  # noqa: E402
from kiosk.store.importer import build  # noqa: E402

ARCHIVE = EVAL / "external" / "lawrefbook" / "lawrefbook-scale.tar.xz"


def unpack(into: Path) -> Path:
    with tarfile.open(ARCHIVE) as tar:
        tar.extractall(into, filter="data")
    return into / "lawrefbook"


def timed_build(store: Path, sources: list[Path], full: bool) -> float:
    start = time.perf_counter()
    build(store, sources, full=full, tokenizer=TOKENIZER)
    return time.perf_counter() - start


def incremental(store: Path, sources: list[Path], laws: Path) -> float:
    """Rebuild after one law changes, as after an editor's publish."""
    one = sorted(laws.glob("*.md"))[0]
    one.write_text(one.read_text(encoding="utf-8") + "\n附：本文件已复核。\n", encoding="utf-8")
    return timed_build(store, sources, full=False)


def answer_all(store: Store, items: list, profile: bool,
               models: dict[int, AnswerModel] | None = None) -> tuple[list[dict], list[float]]:
    """Every question answered (by its fold's model when ``models`` are given); every law of the corpus is also
    among the LawRefBook files, so citing that copy (the same title) counts as citing the right document."""
    services = {k: AskService(store, model=m) for k, m in (models or {-1: shipped()}).items()}
    for service in services.values():
        service.ask("预热")
    titles = {d.id: d.title for d in store.documents()}
    profiler = cProfile.Profile() if profile else None
    rows, latencies = [], []
    for item in items:
        service = services.get(fold_of(_origin(item), len(services)), services.get(-1))
        if profiler:
            profiler.enable()
        out, ms = ask(service, item[0])
        if profiler:
            profiler.disable()
        latencies.append(ms)
        gold_title = titles.get(item[1])
        out["cited"] = [item[1] if gold_title and titles.get(c) == gold_title else c for c in out["cited"]]
        rows.append(score_dev(item, out))
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return rows, latencies


def retrieval_ms(store: Store, items: list) -> list[float]:
    """The search alone (BM25 candidates and their re-scoring), which is what grows with the store."""
    retriever = AskService(store).retriever
    out = []
    for question, *_ in items:
        start = time.perf_counter()
        retriever.search(question, k=6)
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", action="store_true", help="print where answering spends its time")
    parser.add_argument("--keep", action="store_true", help="keep the large store in the cache for later runs")
    parser.add_argument("--folds", type=int, default=0, help="held-out folds for the dev questions (0: shipped model)")
    args = parser.parse_args()
    models = fold_models(args.folds) if args.folds > 1 else None
    work = Path(tempfile.mkdtemp(prefix="kiosk-scale-"))
    try:
        laws = unpack(work)
        sources = [CORPUS, laws]
        store_path = (CACHE / "scale" if args.keep else work / "store") / "kiosk.db"
        store_path.parent.mkdir(parents=True, exist_ok=True)
        full_s = timed_build(store_path, sources, full=True)
        size_mb = store_path.stat().st_size / 1e6
        incr_s = incremental(store_path, sources, laws)
        store = Store(store_path)
        documents = store.conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        passages = store.conn.execute("SELECT count(*) FROM passages").fetchone()[0]
        items = dev_items()
        big_rows, latencies = answer_all(store, items, args.profile, models)
        small_store = store_of("corpus", CORPUS)
        small_rows, small_latencies = answer_all(small_store, items, False, models)
        search, small_search = retrieval_ms(store, items), retrieval_ms(small_store, items)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    big, small = dev_summary(big_rows), dev_summary(small_rows)
    rows = [
        ("documents", documents, ""), ("passages", passages, ""),
        ("full build s", full_s, ""), ("incremental rebuild (one document changed) s", incr_s, ""),
        ("store MB", size_mb, ""),
        ("answer p50 ms", median(latencies), ""), ("answer p95 ms", percentile(latencies, 95), "< 50"),
        ("small store answer p50 / p95 ms",
         f"{median(small_latencies):.0f} / {percentile(small_latencies, 95):.0f}", ""),
        ("retrieval p50 / p95 ms: large / small store", f"{median(search):.0f} / {percentile(search, 95):.0f} ; "
         f"{median(small_search):.0f} / {percentile(small_search, 95):.0f}", ""),
    ]
    rows += [(f"dev {metric}: large / small store", f"{big[metric]} / {small[metric]}", "within 0.02")
             for metric in ("hit@3", "key fact", "unanswerable refused", "answerable answered")]
    rows.append(("evaluation", f"{args.folds} held-out folds by document" if models else "shipped model", ""))
    report("scale", rows, {"large": big, "small": small})


if __name__ == "__main__":
    main()
