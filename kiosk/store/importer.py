"""`kiosk db build`: read the source folders, validate, and swap in a fresh store atomically.

The build works on a copy: a malformed file fails the build with `file:line: reason` and the store in use is
left untouched. Only files whose content changed are re-read; the rest is carried over from the previous store.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path

from kiosk.errors import FriendlyError
from kiosk.store import chunking, demo, schema, sources, validity
from kiosk.store.buildlock import build_lock
from kiosk.store.demo import DEMO_PREFIX
from kiosk.store.records import BuildReport
from kiosk.store.schema import MIGRATIONS, migrate
from kiosk.store.sources import ParsedSource, classify, parse_source, to_json
from kiosk.store.tokenizer import Tokenizer
from kiosk.store.yamlines import SourceError


class BuildError(FriendlyError):
    """The sources have errors; the previous store was kept."""

    def __init__(self, report: BuildReport):
        errors = "\n".join(report.errors)
        super().__init__("政策库构建失败，原有数据未改动。请修正以下问题：\n" + errors, detail=errors)
        self.report = report


def discover(dirs: Iterable[Path], demo: Path | None = None) -> list[tuple[str, Path, str]]:
    """(source key, file, kind) for every file the build reads; keys are unique across folders.

    A ``demo/`` folder inside a source folder is never read as real content; the demo pack is read only when
    given as ``demo``, its keys starting with ``demo/``."""
    found: dict[str, tuple[str, Path, str]] = {}
    bases = [(base, "") for base in dirs] + ([(demo, DEMO_PREFIX)] if demo else [])
    for base, prefix in bases:
        for path in sorted(p for p in base.rglob("*") if p.is_file()):
            rel = path.relative_to(base).as_posix()
            if rel.startswith(DEMO_PREFIX):
                continue
            kind = classify(rel)
            if kind:
                found.setdefault(prefix + rel, (prefix + rel, path, kind))
    return list(found.values())


def parser_version(tokenizer: Tokenizer) -> str:
    """A fingerprint of the code that turns sources into rows (and of the tokenizer that indexes them): when it
    changes, every source is re-read."""
    digest = hashlib.sha256()
    for path in (chunking.__file__, sources.__file__, __file__, schema.__file__, validity.__file__, demo.__file__):
        digest.update(Path(path).read_bytes())
    digest.update(tokenizer.fingerprint())
    return digest.hexdigest()[:16]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(store: Path, dirs: Iterable[Path], full: bool = False, progress: Callable[[str], None] | None = None,
          demo: Path | None = None, *, tokenizer: Tokenizer) -> BuildReport:
    """Build ``store`` from the real source folders ``dirs``, plus the demo pack ``demo`` when given, indexing
    the passages with ``tokenizer`` (the one the queries use: `kiosk.knowledge.segment.TOKENIZER`)."""
    with build_lock(store):
        return _build(store, dirs, full, progress, demo, tokenizer)


def _build(store: Path, dirs: Iterable[Path], full: bool, progress: Callable[[str], None] | None,
           demo: Path | None, tokenizer: Tokenizer) -> BuildReport:
    report = BuildReport()
    files = discover(dirs, demo)
    hashes = {key: _sha256(path) for key, path, _ in files}
    tmp = store.with_name(store.name + ".building")
    tmp.unlink(missing_ok=True)
    version = parser_version(tokenizer)
    conn = _start_from(store, tmp, full, version)
    try:
        old = dict(conn.execute("SELECT path, sha256 FROM sources"))
        changed = [(k, p, kind) for k, p, kind in files if old.get(k) != hashes[k]]
        removed = [k for k in old if k not in hashes]
        report.skipped = len(files) - len(changed)
        parsed: list[ParsedSource] = []
        for key, path, kind in changed:
            if progress:
                progress(key)
            try:
                parsed.append(parse_source(path, key, kind))
            except SourceError as exc:
                report.errors.append(str(exc))
        with conn:
            for key in [*removed, *(p.path for p in parsed)]:
                _delete_source(conn, key)
            for source in parsed:
                _insert(conn, source, hashes[source.path], tokenizer)
                report.read.append(source.path)
            report.errors.extend(_check_references(conn, parsed))
            if report.errors:
                raise BuildError(report)
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('built_files', ?)", (str(len(files)),))
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('parser_version', ?)", (version,))
        report.counts = counts(conn)
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.close()
        if store.exists():
            _checkpoint(store)
        os.replace(tmp, store)
        return report
    except BaseException:
        conn.close()
        tmp.unlink(missing_ok=True)
        raise


def _start_from(store: Path, tmp: Path, full: bool, version: str) -> sqlite3.Connection:
    """A connection to ``tmp``, seeded with the current store unless a full rebuild is asked for or the store
    was made by different parsing code."""
    conn = sqlite3.connect(tmp)
    if store.exists() and not full:
        try:
            source = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
            source.backup(conn)
            source.close()
            meta = dict(conn.execute("SELECT key, value FROM meta"))
            if int(meta.get("schema_version", 0)) <= len(MIGRATIONS) and meta.get("parser_version") == version:
                migrate(conn)
                conn.execute("PRAGMA foreign_keys=ON")
                return conn
        except sqlite3.DatabaseError:
            pass  # unreadable or foreign file: rebuild from nothing
        conn.close()
        tmp.unlink(missing_ok=True)
        conn = sqlite3.connect(tmp)
    migrate(conn)
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def _checkpoint(store: Path) -> None:
    """Fold any write-ahead log into the old file so no stale -wal is paired with the new one."""
    try:
        conn = sqlite3.connect(store)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
    except sqlite3.DatabaseError:
        pass
    for suffix in ("-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)


def _delete_source(conn: sqlite3.Connection, key: str) -> None:
    ids = [r[0] for r in conn.execute("SELECT id FROM passages WHERE source=?", (key,))]
    conn.executemany("DELETE FROM passage_fts WHERE rowid=?", [(i,) for i in ids])
    for table in ("passages", "faqs", "service_items", "departments", "guides", "policy_conditions", "documents"):
        conn.execute(f"DELETE FROM {table} WHERE source=?", (key,))  # noqa: S608 - fixed table names
    conn.execute("DELETE FROM sources WHERE path=?", (key,))


def _insert(conn: sqlite3.Connection, source: ParsedSource, sha: str, tokenizer: Tokenizer) -> None:
    key = source.path
    conn.execute("INSERT INTO sources(path, sha256, kind) VALUES (?,?,?)", (key, sha, source.kind))
    for dep in source.departments:
        conn.execute(
            "INSERT OR REPLACE INTO departments(id, source, kind, name, phone, window, hours, address, duties, keywords,"
            " sample) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (dep.id, key, dep.kind, dep.name, dep.phone, dep.window, dep.hours, dep.address, dep.duties,
             to_json(list(dep.keywords)), int(dep.sample)),
        )
    tokenizer.add_words(d.name for d in source.departments)
    tokenizer.add_words(s.name for s in source.services)
    passage_ids: list[int] = []
    for doc, full_text, passages in source.documents:
        conn.execute(
            "INSERT OR REPLACE INTO documents(id, source, kind, title, issuer, level, doc_number, published, effective,"
            " expires, region, department, topics, sample, full_text, windows) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (doc.id, key, source.kind, doc.title, doc.issuer, doc.level, doc.doc_number, doc.published,
             doc.effective, doc.expires, doc.region, doc.department, to_json(list(doc.topics)), int(doc.sample),
             full_text, to_json([w.encode() for w in doc.windows])),
        )
        for ord_, p in enumerate(passages):
            cur = conn.execute(
                "INSERT INTO passages(doc_id, source, kind, ord, article, heading, text) VALUES (?,?,?,?,?,?,?)",
                (doc.id, key, p.kind, ord_, p.article, p.heading, p.text),
            )
            passage_ids.append(cur.lastrowid)
            title = p.title or doc.title
            conn.execute(
                "INSERT INTO passage_fts(rowid, title, heading, body) VALUES (?,?,?,?)",
                (cur.lastrowid, tokenizer.index_text(title), tokenizer.index_text(f"{p.heading} {p.article}"),
                 tokenizer.index_text(p.text)),
            )
    for faq, pid in zip(source.faqs, passage_ids, strict=False):
        conn.execute(
            "INSERT INTO faqs(passage_id, source, question, answer, department, refs, sample) VALUES (?,?,?,?,?,?,?)",
            (pid, key, faq["question"], faq["answer"], faq["department"], to_json(list(faq["refs"])),
             int(faq["sample"])),
        )
    for svc, pid in zip(source.services, passage_ids, strict=False):
        conn.execute(
            "INSERT OR REPLACE INTO service_items VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (svc.id, pid, key, svc.name, svc.department, svc.window, to_json(list(svc.materials)),
             svc.legal_limit_days, svc.promised_limit_days, svc.fee, svc.online, to_json(list(svc.keywords)),
             int(svc.sample)),
        )
    for guide in source.guides:
        conn.execute("INSERT OR REPLACE INTO guides VALUES (?,?,?,?)",
                     (str(guide["id"]), key, str(guide["name"]), to_json(guide)))
    for rule in source.conditions:
        conn.execute("INSERT INTO policy_conditions(source, policy_id, data) VALUES (?,?,?)",
                     (key, str(rule["policy"]), to_json(rule)))


def _check_references(conn: sqlite3.Connection, parsed: list[ParsedSource]) -> list[str]:
    known = {r[0] for r in conn.execute("SELECT id FROM departments")}
    if not known:
        return []  # a store without departments (e.g. a test corpus) has nothing to check against
    return [
        f"{source.path}:{line}: 部门“{ref}”不存在（请在 departments.yaml 中定义）"
        for source in parsed
        for line, ref in source.department_refs
        if ref not in known
    ]


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    queries = {
        "documents": "SELECT count(*) FROM documents WHERE kind IN ('corpus', 'policy')",
        "sample_policies": "SELECT count(*) FROM documents WHERE kind='policy' AND sample=1",
        "passages": "SELECT count(*) FROM passages",
        "faqs": "SELECT count(*) FROM faqs",
        "services": "SELECT count(*) FROM service_items",
        "departments": "SELECT count(*) FROM departments",
        "streets": "SELECT count(*) FROM departments WHERE kind='street'",
        "guides": "SELECT count(*) FROM guides",
        "policy_conditions": "SELECT count(*) FROM policy_conditions",
    }
    return {name: conn.execute(sql).fetchone()[0] for name, sql in queries.items()}
