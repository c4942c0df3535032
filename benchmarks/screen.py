"""The kiosk screen's speed: `kiosk screenshot` seconds per screen (the whole command, process start to PNG
written), and `kiosk run` from process start to the home screen taking input, warm (after one run that fills
the disk cache). The load average is recorded with the figures: on a shared machine it explains them.

Run: xvfb-run -a .venv/bin/python benchmarks/screen.py [--repeat 2] [--screens attract,conversation]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import median, report  # noqa: E402

SCREENS = ("attract", "conversation", "scan", "policies", "request", "guide", "staff")
READY = re.compile(r"西小服已就绪（进程启动后 (\d+) ms，CPU (\d+) ms）")


def kiosk(*args: str) -> list[str]:
    return [sys.executable, "-m", "kiosk", *args]


def screenshot_seconds(screen: str, out: Path) -> tuple[float, float]:
    """Wall seconds, and CPU seconds of the command and its content process together: on a shared machine the
    CPU figure is the one other jobs do not inflate, and a quiet 2-core machine takes about as long as it."""
    started, cpu = time.perf_counter(), _children_cpu()
    subprocess.run(kiosk("screenshot", "--screen", screen, "--out", str(out)), check=True, capture_output=True)
    return time.perf_counter() - started, _children_cpu() - cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_ready_seconds(timeout_s: float = 60.0) -> tuple[float, float]:
    """Start `kiosk run` on the display and read when its event loop first turned (the home screen takes
    input from then on), as the process itself measures it from its start, with the CPU it had used; then
    close it."""
    env = dict(os.environ, QT_QPA_PLATFORM="xcb")
    proc = subprocess.Popen(kiosk("run"), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + timeout_s
        for line in proc.stdout:
            if match := READY.search(line):
                return int(match.group(1)) / 1000, int(match.group(2)) / 1000
            if time.monotonic() > deadline:
                break
        raise RuntimeError("kiosk run did not report its home screen")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--screens", default=",".join(SCREENS))
    args = parser.parse_args()
    screens = [s for s in args.screens.split(",") if s]
    if not os.environ.get("DISPLAY"):
        sys.exit("run under a display: xvfb-run -a python benchmarks/screen.py")
    load_before = os.getloadavg()[0]
    rows, per_screen = [], {}
    with tempfile.TemporaryDirectory() as folder:
        for screen in screens:
            out = Path(folder) / f"{screen}.png"
            first, _ = screenshot_seconds(screen, out)  # warms the disk cache, makes the staged records once
            runs = [screenshot_seconds(screen, out) for _ in range(args.repeat)]
            times, cpus = [t for t, _ in runs], [c for _, c in runs]
            per_screen[screen] = {"first": round(first, 2), "warm": [round(t, 2) for t in times],
                                  "warm_cpu": [round(c, 2) for c in cpus]}
            rows.append((f"screenshot {screen}: seconds (first / warm median / warm CPU)",
                         f"{first:.2f} / {median(times):.2f} / {median(cpus):.2f}", "< 3 s"))
    all_warm = [t for s in per_screen.values() for t in s["warm"]]
    all_cpu = [c for s in per_screen.values() for c in s["warm_cpu"]]
    rows.append(("screenshot: seconds per screen, warm median / max; CPU median / max",
                 f"{median(all_warm):.2f} / {max(all_warm):.2f}; {median(all_cpu):.2f} / {max(all_cpu):.2f}",
                 "< 3 s"))
    run_ready_seconds()  # the warm-up run
    starts = [run_ready_seconds() for _ in range(args.repeat + 1)]
    ready, ready_cpu = [t for t, _ in starts], [c for _, c in starts]
    rows.append(("kiosk run: process start → home screen takes input, warm median / max; CPU median (s)",
                 f"{median(ready):.2f} / {max(ready):.2f}; {median(ready_cpu):.2f}", "< 1.5 s"))
    load = (load_before + os.getloadavg()[0]) / 2
    rows.append(("load average during the run (2 cores)", f"{load:.1f}", "quiet ≈ 0–1"))
    report("screen", rows, {"screenshot_seconds": per_screen, "run_ready_seconds": ready, "run_ready_cpu_seconds": ready_cpu, "load_average": load})


if __name__ == "__main__":
    main()
