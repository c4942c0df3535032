"""Every change to the content is a version: who, when, what, and the diff; any earlier version can be restored.

A version records the whole source tree as file → sha256, with the file contents kept once each under
``blobs/``, so restoring any version is exact and never needs the original uploads again.
"""

from __future__ import annotations

import difflib
import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from kiosk.content.errors import ContentError


@dataclass(frozen=True)
class Version:
    number: int
    who: str
    when: str  # ISO 8601, UTC
    action: str  # 导入 | 替换 | 修改 | 删除 | 回滚 …
    summary: str
    files: dict[str, str] = field(default_factory=dict)  # path in the tree → sha256, after this change
    changed: tuple[str, ...] = ()


class History:
    def __init__(self, root: Path):
        self.root = root
        self.dir = root / "versions"
        self.blobs = root / "blobs"

    @contextmanager
    def locked(self) -> Iterator[None]:
        """One change at a time, whether it comes from the command line or the office."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".lock").open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def versions(self) -> list[Version]:
        if not self.dir.is_dir():
            return []
        found = []
        for path in self.dir.glob("*.json"):
            data = json.loads(path.read_text(encoding="utf-8"))
            found.append(Version(**{**data, "changed": tuple(data.get("changed", ()))}))
        return sorted(found, key=lambda v: v.number)

    def get(self, number: int) -> Version:
        path = self.dir / f"{number:06d}.json"
        if not path.is_file():
            known = [v.number for v in self.versions()]
            raise ContentError(f"没有第 {number} 版。" + (f"现有版本：1 到 {max(known)}。" if known else "还没有任何版本。"))
        data = json.loads(path.read_text(encoding="utf-8"))
        return Version(**{**data, "changed": tuple(data.get("changed", ()))})

    def commit(self, tree: Path, who: str, action: str, summary: str) -> Version | None:
        """Record the tree as it is now; None when nothing changed since the last version."""
        files = {p.relative_to(tree).as_posix(): self._store_blob(p) for p in sorted(tree.rglob("*")) if p.is_file()}
        previous = self.versions()
        before = previous[-1].files if previous else {}
        changed = tuple(sorted(k for k in set(files) | set(before) if files.get(k) != before.get(k)))
        if not changed:
            return None
        version = Version(len(previous) + 1, who, datetime.now(UTC).isoformat(timespec="seconds"), action, summary,
                          files, changed)
        self.dir.mkdir(parents=True, exist_ok=True)
        _write_atomic(self.dir / f"{version.number:06d}.json", json.dumps(asdict(version), ensure_ascii=False, indent=1))
        return version

    def diff(self, number: int) -> str:
        """The change a version made, as a unified diff of the text files it touched."""
        version = self.get(number)
        before = self.get(number - 1).files if number > 1 else {}
        out: list[str] = []
        for path in version.changed:
            old, new = self._text(before.get(path)), self._text(version.files.get(path))
            out.extend(difflib.unified_diff(old.splitlines(), new.splitlines(), f"a/{path}", f"b/{path}", lineterm=""))
        return "\n".join(out)

    def restore(self, number: int, tree: Path) -> None:
        """Make the tree exactly what it was after version ``number``."""
        files = self.get(number).files
        for path in sorted(tree.rglob("*"), reverse=True):
            rel = path.relative_to(tree).as_posix()
            if path.is_file() and rel not in files:
                path.unlink()
        for rel, sha in files.items():
            target = tree / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            data = (self.blobs / sha).read_bytes()
            if not target.is_file() or target.read_bytes() != data:
                _write_atomic(target, data)

    def _store_blob(self, path: Path) -> str:
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        blob = self.blobs / sha
        if not blob.exists():
            self.blobs.mkdir(parents=True, exist_ok=True)
            _write_atomic(blob, data)
        return sha

    def _text(self, sha: str | None) -> str:
        return (self.blobs / sha).read_text(encoding="utf-8", errors="replace") if sha else ""


def _write_atomic(path: Path, data: str | bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    os.replace(tmp, path)
