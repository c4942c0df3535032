"""OCR benchmark: seconds per image, character error rate on the dev images, field accuracy on licences.

    .venv/bin/python benchmarks/ocr.py [--licences N]

Seconds are wall-clock per scan (engine already loaded); CPU seconds are summed over onnxruntime's threads, a
figure that other processes on a shared machine inflate less.

1. ../shared/eval/images (truth.tsv: key text lines per image): per image the scan time, whether each key line
   is found in the output (the devcheck measure), and the key-line CER: edit distance of each key line to the
   best-matching stretch of the output, over the key lines' length (letters and digits only).
2. Generated licences (tests/support_licences.py) in turn as clean scans, phone photos (turned, unevenly lit,
   blurred, noisy, JPEG) and angled phone photos (perspective as well): seconds per image and per-field accuracy
   against the known fields.
Prints a table and writes benchmarks/results/ocr.json.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from common import machine  # noqa: E402

from kiosk.documents.scan import scan_image  # noqa: E402
from kiosk.engines.ocr import RapidOcrEngine  # noqa: E402
from tests.support_licences import STYLES, render_licence, sample_licences  # noqa: E402

EVAL_IMAGES = ROOT.parent / "shared" / "eval" / "images"
RESULTS = ROOT / "benchmarks" / "results" / "ocr.json"
FIELDS = ("credit_code", "name", "type", "legal_representative", "registered_capital_yuan", "established",
          "business_term", "address", "street", "business_scope")


def letters(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text) if unicodedata.category(c)[0] in "LN")


def substring_distance(needle: str, hay: str) -> int:
    """Edit distance from needle to its best-matching stretch of hay (free start and end in hay)."""
    previous = [0] * (len(hay) + 1)
    for i, a in enumerate(needle, 1):
        current = [i]
        for j, b in enumerate(hay, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
        previous = current
    return min(previous)


def same(expected: object, got: object) -> bool:
    if isinstance(expected, float):
        return isinstance(got, int | float) and abs(expected - got) < 0.5
    norm = lambda v: "".join(unicodedata.normalize("NFKC", str(v)).split())  # noqa: E731
    return got is not None and norm(expected) == norm(got)


def eval_images(engine) -> list[dict]:
    truth = EVAL_IMAGES / "truth.tsv"
    if not truth.is_file():
        return []
    rows = [line.rstrip("\n").split("\t") for line in truth.open(encoding="utf-8")][1:]
    out = []
    for name, key_lines, _ in rows:
        cpu = time.process_time()
        result = scan_image(EVAL_IMAGES / name, engine)
        cpu = time.process_time() - cpu
        joined = "".join(result.text).replace(" ", "")
        keys = key_lines.split(" | ")
        found = sum(k.replace(" ", "") in joined for k in keys)
        hyp = letters("".join(result.text))
        errors = sum(substring_distance(letters(k), hyp) for k in keys)
        out.append({"image": name, "seconds": round(result.seconds, 3), "cpu_seconds": round(cpu, 3), "key_lines": len(keys), "found": found,
                    "errors": errors, "chars": sum(len(letters(k)) for k in keys), "text": result.text})
    return out


def licences(engine, count: int) -> list[dict]:
    out = []
    for i, sample in enumerate(sample_licences(count, seed=11)):
        style = STYLES[i % len(STYLES)]
        image = render_licence(sample, style=style, seed=i)
        buffer = io.BytesIO()
        image.save(buffer, "PNG" if style == "scan" else "JPEG", quality=85)
        cpu = time.process_time()
        result = scan_image(buffer.getvalue(), engine)
        cpu = time.process_time() - cpu
        expected = sample.expected_fields()
        correct = {f: same(expected[f], result.fields.get(f)) for f in FIELDS}
        out.append({"style": style, "size": list(image.size), "seconds": round(result.seconds, 3),
                    "cpu_seconds": round(cpu, 3),
                    "kind": result.kind, "credit_code_valid": result.credit_code_valid, "fields": correct,
                    "wrong": {f: [expected[f], result.fields.get(f)] for f, ok in correct.items() if not ok}})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--licences", type=int, default=9, help="generated licences to read (scans and photos)")
    args = parser.parse_args()

    start = time.perf_counter()
    engine = RapidOcrEngine.load()
    load_s = time.perf_counter() - start
    scan_image(render_as_bytes(), engine)  # warm-up: first inference allocates

    images = eval_images(engine)
    docs = licences(engine, args.licences)

    chars = sum(r["chars"] for r in images) or 1
    summary = {
        "machine": f"{machine()}, load average {os.getloadavg()[0]:.1f} at start",
        "engine": engine.name,
        "load_seconds": round(load_s, 2),
        "eval_images": len(images),
        "eval_median_seconds": _median([r["seconds"] for r in images]),
        "eval_key_lines_found": f"{sum(r['found'] for r in images)}/{sum(r['key_lines'] for r in images)}",
        "eval_key_line_cer": round(sum(r["errors"] for r in images) / chars, 3),
        "licences": len(docs),
        "licence_median_seconds": {s: _median([d["seconds"] for d in docs if d["style"] == s]) for s in STYLES},
        "licence_field_accuracy_by_style": {
            s: round(sum(ok for d in docs if d["style"] == s for ok in d["fields"].values())
                     / max(1, sum(len(d["fields"]) for d in docs if d["style"] == s)), 3)
            for s in STYLES
        },
        "licence_median_cpu_seconds": _median([d["cpu_seconds"] for d in docs]),
        "licence_kind_correct": sum(d["kind"] == "business_licence" for d in docs),
        "credit_code_valid": sum(d["credit_code_valid"] for d in docs),
        "field_accuracy": {f: round(sum(d["fields"][f] for d in docs) / max(1, len(docs)), 3) for f in FIELDS},
    }
    all_fields = [ok for d in docs for ok in d["fields"].values()]
    summary["field_accuracy_overall"] = round(sum(all_fields) / max(1, len(all_fields)), 3)

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"summary": summary, "eval_images": images, "licences": docs},
                                  ensure_ascii=False, indent=2), encoding="utf-8")
    print_table(summary, images, docs)
    print(f"\nwritten {RESULTS.relative_to(ROOT)}")


def render_as_bytes() -> bytes:
    buffer = io.BytesIO()
    render_licence(sample_licences(1, seed=99)[0]).save(buffer, "PNG")
    return buffer.getvalue()


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 3) if values else None


def print_table(summary: dict, images: list[dict], docs: list[dict]) -> None:
    print(f"OCR benchmark — {summary['machine']}; engine {summary['engine']} (load {summary['load_seconds']} s)")
    print(f"\n{'dev image':45s} {'s':>6s} {'found':>7s} {'CER':>6s}")
    for r in images:
        print(f"{r['image']:45s} {r['seconds']:6.2f} {r['found']:>3d}/{r['key_lines']:<3d} "
              f"{r['errors'] / max(1, r['chars']):6.3f}")
    print(f"{'median / total':45s} {summary['eval_median_seconds'] or 0:6.2f} {summary['eval_key_lines_found']:>7s} "
          f"{summary['eval_key_line_cer']:6.3f}")
    medians = ", ".join(f"{s} {v} s" for s, v in summary["licence_median_seconds"].items())
    print(f"\ngenerated licences: {summary['licences']} (median {medians}; CPU time median "
          f"{summary['licence_median_cpu_seconds']} s over both cores); recognised as licence "
          f"{summary['licence_kind_correct']}/{summary['licences']}, credit code valid "
          f"{summary['credit_code_valid']}/{summary['licences']}")
    print(f"{'field':26s} {'accuracy':>8s}")
    for field, acc in summary["field_accuracy"].items():
        print(f"{field:26s} {acc:8.3f}")
    print(f"{'overall':26s} {summary['field_accuracy_overall']:8.3f}  "
          + ", ".join(f"{s} {v:.3f}" for s, v in summary["licence_field_accuracy_by_style"].items()))
    for i, d in enumerate(docs):
        for field, (want, got) in d["wrong"].items():
            print(f"  licence {i} ({d['style']}) {field}: expected {want!r}, got {got!r}")


if __name__ == "__main__":
    main()
