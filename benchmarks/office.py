"""The web office on generated data: queue page and API p50/p95 with N requests (default 100,000), the barometer
page with N requests and M logged questions, and concurrent officers against the real server on 127.0.0.1.

Run: .venv/bin/python benchmarks/office.py [--requests 100000] [--questions 200000] [--officers 20] [--seconds 10]
"""

from __future__ import annotations

import argparse
import random
import socket
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import median, percentile, report  # noqa: E402

from kiosk.office.accounts import Accounts  # noqa: E402
from kiosk.office.app import create_app  # noqa: E402
from kiosk.office.questionlog import QuestionLog  # noqa: E402
from kiosk.requests.lifecycle import State  # noqa: E402
from kiosk.requests.service import RequestService  # noqa: E402
from kiosk.store import Store  # noqa: E402

PASSWORD = "benchmark-password"
STATES = [State.DISPATCHED] * 3 + [State.ACCEPTED, State.IN_PROGRESS] + [State.RESOLVED, State.CLOSED] * 2


def generate(service: RequestService, log: QuestionLog, n_requests: int, n_questions: int, seed: int = 7) -> None:
    """Tickets with one item each over the last year, spread over every unit, category and state; logged turns."""
    rng = random.Random(seed)
    units = list(service.router.departments.values())
    categories = service.router.categories
    now = datetime.now().replace(microsecond=0)
    tickets, items = [], []
    for i in range(n_requests):
        created = now - timedelta(minutes=rng.randrange(365 * 24 * 60))
        unit = rng.choice(units)
        cat = rng.choice(categories).id
        state = rng.choice(STATES)
        due = created + timedelta(days=rng.choice([1, 3, 5, 10]))
        resolved = (created + timedelta(days=rng.random() * 8)).isoformat() if state in (State.RESOLVED,
                                                                                      State.CLOSED) else None
        ticket = f"XH{created:%Y%m%d}-{i:06d}"
        tickets.append((ticket, created.isoformat(), f"测试企业{i % 5000}有限公司", f"k{i % 5000}",
                        f"138{i % 100000000:08d}", f"杭州市西湖区{unit.name}某路{i % 300}号", f"第{i}件诉求：路灯坏了",
                        "cli", 1))
        items.append((ticket, 1, f"第{i}件诉求：门口路灯坏了", cat, unit.id if unit.kind == "section" else None,
                       unit.id, "street" if unit.kind == "street" else "section", str(state), created.isoformat(),
                       due.isoformat(), created.isoformat(), resolved, rng.choice([None, None, 3, 4, 5, 1])))
    conn = service.db.conn
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO tickets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", tickets)
    conn.executemany("INSERT INTO items (ticket, seq, text, category, section, department, tier, state, created_at,"
                     " due_at, updated_at, resolved_at, rating) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", items)
    conn.execute("COMMIT")
    topics = [u.name for u in units if u.kind != "street"]
    turns = [(f"t{i}", (now - timedelta(minutes=rng.randrange(180 * 24 * 60))).isoformat(),
              f"问题{i % 3000}怎么办理？", rng.choice(topics), "policy_question", int(rng.random() > 0.2),
              "extractive", "", 40.0) for i in range(n_questions)]
    log.conn.execute("BEGIN")
    log.conn.executemany("INSERT INTO turns (id, at, question, topic, intent, answered, engine, document, latency_ms)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", turns)
    log.conn.execute("COMMIT")


def timed(client, path: str, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        r = client.get(path)
        out.append((time.perf_counter() - start) * 1000)
        assert r.status_code == 200, (path, r.status_code)
    return out


def concurrent(app, officers: list[str], seconds: float) -> tuple[int, int, list[float]]:
    """Each officer, logged in first, reads the queue page and the overdue API in a loop against a real uvicorn
    server on 127.0.0.1; the loop stops by itself after ``seconds``."""
    import httpx
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base, done, errors, latencies = f"http://127.0.0.1:{port}", [0], [0], []
    lock = threading.Lock()

    clients = []
    for name in officers:  # logged in before the clock starts: a login's argon2 check is slow by design
        client = httpx.Client(base_url=base, timeout=30)
        errors[0] += client.post("/api/login", json={"username": name, "password": PASSWORD}).status_code != 200
        clients.append(client)
    stop_at = time.monotonic() + seconds

    def officer(client) -> None:
        try:
            while time.monotonic() < stop_at:
                for path in ("/queue", "/api/queue?bucket=overdue"):
                    start = time.perf_counter()
                    try:
                        status = client.get(path).status_code
                    except httpx.HTTPError:
                        status = 0
                    with lock:
                        latencies.append((time.perf_counter() - start) * 1000)
                        done[0] += 1
                        errors[0] += status != 200
        finally:
            client.close()

    threads = [threading.Thread(target=officer, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    server.should_exit = True
    thread.join(timeout=10)
    return done[0], errors[0], latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--questions", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--officers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="office-bench-") as tmp:
        run(args, Path(tmp))


def run(args: argparse.Namespace, folder: Path) -> None:
    from starlette.testclient import TestClient

    service = RequestService.open(Store.open().departments(), path=folder / "requests.db")
    log = QuestionLog(folder / "questions.db", retention_days=3650)
    start = time.perf_counter()
    generate(service, log, args.requests, args.questions)
    generated_s = time.perf_counter() - start
    accounts = Accounts(folder / "office.db")
    accounts.add_user("centre", PASSWORD, "centre")
    streets = [d.id for d in service.router.departments.values() if d.kind == "street"]
    officers = [f"street{i}" for i in range(args.officers)]
    for i, name in enumerate(officers):
        accounts.add_user(name, PASSWORD, "street", streets[i % len(streets)])
    app = create_app(service, accounts, log, folder / "drafts")
    client = TestClient(app)
    client.post("/api/login", json={"username": "centre", "password": PASSWORD})
    street = TestClient(app)
    street.post("/api/login", json={"username": officers[0], "password": PASSWORD})
    queue_centre = timed(client, "/queue?bucket=open", args.repeat)
    queue_street = timed(street, "/queue?bucket=overdue", args.repeat)
    api_queue = timed(client, "/api/queue?bucket=all", args.repeat)
    barometer = timed(client, "/barometer?days=365", max(3, args.repeat // 10))
    done, errors, latencies = concurrent(app, officers, args.seconds) if args.officers else (0, 0, [])
    rows = [
        ("generated requests / logged questions", f"{args.requests:,} / {args.questions:,}", ""),
        ("generation time (s)", round(generated_s, 1), ""),
        ("queue page, centre (all units) p50 / p95 ms",
         f"{median(queue_centre):.0f} / {percentile(queue_centre, 95):.0f}", "p95 < 200"),
        ("queue page, one street p50 / p95 ms",
         f"{median(queue_street):.0f} / {percentile(queue_street, 95):.0f}", "p95 < 200"),
        ("/api/queue, centre p50 / p95 ms", f"{median(api_queue):.0f} / {percentile(api_queue, 95):.0f}", ""),
        ("barometer page (365 days) p50 / max ms", f"{median(barometer):.0f} / {max(barometer):.0f}", "< 1000"),
        (f"{args.officers} concurrent officers, {args.seconds:.0f} s: requests / errors", f"{done} / {errors}",
         "0 errors"),
        ("  their latency p50 / p95 ms",
         f"{median(latencies):.0f} / {percentile(latencies, 95):.0f}" if latencies else "-", ""),
    ]
    report("office", rows, {"requests": args.requests, "questions": args.questions})


if __name__ == "__main__":
    main()
