"""What `kiosk screenshot` shows on each screen: the kiosk's own store and services, never hand-made screens.

`collect` runs in a process of its own (no Qt), so reading the store, answering and matching go on while the
window is built. An answer, matched policies and guides come from the store as a visitor would get them.
Where the kiosk holds nothing to show — no visitor's licence, no request yet — a sample stands in, marked 样例:
the licence's company is called a sample, and the sample request, routed by the real intake into a request file
of its own (so the kiosk's own records are never touched), has 样例 before each of its matters.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.events import Citation
from kiosk.store.demo import SAMPLE_MARK
from kiosk.ui import viewmodels as vm

if TYPE_CHECKING:
    from kiosk.root import Kiosk

SAMPLE_REQUEST = "园区门口人行道路砖破损，影响员工通行；另外想咨询高新技术企业认定什么时候申报。"
SAMPLE_PHONE = "13800000000"
GUIDE_ANSWERS = 1  # how many of a guide's questions the staged visitor has answered "yes"


def sample_scan() -> vm.ScanView:
    """A licence as the scanner reads one, its company named as a sample."""
    scan = vm.demo_scan()
    scan.fields["name"] += f"（{SAMPLE_MARK}）"
    return scan


def collect(screen: str) -> dict[str, Any]:
    """The records `screen` shows, read from the store and services (plain dataclasses, sent between processes)."""
    from kiosk.root import Kiosk

    kiosk = Kiosk()
    out: dict[str, Any] = {"demo": kiosk.store.has_demo_content()}
    if screen == "conversation":
        out["answer"] = _answer(kiosk)
    elif screen in ("scan", "policies"):
        out["scan"] = sample_scan()
        if screen == "policies":
            out["policies"] = vm.demo_policies()
    elif screen == "guide":
        out.update(_guide(kiosk))
    elif screen in ("request", "staff"):
        out.update(_requests(kiosk, screen))
    return out


@dataclass
class StagedAnswer:
    """What the conversation screen shows of an answer: light to send between processes and to keep, unlike the
    answer itself, whose retrieval hits would make the window's process import the whole answering stack."""

    question: str
    text: str
    sentences: list[str]
    citations: list[Citation]
    suggestions: list[str]


def _answer(kiosk: Kiosk) -> StagedAnswer:
    """The store's answer to the typical question, kept until the store or the answering code changes (making
    it loads the segmenter's dictionaries, seconds of work a redrawn screen need not repeat)."""
    import pickle

    from kiosk import knowledge

    store = kiosk.store.path.stat()
    code = max(f.stat().st_mtime_ns for f in Path(knowledge.__file__).parent.iterdir() if f.is_file())
    key = f"{store.st_size}:{store.st_mtime_ns}:{code}:{vm.DEMO_QUESTION}"
    path = _samples() / "answer.pickle"
    try:
        saved_key, answer = pickle.loads(path.read_bytes())  # written only by this function, in the data folder
        if saved_key == key and isinstance(answer, StagedAnswer):
            return answer
    except (OSError, ValueError, EOFError, pickle.UnpicklingError, AttributeError):
        pass
    full = vm.demo_answer()
    answer = StagedAnswer(full.question, full.text, list(full.sentences), list(full.citations),
                          list(full.suggestions))
    path.write_bytes(pickle.dumps((key, answer)))
    return answer


def _samples() -> Path:
    from kiosk.config import data_dir

    folder = data_dir() / "samples"
    folder.mkdir(exist_ok=True)
    return folder


def _guide(kiosk: Kiosk) -> dict[str, Any]:
    from kiosk.ui.adapter import KioskAdapter

    adapter = KioskAdapter(kiosk)
    guides = adapter.guides()
    first = adapter.tailor(guides[0].id, {})
    answers = {key: True for key, _ in first.questions[:GUIDE_ANSWERS]}
    return {"guides": guides, "guide": adapter.tailor(first.id, answers), "answers": answers}


def _requests(kiosk: Kiosk, screen: str) -> dict[str, Any]:
    """The kiosk's own queue for staff when it has one; otherwise, and for a visitor's ticket, the sample
    request as the real intake routes it. The sample lives in a request file of its own in the data folder,
    submitted once (and again after the store changes), so the kiosk's own records are never touched."""
    from kiosk.ui import presenters

    if screen == "staff":
        own = kiosk.request_service()
        if items := own.list_items():
            return {"queue": presenters.queue_rows(items, own.department_name, own.clock())}
    svc, ticket = _sample_requests(kiosk)
    try:
        if screen == "staff":
            rows = presenters.queue_rows(svc.list_items(), svc.department_name, svc.clock())
            for row in rows:
                row.text = f"{SAMPLE_MARK}：{row.text}"
            return {"queue": rows}
        status = svc.status(ticket, SAMPLE_PHONE[-4:], source="screenshot")
        view = presenters.ticket_view(ticket, status.items, status.events, svc.department_name)
        for item in view.items:
            item.text = f"{SAMPLE_MARK}：{item.text}"
        return {"ticket": view, "phone": SAMPLE_PHONE}
    finally:
        svc.close()


def _sample_requests(kiosk: Kiosk):
    """The sample request file and its ticket; re-made when the store it was routed by has been rebuilt or the
    sample changed."""
    from kiosk.requests import RequestService, SubmitForm

    folder = _samples()
    stamp = folder / "store-version.txt"
    store = kiosk.store.path.stat()
    version = f"{store.st_size}:{store.st_mtime_ns}:{SAMPLE_REQUEST}"
    path = folder / "requests.db"
    if not stamp.is_file() or stamp.read_text(encoding="utf-8") != version:
        for old in folder.glob("requests.db*"):
            old.unlink()
    svc = RequestService.open(kiosk.departments(), path=path)
    if items := svc.list_items():
        return svc, items[0].ticket
    scan = sample_scan()
    receipt = svc.submit(SubmitForm(SAMPLE_REQUEST, scan.fields["name"], SAMPLE_PHONE, scan.fields["address"],
                                    channel="kiosk-text"))
    stamp.write_text(version, encoding="utf-8")
    return svc, receipt.ticket


def stage(window, screen: str, records: dict[str, Any]) -> None:
    """Show `records` on the window's current screen, and the demo badge as the store says."""
    window.demo_badge.setVisible(bool(records.get("demo")))
    current = window.current()
    if hasattr(current, "stage_demo"):
        current.stage_demo(records)


def licence_image(scan: vm.ScanView):
    """A drawn stand-in for a photographed licence, so the scan screen's preview looks like the real thing."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen

    image = QImage(800, 560, QImage.Format.Format_RGB32)
    image.fill(QColor("#FBF7EE"))
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QPen(QColor("#B8342C"), 10))
    p.drawRect(QRectF(18, 18, 764, 524))
    font = QFont("Noto Sans CJK SC")
    font.setPixelSize(44)
    font.setBold(True)
    p.setFont(font)
    p.setPen(QColor("#B8342C"))
    p.drawText(QRectF(0, 50, 800, 60), Qt.AlignmentFlag.AlignCenter, "营 业 执 照")
    font.setPixelSize(19)
    font.setBold(False)
    p.setFont(font)
    p.setPen(QColor("#222222"))
    y = 140
    for key, name in vm.SCAN_FIELDS[:8]:
        if key == "street":
            continue
        p.drawText(QRectF(70, y, 660, 40), Qt.AlignmentFlag.AlignLeft, f"{name}　{scan.fields.get(key, '')}")
        y += 46
    p.setPen(QPen(QColor("#C8453C"), 4))
    p.drawEllipse(QRectF(600, 400, 120, 120))
    p.end()
    return image
