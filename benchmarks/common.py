"""What every benchmark shares: the machine description, medians and percentiles, a table and a JSON file."""

from __future__ import annotations

import json
import os
import platform
import statistics
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
EVAL = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def report(name: str, rows: list[tuple[str, Any, str]], extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Print ``rows`` (metric, value, target) as a table and write benchmarks/results/<name>.json."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{name} — {machine()}")
    for column in ("metric", "value", "target"):
        table.add_column(column)
    for metric, value, target in rows:
        table.add_row(metric, f"{value:.3f}" if isinstance(value, float) else str(value), target)
    Console().print(table)
    data = {"benchmark": name, "machine": machine(), "metrics": {m: v for m, v, _ in rows}, **(extra or {})}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return data
