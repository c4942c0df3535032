"""Requests: split + classify + route latency (p50/p95, no language model), sustained durable submissions per second,
routing accuracy on the labelled set and on a held-out set, splitting on multi-matter requests.

Run: .venv/bin/python benchmarks/requests.py [--seconds 5] [--repeat 20]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import median, percentile, report  # noqa: E402

from kiosk.requests.intake import Intake  # noqa: E402
from kiosk.requests.repo.db import RequestDB  # noqa: E402
from kiosk.requests.routing import Router  # noqa: E402
from kiosk.requests.service import RequestService, SubmitForm  # noqa: E402
from kiosk.root import Kiosk  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"


def rows(path: Path) -> list[list[str]]:
    return [line.rstrip("\n").split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def accuracy(router: Router, path: Path) -> tuple[float, float, float, int]:
    """(section, department, both) accuracy over a labelled file, and its size."""
    data = rows(path)
    sec = dep = both = 0
    for text, address, section, department in data:
        r = router.route(text, address)
        s_ok, d_ok = (r.section or "-") == section, r.department == department
        sec += s_ok
        dep += d_ok
        both += s_ok and d_ok
    n = len(data)
    return sec / n, dep / n, both / n, n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0, help="how long to sustain durable submissions")
    parser.add_argument("--repeat", type=int, default=20, help="timed passes over the texts for latency")
    args = parser.parse_args()

    router = Router(Kiosk().departments())
    intake = Intake(router)
    labelled, heldout, multi = (rows(DATA / f) for f in
                                ("requests_labelled.tsv", "requests_heldout.tsv", "requests_multi.tsv"))
    texts = [(r[0], r[1]) for r in labelled + heldout + multi]
    intake.process(*texts[0])  # warm caches, as in the running kiosk
    latencies = []
    for _ in range(args.repeat):
        for text, address in texts:
            t0 = time.perf_counter()
            intake.process(text, address)
            latencies.append((time.perf_counter() - t0) * 1000)

    split_ok = sum([i.route.department for i in intake.process(t, a)] == e.split(",") for t, a, e in multi)

    l_sec, l_dep, l_both, l_n = accuracy(router, DATA / "requests_labelled.tsv")
    h_sec, h_dep, h_both, h_n = accuracy(router, DATA / "requests_heldout.tsv")

    with tempfile.TemporaryDirectory() as tmp:
        svc = RequestService(RequestDB(Path(tmp) / "requests.db"), router)
        submit_ms = []
        n = 0
        end = time.perf_counter() + args.seconds
        while time.perf_counter() < end:
            text, address = texts[n % len(texts)]
            t0 = time.perf_counter()
            # Distinct enterprises, so near-duplicate linking does not short-cut the writes.
            svc.submit(SubmitForm(text, f"杭州测试{n}有限公司", f"138{n:08d}", address))
            submit_ms.append((time.perf_counter() - t0) * 1000)
            n += 1
        elapsed = sum(submit_ms) / 1000
        svc.close()

    report("requests", [
        ("split+classify+route p50 (ms)", median(latencies), ""),
        ("split+classify+route p95 (ms)", percentile(latencies, 95), "< 10"),
        ("split+classify+route max (ms)", max(latencies), ""),
        ("durable submissions per second", n / elapsed, ""),
        ("durable submit p50 (ms)", median(submit_ms), ""),
        ("durable submit p95 (ms)", percentile(submit_ms, 95), ""),
        (f"routing section+department, labelled set (n={l_n})", l_both, ">= 0.9"),
        (f"routing section only, labelled set (n={l_n})", l_sec, ""),
        (f"routing section+department, held-out set (n={h_n})", h_both, ""),
        (f"routing section only, held-out set (n={h_n})", h_sec, ""),
        (f"multi-matter requests split and routed exactly (n={len(multi)})", split_ok / len(multi), ""),
    ], {"texts_timed": len(latencies), "submissions": n,
        "notes": "durable = WAL + synchronous=FULL, one transaction per submission (ticket, items, audit, outbox); "
                 "held-out set written after the lexicon was frozen and never used to tune it"})


if __name__ == "__main__":
    main()
