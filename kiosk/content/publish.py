"""Publishing: the store is rebuilt from every source (only changed files are re-read) and swapped in whole;
a running kiosk notices the new file within seconds (`kiosk.store.watch`)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.content.errors import ContentError

if TYPE_CHECKING:
    from kiosk.store.tokenizer import Tokenizer


@dataclass
class Published:
    seconds: float
    read: list[str]
    counts: dict[str, int]


def publish(store: Path, sources: list[Path], demo: Path | None = None, *, tokenizer: Tokenizer) -> Published:
    """Rebuild ``store`` from ``sources`` (indexed with ``tokenizer``, the one the queries use); the build takes
    the store's build lock, so the office and the command line never publish into each other."""
    from kiosk.store.importer import BuildError, build

    start = time.perf_counter()
    store.parent.mkdir(parents=True, exist_ok=True)
    try:
        report = build(store, sources, demo=demo, tokenizer=tokenizer)
    except BuildError as exc:
        raise ContentError("发布失败，正在使用的政策库没有改动。请修正以下问题后再发布：\n" + "\n".join(exc.report.errors)) \
            from None
    return Published(time.perf_counter() - start, report.read, report.counts)


def store_documents(store: Path) -> dict[str, tuple[str, str]]:
    """The documents already in the store (id → title, 文号), so an import never duplicates one."""
    if not store.is_file():
        return {}
    from kiosk.store import Store

    opened = Store(store)
    try:
        return {d.id: (d.title, d.doc_number) for d in opened.documents()}
    finally:
        opened.close()


def unpublished(store: Path, tree: Path, ever: set[str]) -> list[str]:
    """The files of the staff's source ``tree`` that the store does not hold as they are now: changed, new, or
    (among ``ever``, every path any version had) removed but still in the store."""
    import hashlib
    import sqlite3

    from kiosk.store.sources import classify

    if not store.is_file():
        return sorted(ever)
    conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        held = dict(conn.execute("SELECT path, sha256 FROM sources"))
    finally:
        conn.close()
    now = {p.relative_to(tree).as_posix(): p for p in tree.rglob("*") if p.is_file()} if tree.is_dir() else {}
    stale = [rel for rel, p in now.items()
             if classify(rel) and held.get(rel) != hashlib.sha256(p.read_bytes()).hexdigest()]
    gone = [rel for rel in ever - set(now) if classify(rel) and rel in held]
    return sorted(stale + gone)
