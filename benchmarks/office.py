"""The web office on generated data: queue page and API p50/p95 with N requests (default 100,000), the barometer
page with N requests and M logged questions, and concurrent officers against the real server on 127.0.0.1.

Run: .venv/bin/python benchmarks/office.py [--requests 100000] [--questions 200000] [--officers 20] [--seconds 10]
    [--data DIR] [--database postgresql://…]

``--data DIR`` keeps the generated requests and questions in DIR and reuses them on the next run (generation takes
minutes at a million), so two versions of the code can be timed on the same data: the first opening by newer code
migrates the files, and that time is reported. ``--database`` times the office on an empty PostgreSQL database
instead: the generated files are copied into it as `kiosk office copy-to` copies them (that time is reported too;
a database an earlier run filled is timed as it is).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import median, percentile, report  # noqa: E402

from kiosk.office.accounts import Accounts  # noqa: E402
from kiosk.office.app import create_app  # noqa: E402
from kiosk.office.barometer import DEFAULT_DAYS  # noqa: E402
from kiosk.office.questionlog import QuestionLog  # noqa: E402
from kiosk.office.to_postgres import CopyRefused, copy_office  # noqa: E402
from kiosk.requests.lifecycle import State  # noqa: E402
from kiosk.requests.service import RequestService  # noqa: E402
from kiosk.store import Store  # noqa: E402

PASSWORD = "benchmark-password"
STATES = [State.DISPATCHED] * 3 + [State.ACCEPTED, State.IN_PROGRESS] + [State.RESOLVED, State.CLOSED] * 2


def generate(service: RequestService, log: QuestionLog, n_requests: int, n_questions: int) -> None:
    """Tickets with one item each over the last year, spread over every unit, category and state, and logged turns
    over the last 180 days. Written by SQL from a numbered sequence, in order of creation, with a large page cache
    so the growing indexes stay in memory: a million requests take about a minute instead of a quarter of an hour
    of Python tuples and cache misses. Columns are drawn with SQLite's random(), so each run's data differ."""
    units = list(service.router.departments.values())
    now = datetime.now().replace(microsecond=0).isoformat()
    conn = service.db.conn
    conn.execute("PRAGMA cache_size = -262144")  # 256 MB
    conn.execute("CREATE TEMP TABLE bench_units (k INTEGER PRIMARY KEY, id TEXT, name TEXT, section TEXT, tier TEXT)")
    conn.executemany("INSERT INTO bench_units VALUES (?, ?, ?, ?, ?)",
                     [(k, u.id, u.name, u.id if u.kind == "section" else None,
                       "street" if u.kind == "street" else "section") for k, u in enumerate(units)])
    conn.execute("CREATE TEMP TABLE bench_categories (k INTEGER PRIMARY KEY, id TEXT)")
    conn.executemany("INSERT INTO bench_categories VALUES (?, ?)", enumerate(c.id for c in service.router.categories))
    conn.execute("CREATE TEMP TABLE bench_states (k INTEGER PRIMARY KEY, state TEXT)")
    conn.executemany("INSERT INTO bench_states VALUES (?, ?)", enumerate(str(s) for s in STATES))
    conn.execute("BEGIN")
    conn.execute(
        "CREATE TEMP TABLE bench_rows AS WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq"
        " WHERE i < ? - 1) SELECT i, strftime('%Y-%m-%dT%H:%M:%S', ?, '-' || ((? - 1 - i) * 525600 / ?) || ' minutes')"
        " AS created, abs(random()) % ? AS unit, abs(random()) % ? AS category, abs(random()) % ? AS state,"
        " abs(random()) % 4 AS due, abs(random()) % 11520 AS took, abs(random()) % 6 AS rating FROM seq",
        (n_requests, now, n_requests, n_requests, len(units), len(service.router.categories), len(STATES)))
    conn.execute(
        "INSERT INTO tickets SELECT 'XH' || strftime('%Y%m%d', r.created) || '-' || printf('%06d', r.i), r.created,"
        " '测试企业' || (r.i % 5000) || '有限公司', 'k' || (r.i % 5000), '138' || printf('%08d', r.i % 100000000),"
        " '杭州市西湖区' || u.name || '某路' || (r.i % 300) || '号', '第' || r.i || '件诉求：路灯坏了', 'cli', 1"
        " FROM bench_rows r JOIN bench_units u ON u.k = r.unit ORDER BY r.i")
    conn.execute(
        "INSERT INTO items (ticket, seq, text, category, section, department, tier, state, created_at, due_at,"
        " updated_at, resolved_at, rating) SELECT 'XH' || strftime('%Y%m%d', r.created) || '-' || printf('%06d', r.i),"
        " 1, '第' || r.i || '件诉求：门口路灯坏了', c.id, u.section, u.id, u.tier, s.state, r.created,"
        " strftime('%Y-%m-%dT%H:%M:%S', r.created, '+' || (CASE r.due WHEN 0 THEN 1 WHEN 1 THEN 3 WHEN 2 THEN 5"
        " ELSE 10 END) || ' days'), r.created, CASE WHEN s.state IN (?, ?) THEN strftime('%Y-%m-%dT%H:%M:%S',"
        " r.created, '+' || r.took || ' minutes') END, CASE r.rating WHEN 2 THEN 3 WHEN 3 THEN 4 WHEN 4 THEN 5"
        " WHEN 5 THEN 1 END FROM bench_rows r JOIN bench_units u ON u.k = r.unit JOIN bench_categories c"
        " ON c.k = r.category JOIN bench_states s ON s.k = r.state ORDER BY r.i",
        (str(State.RESOLVED), str(State.CLOSED)))
    conn.execute("COMMIT")
    for table in ("bench_rows", "bench_units", "bench_categories", "bench_states"):
        conn.execute(f"DROP TABLE temp.{table}")
    log.conn.execute("PRAGMA cache_size = -262144")
    topics = json.dumps([u.name for u in units if u.kind != "street"], ensure_ascii=False)
    log.conn.execute("BEGIN")
    log.conn.execute(
        "INSERT INTO turns (id, at, question, topic, intent, answered, engine, document, latency_ms)"
        " WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < :n - 1)"
        " SELECT 't' || i, strftime('%Y-%m-%dT%H:%M:%S', :now, '-' || ((:n - 1 - i) * 259200 / :n) || ' minutes'),"
        " '问题' || (i % 3000) || '怎么办理？',"
        " json_extract(:topics, '$[' || (abs(random()) % json_array_length(:topics)) || ']'),"
        " 'policy_question', abs(random()) % 5 != 0, 'extractive', '', 40.0 FROM seq",
        {"n": n_questions, "now": now, "topics": topics})
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


def _adder(accounts: Accounts):
    def add(name: str, role: str, unit: str = "") -> None:
        if accounts.user(name) is None:
            accounts.add_user(name, PASSWORD, role, unit)
    return add


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--questions", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--officers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--data", type=Path, help="keep the generated files here and reuse them")
    parser.add_argument("--database", default="", help="an empty PostgreSQL database to run the office on")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="office-bench-") as tmp:
        run(args, Path(tmp), args.data or Path(tmp))


def run(args: argparse.Namespace, folder: Path, data: Path) -> None:
    from starlette.testclient import TestClient

    load_before = os.getloadavg()
    reuse = (data / "requests.db").exists()
    data.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()  # opening reused files runs whatever migrations they have not had
    service = RequestService.open(Store.open().departments(), path=data / "requests.db")
    log = QuestionLog(data / "questions.db", retention_days=3650)
    opened_s = time.perf_counter() - start
    if not reuse:
        generate(service, log, args.requests, args.questions)
    generated_s = time.perf_counter() - start - opened_s
    copied_s = None
    if args.database:
        service.close()
        log.close()
        start = time.perf_counter()
        try:
            copy_office(data, args.database, 3650)
            copied_s = time.perf_counter() - start
        except CopyRefused:
            pass  # copied by an earlier run: timed on what it holds
        service = RequestService.open(Store.open().departments(), path=args.database)
        log = QuestionLog(args.database, retention_days=3650)
    accounts = Accounts(args.database or folder / "office.db")
    add_user = _adder(accounts)  # a database an earlier run filled has its officers already
    add_user("centre", "centre")
    streets = [d.id for d in service.router.departments.values() if d.kind == "street"]
    officers = [f"street{i}" for i in range(args.officers)]
    for i, name in enumerate(officers):
        add_user(name, "street", streets[i % len(streets)])
    app = create_app(service, accounts, log, folder / "drafts")
    client = TestClient(app)
    client.post("/api/login", json={"username": "centre", "password": PASSWORD})
    add_user("street", "street", streets[0])  # for the one-street timing, even with --officers 0
    street = TestClient(app)
    street.post("/api/login", json={"username": "street", "password": PASSWORD})
    queue_centre = timed(client, "/queue?bucket=open", args.repeat)
    queue_street = timed(street, "/queue?bucket=overdue", args.repeat)
    api_queue = timed(client, "/api/queue?bucket=all", args.repeat)
    barometer = timed(client, "/barometer?days=365", max(3, args.repeat // 10))
    barometer_default = timed(client, "/barometer", max(3, args.repeat // 10))
    done, errors, latencies = concurrent(app, officers, args.seconds) if args.officers else (0, 0, [])
    rows = [
        ("generated requests / logged questions", f"{args.requests:,} / {args.questions:,}", ""),
        ("generation time (s)" if not reuse else "opening the reused files (s)",
         round(generated_s if not reuse else opened_s, 1), ""),
        *([("copied into PostgreSQL (s)", "earlier run" if copied_s is None else round(copied_s, 1), "")]
          if args.database else []),
        ("queue page, centre (all units) p50 / p95 ms",
         f"{median(queue_centre):.0f} / {percentile(queue_centre, 95):.0f}", "p95 < 200"),
        ("queue page, one street p50 / p95 ms",
         f"{median(queue_street):.0f} / {percentile(queue_street, 95):.0f}", "p95 < 200"),
        ("/api/queue, centre p50 / p95 ms", f"{median(api_queue):.0f} / {percentile(api_queue, 95):.0f}", ""),
        ("barometer page (365 days) p50 / max ms", f"{median(barometer):.0f} / {max(barometer):.0f}", "< 1000"),
        (f"barometer page ({DEFAULT_DAYS} days, the default) p50 / max ms",
         f"{median(barometer_default):.0f} / {max(barometer_default):.0f}", ""),
        (f"{args.officers} concurrent officers, {args.seconds:.0f} s: requests / errors", f"{done} / {errors}",
         "0 errors"),
        ("  their latency p50 / p95 ms",
         f"{median(latencies):.0f} / {percentile(latencies, 95):.0f}" if latencies else "-", ""),
    ]
    # other jobs share the machine: its load is part of every figure
    name = "office" if args.requests == 100_000 else f"office-{args.requests}"
    report(name + ("-postgres" if args.database else ""), rows,
           {"requests": args.requests, "questions": args.questions, "load_average_before": load_before,
            "load_average_after": os.getloadavg()})


if __name__ == "__main__":
    main()
