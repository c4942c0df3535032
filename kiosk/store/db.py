"""The content store: one SQLite file holding policies, passages, FAQs, services, departments, guides and
eligibility conditions. It is rebuilt by the importer and read by everything else."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

from kiosk import config
from kiosk.store.demo import DEMO_PREFIX
from kiosk.store.readonly import connect_readonly
from kiosk.store.records import HALL_DESK, Department, Document, Faq, Passage, ServiceItem
from kiosk.store.schema import MIGRATIONS
from kiosk.store.tokenizer import Tokenizer
from kiosk.store.validity import Window

BUSY_TIMEOUT_S = 5.0
_DOC_COLUMNS = ("id, title, issuer, level, doc_number, published, effective, expires, region, department, topics, source, "
                "sample, windows")
_DEP_COLUMNS = "id, kind, name, phone, window, hours, address, duties, keywords, sample"


class Store:
    """Read access to the content store. Safe to share between threads (one connection per thread)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()

    @classmethod
    def open(cls, path: Path | None = None, tokenizer: Tokenizer | None = None, demo_content: bool = True) -> Store:
        """Open the store at ``path`` (default: the data directory). With ``tokenizer`` it is built from the
        sources on first use or when it was made with an older schema (with the demo pack when ``demo_content``,
        the setting)."""
        path = Path(path or config.store_path())
        if tokenizer is not None and (not path.exists() or _outdated(path)):
            from kiosk.store.buildlock import build_lock
            from kiosk.store.demo import default_pack
            from kiosk.store.importer import build

            with build_lock(path):  # another loader may have built it while this one waited
                if not path.exists() or _outdated(path):
                    build(path, config.sources_dirs(), demo=default_pack(demo_content), tokenizer=tokenizer)
        return cls(path)

    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            # Read-only: the store is replaced whole by the importer, never written in place, so opening it
            # must not write either (no journal-mode change) and works from a read-only data directory.
            conn = connect_readonly(self.path, BUSY_TIMEOUT_S, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            self._local.conn = conn
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # documents and passages -------------------------------------------------------------------------------
    def documents(self, include_collections: bool = False) -> list[Document]:
        """Policies and laws; with ``include_collections`` also the FAQ and service files."""
        where = "" if include_collections else "WHERE kind IN ('corpus', 'policy')"
        rows = self.conn.execute(f"SELECT {_DOC_COLUMNS} FROM documents {where} ORDER BY id")  # noqa: S608
        return [_document(r) for r in rows]

    def document(self, doc_id: str) -> Document | None:
        row = self.conn.execute(f"SELECT {_DOC_COLUMNS} FROM documents WHERE id=?", (doc_id,)).fetchone()  # noqa: S608
        return _document(row) if row else None

    def document_text(self, doc_id: str) -> str:
        row = self.conn.execute("SELECT full_text FROM documents WHERE id=?", (doc_id,)).fetchone()
        return row[0] if row else ""

    def passages(self, doc_id: str) -> list[Passage]:
        rows = self.conn.execute(
            "SELECT id, doc_id, ord, article, heading, text FROM passages WHERE doc_id=? ORDER BY ord", (doc_id,)
        )
        return [Passage(*r) for r in rows]

    def passage(self, passage_id: int) -> Passage | None:
        row = self.conn.execute(
            "SELECT id, doc_id, ord, article, heading, text FROM passages WHERE id=?", (passage_id,)
        ).fetchone()
        return Passage(*row) if row else None

    # structured records -----------------------------------------------------------------------------------
    def departments(self, kind: str | None = None) -> list[Department]:
        sql = f"SELECT {_DEP_COLUMNS} FROM departments"  # noqa: S608 - fixed column list
        rows = self.conn.execute(sql + (" WHERE kind=? ORDER BY id" if kind else " ORDER BY id"), (kind,) if kind else ())
        return [_department(r) for r in rows]

    def directory(self) -> list[Department]:
        """Where requests and referrals go: the store's departments, or the hall's general window alone when the
        store was built without a department directory."""
        return self.departments() or [HALL_DESK]

    def department(self, dep_id: str) -> Department | None:
        row = self.conn.execute(f"SELECT {_DEP_COLUMNS} FROM departments WHERE id=?", (dep_id,)).fetchone()  # noqa: S608
        return _department(row) if row else None

    def services(self) -> list[ServiceItem]:
        rows = self.conn.execute(
            "SELECT id, name, department, window, materials, legal_limit_days, promised_limit_days, fee, online, "
            "keywords, sample FROM service_items ORDER BY id"
        )
        return [
            ServiceItem(r[0], r[1], r[2], r[3] or "", tuple(json.loads(r[4] or "[]")), r[5], r[6], r[7] or "",
                        r[8] or "", tuple(json.loads(r[9] or "[]")), bool(r[10]))
            for r in rows
        ]

    def faqs(self) -> list[Faq]:
        rows = self.conn.execute("SELECT id, question, answer, department, refs, source, sample FROM faqs ORDER BY id")
        return [Faq(r[0], r[1], r[2], r[3] or "", tuple(json.loads(r[4] or "[]")), r[5], bool(r[6])) for r in rows]

    def guides(self) -> list[dict[str, Any]]:
        return [json.loads(r[0]) for r in self.conn.execute("SELECT data FROM guides ORDER BY id")]

    def guide(self, guide_id: str) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT data FROM guides WHERE id=?", (guide_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def policy_rules(self) -> list[dict[str, Any]]:
        return [json.loads(r[0]) for r in self.conn.execute("SELECT data FROM policy_conditions ORDER BY id")]

    def vocabulary(self) -> list[str]:
        """Domain terms a visitor may say: policy titles, departments, towns/streets, services and topics."""
        terms: dict[str, None] = {}
        for doc in self.documents():
            terms.setdefault(doc.title.replace("（样例）", ""), None)
            for topic in doc.topics:
                terms.setdefault(topic, None)
        for dep in self.departments():
            terms.setdefault(dep.name, None)
        for svc in self.services():
            terms.setdefault(svc.name, None)
            for kw in svc.keywords:
                terms.setdefault(kw, None)
        return list(terms)

    def has_demo_content(self) -> bool:
        """Whether the demo pack was built in (everything from it is sample data)."""
        return self.conn.execute("SELECT 1 FROM sources WHERE path LIKE ? LIMIT 1", (f"{DEMO_PREFIX}%",)).fetchone() \
            is not None

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None


def _outdated(path: Path) -> bool:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False  # not a store this code can judge; opening it reports the problem
    return int(row[0] if row else 0) < len(MIGRATIONS)


def _document(r: sqlite3.Row) -> Document:
    return Document(
        id=r["id"], title=r["title"], issuer=r["issuer"] or "", level=r["level"] or "", doc_number=r["doc_number"] or "",
        published=r["published"] or "", effective=r["effective"] or "", expires=r["expires"] or "",
        region=r["region"] or "", department=r["department"] or "", topics=tuple(json.loads(r["topics"] or "[]")),
        source=r["source"], sample=bool(r["sample"]),
        windows=tuple(w for w in map(Window.decode, json.loads(r["windows"] or "[]")) if w),
    )


def _department(r: sqlite3.Row) -> Department:
    return Department(r[0], r[1], r[2], r[3] or "", r[4] or "", r[5] or "", r[6] or "", r[7] or "",
                      tuple(json.loads(r[8] or "[]")), bool(r[9]))
